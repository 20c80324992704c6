import PartsDomain
import PostgresClient

/// What the parts manager reads every day about requisitions.
public struct RequisitionReport: Sendable {
    /// Open requisitions, oldest first.
    public var open: [RequisitionHeader]
    public var openTotal: Int
    public var backordersByPart: [PartBackorder]
    /// Lines with a needed-by date that is past or that are fully issued.
    public var measuredLines: Int
    /// Of those, lines fully issued on or before their needed-by date.
    public var onTimeLines: Int
    /// onTime / measured to 4 places; nil when nothing was measured.
    public var onTimeRate: ExactDecimal?

    public struct PartBackorder: Sendable {
        public var partNo: String
        public var location: String
        public var backOrdered: ExactDecimal
        public var requisitions: Int
        public var oldestDays: Int
        public var available: ExactDecimal
    }
}

extension PartsStore {
    public func requisitionReport(limit: Int) async throws(StoreError) -> RequisitionReport {
        try await report { connection throws(PostgresError) in
            let open = try connection.query(Self.requisitionHeaderSelect + """
                 JOIN requisition_state s ON s.state = r.state
                 WHERE s.is_open ORDER BY r.created_at, r.id LIMIT $1
                """, [String(limit)]).records.map(Self.requisitionHeader)
            let openTotal = try connection.query("""
                SELECT count(*) AS open FROM requisition r JOIN requisition_state s ON s.state = r.state WHERE s.is_open
                """).records[0].int("open")
            let parts = try connection.query("""
                SELECT p.part_no, loc.code AS location, sum(l.quantity - l.reserved - l.issued) AS back_ordered,
                       count(DISTINCT l.requisition_id) AS requisitions, max(current_date - r.approved_at::date) AS oldest_days,
                       coalesce(min(b.on_hand - b.reserved), 0) AS available
                  FROM requisition_line l
                  JOIN requisition r ON r.id = l.requisition_id
                  JOIN part p ON p.id = l.part_id
                  JOIN location loc ON loc.id = l.location_id
                  LEFT JOIN stock_balance b ON b.part_id = l.part_id AND b.location_id = l.location_id
                 WHERE l.backorder_open AND l.quantity > l.reserved + l.issued
                 GROUP BY p.part_no, loc.code
                 ORDER BY 3 DESC, 1, 2 LIMIT $1
                """, [String(limit)]).records.map { row throws(PostgresError) in
                RequisitionReport.PartBackorder(partNo: try row.text("part_no"), location: try row.text("location"),
                                                backOrdered: try row.decimal("back_ordered"),
                                                requisitions: try row.int("requisitions"), oldestDays: try row.int("oldest_days"),
                                                available: try row.decimal("available"))
            }
            // A line counts once its needed-by date has passed or it was fully issued; it was on
            // time when fully issued by the end of that day. Cancelled and rejected requisitions
            // were never owed, so they are left out.
            let kpi = try connection.query("""
                SELECT count(*) AS measured, count(*) FILTER (WHERE l.fully_issued_at::date <= r.needed_by) AS on_time,
                       round(count(*) FILTER (WHERE l.fully_issued_at::date <= r.needed_by)::numeric / nullif(count(*), 0), 4) AS rate
                  FROM requisition_line l JOIN requisition r ON r.id = l.requisition_id
                 WHERE r.needed_by IS NOT NULL AND r.state NOT IN ('cancelled', 'rejected')
                   AND (r.needed_by < current_date OR l.fully_issued_at IS NOT NULL)
                """).records[0]
            return RequisitionReport(open: open, openTotal: openTotal, backordersByPart: parts,
                                     measuredLines: try kpi.int("measured"), onTimeLines: try kpi.int("on_time"),
                                     onTimeRate: try kpi.optionalDecimal("rate"))
        }
    }
}
