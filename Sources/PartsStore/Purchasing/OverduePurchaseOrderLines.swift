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
            let rows = try connection.query("""
                SELECT o.po_no, s.code, p.part_no, loc.code, l.quantity - l.received,
                       coalesce(l.expected, o.expected)::text, current_date - coalesce(l.expected, o.expected),
                       o.for_requisition, count(*) OVER ()
                  FROM po_line l
                  JOIN purchase_order o ON o.id = l.po_id
                  JOIN supplier s ON s.id = o.supplier_id
                  JOIN part p ON p.id = l.part_id
                  JOIN location loc ON loc.id = l.location_id
                 WHERE NOT l.closed AND coalesce(l.expected, o.expected) < current_date
                   AND ($1::text IS NULL OR s.code = $1)
                 ORDER BY coalesce(l.expected, o.expected), o.po_no, l.line_no
                 LIMIT $2
                """, [supplier, String(limit)]).rows
            let lines = rows.map { row in
                OverduePurchaseOrderLine(poNo: row[0]!, supplier: row[1]!, partNo: row[2]!, location: row[3]!, open: decimal(row[4]),
                                         expected: row[5]!, daysLate: Int(row[6]!) ?? 0, forRequisition: row[7])
            }
            return (lines, rows.first.flatMap { Int($0[8] ?? "") } ?? 0)
        }
    }
}
