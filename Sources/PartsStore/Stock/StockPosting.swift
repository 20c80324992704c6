import PartsDomain
import PostgresClient

extension PartsStore {
    /// Posts a receipt, issue, transfer or count: the whole document or nothing, answered
    /// after it is committed (together with other documents that arrived meanwhile, see
    /// RequestBatcher). With a ref that was used before, returns that first document again
    /// and posts nothing.
    public func post(_ draft: StockDocumentDraft, _ context: CommandContext) async throws(StoreError) -> PostedDocument {
        try await batcher.post(Self.postingInput(draft, context).text).get().document()
    }

    /// A posted document by number, for `doc show`.
    public func document(_ docNo: String) async throws(StoreError) -> PostedDocument {
        try PostedDocument(json: try await record("document", missing: "no document \(docNo)",
                                                  "SELECT document_json($1) AS record", [docNo]).json)
    }

    /// The request post_stock_document takes.
    static func postingInput(_ draft: StockDocumentDraft, _ context: CommandContext) -> WorkflowInput {
        var input = WorkflowInput(context)
        input.set("type", draft.kind.rawValue)
        input.set("location", draft.location)
        input.set("to_location", draft.toLocation)
        input.set("counterparty", draft.counterparty)
        input.set("note", draft.note)
        input.set("reason", draft.reason)
        input.set("lines", lines: draft.lines)
        return input
    }
}
