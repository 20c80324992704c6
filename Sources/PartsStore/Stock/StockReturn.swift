import PartsDomain
import PostgresClient

extension PartsStore {
    /// Posts unused parts back into stock against the goods issue `giNo` (退料), in one
    /// transaction (post_return): never more of a part than the issue gave out, counting what
    /// came back before, at the cost it was issued at, into the location it left. With a ref
    /// that was used before, returns that first document again and changes nothing.
    public func postReturn(_ draft: StockDocumentDraft, against giNo: String, _ context: CommandContext) async throws(StoreError) -> PostedDocument {
        let input = Self.postingInput(draft, context)
        let json = try await retryingDuplicateRef { () async throws(StoreError) in
            try await write { connection throws(PostgresError) in
                try connection.query("SELECT post_return($1::jsonb, $2)", [input, giNo]).scalar
            }
        }
        guard let json else { throw .internalError("post_return returned nothing") }
        return try Self.decodeDocument(json)
    }
}
