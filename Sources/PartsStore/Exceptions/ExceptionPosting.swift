import PartsDomain

extension PartsStore {
    /// Raises an exception against a posted GR, TR or AD and, but for a short delivery,
    /// moves the quantity into quarantine (exception_raise). With a ref that was used before,
    /// returns that first exception again and changes nothing.
    public func raiseException(_ draft: ExceptionDraft, _ context: CommandContext) async throws(StoreError) -> StockException {
        var input = WorkflowInput(context)
        input.set("doc_no", draft.docNo)
        input.set("part_no", draft.partNo)
        input.set("quantity", draft.quantity)
        input.set("kind", draft.kind.rawValue)
        input.set("note", draft.note)
        input.set("quarantine", draft.quarantine)
        return try StockException(try await perform(.exceptionRaise, input))
    }

    /// Resolves an open exception and posts what the action means (exception_resolve); a
    /// resolved one is refused with who resolved it how.
    public func resolveException(_ number: String, action: ExceptionAction, note: String?,
                                 _ context: CommandContext) async throws(StoreError) -> StockException {
        var input = WorkflowInput(context)
        input.set("ex_no", number)
        input.set("action", action.rawValue)
        input.set("note", note)
        return try StockException(try await perform(.exceptionResolve, input))
    }
}
