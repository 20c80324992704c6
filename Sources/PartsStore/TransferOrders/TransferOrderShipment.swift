import PartsDomain
import PostgresClient

extension PartsStore {
    /// Ships stock to a branch on a new transfer order, in one transaction
    /// (ship_transfer_order): a TR from the sender into the destination's transit location,
    /// all lines or none. Not through the posting batcher, so a refusal of this order never
    /// fails a batch of other documents. With a ref used before, returns that first
    /// shipment again and changes nothing.
    public func ship(from: String, to: String, lines: [StockDocumentDraft.Line], note: String?,
                     _ context: CommandContext) async throws(StoreError) -> TransferOrderPosting {
        let draft = StockDocumentDraft(kind: .transfer, location: from, toLocation: to, note: note, lines: lines)
        let input = Self.postingInput(draft, context).text
        let json = try await retryingDuplicateRef { () async throws(StoreError) in
            try await write { connection throws(PostgresError) in
                try connection.query("SELECT ship_transfer_order($1::jsonb)", [input]).scalar
            }
        }
        guard let json else { throw .bug("ship_transfer_order returned nothing") }
        return try TransferOrderPosting.decode(json)
    }
}
