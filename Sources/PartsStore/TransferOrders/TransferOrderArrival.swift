import PartsDomain

extension PartsStore {
    /// Books the arrival of a transfer order at its branch (transfer_order_arrive, serialized
    /// on the order's row): `counted` nil means everything shipped arrived; otherwise each
    /// listed part arrived in its quantity (zero allowed) and every part not listed arrived
    /// not at all. What moves out of transit is at most what was shipped per line; the rest is
    /// recorded as the line's discrepancy. With a ref used before, returns that first arrival
    /// again and changes nothing.
    public func arrive(_ toNo: String, counted: [StockDocumentDraft.Line]?, note: String?,
                       _ context: CommandContext) async throws(StoreError) -> TransferOrderPosting {
        var input = WorkflowInput(context)
        input.set("to_no", toNo)
        input.set("note", note)
        if let counted { input.set("lines", lines: counted) }
        return try TransferOrderPosting(try await perform(.transferOrderArrive, input))
    }
}
