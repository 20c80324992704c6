import PartsDomain
import PostgresClient

extension PartsStore {
    /// Posts unused parts back into stock against the goods issue `giNo` (退料): never more
    /// of a part than the issue gave out, counting what came back before, at the cost it was
    /// issued at, into the location it left (return_post).
    public func postReturn(_ lines: [StockDocumentDraft.Line], note: String?, against giNo: String,
                           _ context: CommandContext) async throws(StoreError) -> PostedDocument {
        var input = WorkflowInput(context)
        input.set("gi_no", giNo)
        input.set("note", note)
        input.set("lines", lines: lines)
        return try await perform(.returnPost, input).document()
    }
}
