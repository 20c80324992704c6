import PartsDomain
import PostgresClient

extension PartsStore {
    /// Posts a goods receipt against a purchase order and books it on the order's lines, in
    /// one transaction (receive_purchase_order). Not through the posting batcher: the order's
    /// row lock would hold every other document of a batch waiting behind it. With a ref that
    /// was used before, returns that first receipt again and changes nothing.
    /// `overReceiptPercent`: how far above the ordered quantity a line may be received.
    public func receive(_ draft: StockDocumentDraft, against poNo: String, overReceiptPercent: ExactDecimal,
                        _ context: CommandContext) async throws(StoreError) -> PostedDocument {
        let input = Self.postingInput(draft, context).text
        let json = try await retryingDuplicateRef { () async throws(StoreError) in
            try await write { connection throws(PostgresError) in
                let posted = try connection.query("SELECT receive_purchase_order($1::jsonb, $2, $3::numeric)",
                                                  [input, poNo, overReceiptPercent.description]).scalar
                try Self.reserveForSpecialOrder(poNo, posted: posted, connection)
                return posted
            }
        }
        guard let json else { throw .bug("receive_purchase_order returned nothing") }
        return try Self.decodeDocument(json)
    }

    /// A special order (特殊订货) was placed for a requisition: what arrives is reserved for it
    /// in the same transaction, before anyone else can issue it.
    private static func reserveForSpecialOrder(_ poNo: String, posted: String?, _ connection: Connection) throws(PostgresError) {
        guard let posted, !posted.contains("\"replayed\": true"),
              let requisition = try connection.query("""
                  SELECT po.for_requisition FROM purchase_order po
                   WHERE po.po_no = $1 AND EXISTS (SELECT 1 FROM requisition r WHERE r.req_no = po.for_requisition)
                  """, [poNo]).scalar
        else { return }
        let locked = try LockedRequisition.lock(requisition, connection)
        guard ["approved", "partly_issued"].contains(locked.state) else { return }
        _ = try locked.reserveAvailable(connection)
    }
}
