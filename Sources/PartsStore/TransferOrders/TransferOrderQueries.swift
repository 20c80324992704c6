import PartsDomain
import PostgresClient

/// One order in `to list`: its header with totals.
public struct TransferOrderSummary: Sendable, Equatable {
    public var toNo: String
    public var state: String
    public var from: String
    public var to: String
    public var lines: Int
    public var shipped: ExactDecimal
    /// Sum of the lines' received quantities; nil before arrival.
    public var received: ExactDecimal?
    public var inTransit: ExactDecimal
    public var value: ExactDecimal
    public var shippedAt: String
    public var receivedAt: String?
}

extension PartsStore {
    public func transferOrder(_ toNo: String) async throws(StoreError) -> TransferOrder {
        try TransferOrder(try await record("transfer order", missing: "unknown transfer order \(toNo)",
                                           "SELECT transfer_order_json(id) AS record FROM transfer_order WHERE to_no = $1", [toNo]))
    }

    /// Orders newest first; `location` matches the sender or the destination.
    public func transferOrders(state: TransferOrderState?, location: String?, limit: Int) async throws(StoreError) -> [TransferOrderSummary] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT o.to_no, o.state, f.code AS from_code, t.code AS to_code, s.lines, s.shipped,
                       CASE WHEN o.state <> 'shipped' THEN s.received END AS received, s.in_transit, s.value,
                       o.shipped_at, o.received_at
                  FROM transfer_order o
                  JOIN location f ON f.id = o.from_location_id
                  JOIN location t ON t.id = o.to_location_id
                  CROSS JOIN LATERAL (
                      SELECT count(*) AS lines, sum(l.shipped)::numeric(15,3) AS shipped,
                             sum(l.received)::numeric(15,3) AS received,
                             sum(l.shipped - least(coalesce(l.received, 0), l.shipped))::numeric(15,3) AS in_transit,
                             round(sum(l.shipped * l.unit_cost), 2)::numeric(18,2) AS value
                        FROM transfer_order_line l WHERE l.transfer_order_id = o.id) s
                 WHERE ($1::text IS NULL OR o.state = $1::text)
                   AND ($2::text IS NULL OR f.code = $2::text OR t.code = $2::text)
                 ORDER BY o.id DESC LIMIT $3
                """, [state?.rawValue, location, String(limit)]).records.map { row throws(PostgresError) in
                TransferOrderSummary(toNo: try row.text("to_no"), state: try row.text("state"), from: try row.text("from_code"),
                                     to: try row.text("to_code"), lines: try row.int("lines"), shipped: try row.decimal("shipped"),
                                     received: try row.optionalDecimal("received"), inTransit: try row.decimal("in_transit"),
                                     value: try row.decimal("value"), shippedAt: try row.text("shipped_at"),
                                     receivedAt: try row.optionalText("received_at"))
            }
        }
    }
}
