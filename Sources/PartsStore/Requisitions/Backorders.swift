import PartsDomain
import PostgresClient

/// A back-ordered requisition line and what could be reserved for it now.
public struct BackorderRow: Sendable {
    public var number: String
    public var approvedAt: String
    public var ageDays: Int
    public var location: String
    public var partNo: String
    public var backOrdered: ExactDecimal
    public var available: ExactDecimal
    /// The least of the back-order and what is available now: what `req fill` would reserve if
    /// no older back-order took it first.
    public var fillable: ExactDecimal
}

extension PartsStore {
    /// Back-ordered lines, oldest approval first; with `parts`, only lines for those parts
    /// (what a receipt of them can now fill).
    public func backorders(location: String?, parts: [String]? = nil, limit: Int) async throws(StoreError) -> [BackorderRow] {
        let partFilter = parts.map { ArrayLiteral.quoted($0) }
        if let location { try await requireLocation(location) }
        return try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT r.req_no, to_char(r.approved_at, 'YYYY-MM-DD HH24:MI') AS approved_at,
                       current_date - r.approved_at::date AS age_days, loc.code AS location, p.part_no,
                       l.quantity - l.reserved - l.issued AS back_ordered, coalesce(b.on_hand - b.reserved, 0) AS available,
                       least(l.quantity - l.reserved - l.issued, coalesce(b.on_hand - b.reserved, 0)) AS fillable
                  FROM requisition_line l
                  JOIN requisition r ON r.id = l.requisition_id
                  JOIN location loc ON loc.id = l.location_id
                  JOIN part p ON p.id = l.part_id
                  LEFT JOIN stock_balance b ON b.part_id = l.part_id AND b.location_id = l.location_id
                 WHERE l.backorder_open AND l.quantity > l.reserved + l.issued AND ($1::text IS NULL OR loc.code = $1)
                   AND ($3::text[] IS NULL OR p.part_no = ANY ($3::text[]))
                 ORDER BY r.approved_at, r.id, l.line_no
                 LIMIT $2
                """, [location, String(limit), partFilter]).records.map { row throws(PostgresError) in
                BackorderRow(number: try row.text("req_no"), approvedAt: try row.text("approved_at"), ageDays: try row.int("age_days"),
                             location: try row.text("location"), partNo: try row.text("part_no"),
                             backOrdered: try row.decimal("back_ordered"), available: try row.decimal("available"),
                             fillable: try row.decimal("fillable"))
            }
        }
    }
}
