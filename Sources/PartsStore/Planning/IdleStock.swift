import PartsDomain
import PostgresClient

/// Stock that is not selling, as the dead-stock and obsolete-stock reports list it: what it is
/// worth and how long it has waited. One row type, one valuation (on hand × the moving average
/// cost, as every stock value is kept) and one ranking for both reports, which differ only in
/// which part-locations they pick.
public struct IdleStockRow: Sendable, Equatable {
    public var partNo: String
    public var description: String
    public var location: String
    public var onHand: ExactDecimal
    public var unit: String
    public var value: ExactDecimal
    /// The last day with demand, ever; nil when there never was any.
    public var lastIssue: String?
    /// Days since the last demand, or since the part first came into the location when it
    /// never had any.
    public var daysIdle: Int?
    /// Why the part is obsolete, and the proposal whose run said so; nil for dead stock.
    public var why: String?
    public var proposalNo: String?
}

public struct IdleStockReport: Sendable {
    public var rows: [IdleStockRow]
    /// Over every part-location picked, not only the rows shown.
    public var count: Int
    public var totalValue: ExactDecimal
    /// The dead-stock window per location in scope: one entry per distinct setting; empty for
    /// obsolete stock, whose window is each part's own plan.
    public var windows: [(location: String, days: Int)] = []
}

enum IdleStock {
    /// The ranking and the dates, after a query's CTEs that end in `picked` (part_id,
    /// location_id, code, on_hand, value, why, proposal_no): highest value first, the first
    /// `limit` rows (the parameter named) with the count and total over all of them.
    static func ranked(limit parameter: String) -> String {
        """
        , shown AS (
            SELECT picked.*, p.part_no, p.description, p.unit,
                   count(*) OVER () AS total_count, sum(picked.value) OVER () AS total_value
              FROM picked JOIN part p ON p.id = picked.part_id
             ORDER BY picked.value DESC, p.part_no, picked.code
             LIMIT \(parameter)::integer
        )
        -- Dates only for the rows shown: the ranking needs the value alone.
        SELECT r.part_no, r.description, r.code AS location, r.on_hand, r.unit, r.value, last.day AS last_issue,
               current_date - coalesce(last.day, first.day) AS days_idle, r.why, r.proposal_no, r.total_count, r.total_value
          FROM shown r
          LEFT JOIN LATERAL (
              SELECT max(d.demand_date) AS day FROM demand_line d
               WHERE d.part_id = r.part_id AND d.location_id = r.location_id AND d.quantity > 0) last ON true
          LEFT JOIN LATERAL (
              SELECT m.posted_at::date AS day FROM stock_movement m
               WHERE m.part_id = r.part_id AND m.location_id = r.location_id
               ORDER BY m.id LIMIT 1) first ON true
         ORDER BY r.value DESC, r.part_no, r.code
        """
    }

    /// The value of stock on hand, rounded to cents, as `picked` computes it from a
    /// stock_balance row aliased `b`.
    static let value = "round(b.on_hand * b.avg_cost, 2)"

    static func report(_ result: QueryResult) throws(PostgresError) -> IdleStockReport {
        let rows = try result.records.map { row throws(PostgresError) in
            IdleStockRow(partNo: try row.text("part_no"), description: try row.text("description"),
                         location: try row.text("location"), onHand: try row.decimal("on_hand"), unit: try row.text("unit"),
                         value: try row.decimal("value"), lastIssue: try row.optionalText("last_issue"),
                         daysIdle: try row.optionalInt("days_idle"), why: try row.optionalText("why"),
                         proposalNo: try row.optionalText("proposal_no"))
        }
        let first = result.records.first
        return IdleStockReport(rows: rows, count: try first?.int("total_count") ?? 0,
                               totalValue: try first?.decimal("total_value") ?? .zero)
    }
}
