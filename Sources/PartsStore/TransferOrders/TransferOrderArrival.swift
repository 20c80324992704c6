import PartsDomain
import PostgresClient

extension PartsStore {
    /// Books the arrival of a transfer order at its branch, in one transaction
    /// (arrive_transfer_order, serialized on the order's row): `counted` nil means everything
    /// shipped arrived; otherwise each listed part arrived in its quantity (zero allowed) and
    /// every part not listed arrived not at all. What moves out of transit is at most what was
    /// shipped per line; the rest is recorded as the line's discrepancy. With a ref used
    /// before, returns that first arrival again and changes nothing.
    public func arrive(_ toNo: String, counted: [StockDocumentDraft.Line]?, note: String?,
                       _ context: CommandContext) async throws(StoreError) -> TransferOrderPosting {
        // The location is the order's transit location; arrive_transfer_order fills it in.
        let draft = StockDocumentDraft(kind: .transfer, location: "", note: note, lines: counted ?? [])
        let input = Self.postingInput(draft, context).text
        let json = try await retryingDuplicateRef { () async throws(StoreError) in
            try await write { connection throws(PostgresError) in
                try connection.query("SELECT arrive_transfer_order($1::jsonb, $2)", [input, toNo]).scalar
            }
        }
        guard let json else { throw .bug("arrive_transfer_order returned nothing") }
        return try TransferOrderPosting.decode(json)
    }
}
