import PartsDomain
import PostgresClient

/// Stock at a location that nobody asked for within the dead-stock window (呆滞库存).
public struct DeadStockRow: Sendable, Equatable {
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
}

public struct DeadStockReport: Sendable {
    public var rows: [DeadStockRow]
    /// Over every dead part-location, not only the rows shown.
    public var count: Int
    public var totalValue: ExactDecimal
    /// The window per location in scope: one entry per distinct setting.
    public var windows: [(location: String, days: Int)]
}

extension PartsStore {
    /// The dead-stock window when none is given: the location's planning setting, else the
    /// default row's, else the dealers' usual 180 days.
    public static let defaultDeadDays = 180

    /// Part-locations with stock on hand and no demand (goods issues and imported history;
    /// returns are not demand) in the last `days` days, today included, highest value first.
    /// Without `days`, each location uses its own planning setting.
    public func deadStock(location: String?, days: Int?, limit: Int) async throws(StoreError) -> DeadStockReport {
        if let location { try await requireLocation(location) }
        return try await report { connection throws(PostgresError) in
            let scope = [location, days.map(String.init), String(Self.defaultDeadDays)]
            let windows = try connection.query(Self.deadScopeSQL + " SELECT code, days FROM scope ORDER BY code", scope)
                .records.map { row throws(PostgresError) in (location: try row.text("code"), days: try row.int("days")) }
            let result = try connection.query(Self.deadStockSQL, scope + [String(limit)])
            let rows = try result.records.map { row throws(PostgresError) in
                DeadStockRow(partNo: try row.text("part_no"), description: try row.text("description"),
                             location: try row.text("location"), onHand: try row.decimal("on_hand"), unit: try row.text("unit"),
                             value: try row.decimal("value"), lastIssue: try row.optionalText("last_issue"),
                             daysIdle: try row.optionalInt("days_idle"))
            }
            let first = result.records.first
            return DeadStockReport(rows: rows, count: try first?.int("total_count") ?? 0,
                                   totalValue: try first?.decimal("total_value") ?? .zero, windows: windows)
        }
    }

    /// $1 location code or NULL, $2 days or NULL, $3 the built-in default.
    static let deadScopeSQL = """
        WITH scope AS (
            SELECT l.id, l.code, coalesce($2::integer, own.dead_days, base.dead_days, $3::integer) AS days
              FROM location l
              LEFT JOIN planning_setting own ON own.location_id = l.id
              LEFT JOIN planning_setting base ON base.location_id IS NULL
             WHERE CASE WHEN $1::text IS NULL THEN \(PlannedLocations.predicate("l")) ELSE l.code = $1::text END
        )
        """

    /// The scope's parameters, then $4 the limit.
    static let deadStockSQL = deadScopeSQL + """
        , recent AS (
            SELECT d.part_id, d.location_id
              FROM demand_line d JOIN scope s ON s.id = d.location_id
             WHERE d.quantity > 0 AND d.demand_date > current_date - s.days
             GROUP BY 1, 2
        -- Materialized: under the LIMIT below the planner would otherwise probe the demand
        -- once per balance row, expecting to stop early, while the totals need every row.
        ), dead AS MATERIALIZED (
            SELECT b.part_id, b.location_id, s.code, b.on_hand, round(b.on_hand * b.avg_cost, 2) AS value
              FROM stock_balance b
              JOIN scope s ON s.id = b.location_id
              LEFT JOIN recent r ON r.part_id = b.part_id AND r.location_id = b.location_id
             WHERE b.on_hand > 0 AND r.part_id IS NULL
               -- Stock that arrived within the window has not had the chance to sell: not dead.
               AND EXISTS (SELECT 1 FROM stock_movement m
                            WHERE m.part_id = b.part_id AND m.location_id = b.location_id
                              AND m.posted_at < current_date - s.days)
        ), shown AS (
            SELECT dead.*, p.part_no, p.description, p.unit,
                   count(*) OVER () AS total_count, sum(dead.value) OVER () AS total_value
              FROM dead JOIN part p ON p.id = dead.part_id
             ORDER BY dead.value DESC, p.part_no, dead.code
             LIMIT $4::integer
        )
        -- Dates only for the rows shown: the ranking needs the value alone.
        SELECT r.part_no, r.description, r.code AS location, r.on_hand, r.unit, r.value, last.day AS last_issue,
               current_date - coalesce(last.day, first.day) AS days_idle, r.total_count, r.total_value
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
