import PartsDomain
import PostgresClient

/// An open purchase order line past its expected date: what the buyer chases (交期跟踪).
public struct OverduePurchaseOrderLine: Sendable {
    public var poNo: String
    public var supplier: String
    public var partNo: String
    public var location: String
    public var open: ExactDecimal
    public var expected: String
    public var daysLate: Int
    public var forRequisition: String?
}

extension PartsStore {
    /// Open lines expected before today, the latest first; with their count.
    public func overduePurchaseOrderLines(supplier: String?, limit: Int) async throws(StoreError) -> (lines: [OverduePurchaseOrderLine], total: Int) {
        try await read { connection throws(PostgresError) in
            let records = try connection.query("""
                SELECT o.po_no, s.code AS supplier, p.part_no, loc.code AS location, l.quantity - l.received AS open,
                       coalesce(l.expected, o.expected)::text AS expected, current_date - coalesce(l.expected, o.expected) AS days_late,
                       o.for_requisition, count(*) OVER () AS total
                  FROM po_line l
                  JOIN purchase_order o ON o.id = l.po_id
                  JOIN supplier s ON s.id = o.supplier_id
                  JOIN part p ON p.id = l.part_id
                  JOIN location loc ON loc.id = l.location_id
                 WHERE NOT l.closed AND coalesce(l.expected, o.expected) < current_date
                   AND ($1::text IS NULL OR s.code = $1)
                 ORDER BY coalesce(l.expected, o.expected), o.po_no, l.line_no
                 LIMIT $2
                """, [supplier, String(limit)]).records
            let lines = try records.map { row throws(PostgresError) in
                OverduePurchaseOrderLine(poNo: try row.text("po_no"), supplier: try row.text("supplier"), partNo: try row.text("part_no"),
                                         location: try row.text("location"), open: try row.decimal("open"),
                                         expected: try row.text("expected"), daysLate: try row.int("days_late"),
                                         forRequisition: try row.optionalText("for_requisition"))
            }
            return (lines, try records.first?.int("total") ?? 0)
        }
    }
}
