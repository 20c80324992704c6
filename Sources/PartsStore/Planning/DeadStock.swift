import PartsDomain
import PostgresClient

extension PartsStore {
    /// The dead-stock window when none is given: the location's planning setting, else the
    /// default row's, else the dealers' usual 180 days.
    public static let defaultDeadDays = 180

    /// Stock at a location that nobody asked for within the dead-stock window (呆滞库存):
    /// part-locations with stock on hand and no demand (goods issues and imported history;
    /// returns are not demand) in the last `days` days, today included, highest value first.
    /// Without `days`, each location uses its own planning setting.
    public func deadStock(location: String?, days: Int?, limit: Int) async throws(StoreError) -> IdleStockReport {
        if let location { try await requireLocation(location) }
        return try await report { connection throws(PostgresError) in
            let scope = [location, days.map(String.init), String(Self.defaultDeadDays)]
            let windows = try connection.query(Self.deadScopeSQL + " SELECT code, days FROM scope ORDER BY code", scope)
                .records.map { row throws(PostgresError) in (location: try row.text("code"), days: try row.int("days")) }
            var report = try IdleStock.report(connection.query(Self.deadStockSQL, scope + [String(limit)]))
            report.windows = windows
            return report
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
        ), picked AS MATERIALIZED (
            SELECT b.part_id, b.location_id, s.code, b.on_hand, \(IdleStock.value) AS value,
                   NULL::text AS why, NULL::text AS proposal_no
              FROM stock_balance b
              JOIN scope s ON s.id = b.location_id
              LEFT JOIN recent r ON r.part_id = b.part_id AND r.location_id = b.location_id
             WHERE b.on_hand > 0 AND r.part_id IS NULL
               -- Stock that arrived within the window has not had the chance to sell: not dead.
               AND EXISTS (SELECT 1 FROM stock_movement m
                            WHERE m.part_id = b.part_id AND m.location_id = b.location_id
                              AND m.posted_at < current_date - s.days)
        )
        """ + IdleStock.ranked(limit: "$4")
}
