import PartsDomain

extension PartsStore {
    /// req issue: a goods issue against an approved requisition, taken from its reservation
    /// first (requisition_issue). `lines` nil issues everything reserved. A retry with the
    /// same ref returns the first GI.
    public func issueRequisition(_ number: String, lines: [StockDocumentDraft.Line]?,
                                 _ context: CommandContext) async throws(StoreError) -> PostedDocument {
        var input = Self.requisitionInput(number, context)
        if let lines { input.set("lines", lines: lines) }
        return try await perform(.requisitionIssue, input).document()
    }
}
