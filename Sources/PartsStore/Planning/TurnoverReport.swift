import PartsDomain
import PostgresClient

/// Turnover of one warehouse, or of one part category in it, against its target.
public struct TurnoverRow: Sendable, Equatable {
    public var location: String
    /// nil for a whole warehouse; "-" for parts without a category.
    public var category: String?
    public var costOfGoodsIssued: ExactDecimal
    public var averageValue: ExactDecimal
    /// "snapshots N" or "current stock": where the average value came from.
    public var basis: String
    /// Turns per year; nil when there was no stock to turn.
    public var turnover: ExactDecimal?
    /// 365 / turnover; nil when nothing was issued (stock that never moves covers forever).
    public var daysOfSupply: ExactDecimal?
    public var targetTurnover: ExactDecimal?
    public var maxDays: Int?
    public var status: String
}

public struct TurnoverReport: Sendable {
    /// The first and last day of the window.
    public var from: String
    public var through: String
    public var rows: [TurnoverRow]
    /// Rows before the limit cut.
    public var total: Int
}

extension PartsStore {
    /// Turnover per warehouse (or per warehouse and part category) over the last `days` days,
    /// today included. Cost of goods issued is the GI lines' quantity × unit cost less the RT
    /// lines'; the average stock value is the mean of the location's daily snapshot totals over
    /// the days that have a snapshot, or today's stock value when the window has none.
    ///
    /// Turnover and days of supply are turnover_figures', the formula a reorder proposal's
    /// projected turnover uses too. Status compares the rounded figures the report prints, so
    /// a row never reads "4.00 below target 4". Stock that was not issued at all has no days
    /// of supply and is over any maximum.
    public func turnoverReport(location: String?, days: Int, byCategory: Bool, limit: Int) async throws(StoreError) -> TurnoverReport {
        if let location { try await requireLocation(location) }
        return try await report { connection throws(PostgresError) in
            let window = try connection.query("SELECT current_date - $1::integer + 1 AS since, current_date AS through",
                                              [String(days)]).records[0]
            let result = try connection.query(Self.turnoverSQL(byCategory: byCategory), [location, String(days), String(limit)])
            let rows = try result.records.map { row throws(PostgresError) in
                TurnoverRow(location: try row.text("location"), category: byCategory ? try row.optionalText("category") : nil,
                            costOfGoodsIssued: try row.decimal("cogs"), averageValue: try row.decimal("average_value"),
                            basis: try row.text("basis"), turnover: try row.optionalDecimal("turnover"),
                            daysOfSupply: try row.optionalDecimal("days_of_supply"),
                            targetTurnover: try row.optionalDecimal("target_turnover"), maxDays: try row.optionalInt("max_days"),
                            status: try row.text("status"))
            }
            return TurnoverReport(from: try window.text("since"), through: try window.text("through"), rows: rows,
                                  total: try result.records.first?.int("total") ?? 0)
        }
    }

    /// $1 location code or NULL, $2 days, $3 limit. Per category, each source joins the part
    /// for its category; per warehouse it does not need to, and skipping the join is most of
    /// the time saved on a large catalogue.
    static func turnoverSQL(byCategory: Bool) -> String {
        func category(_ alias: String) -> (join: String, key: String) {
            byCategory ? ("JOIN part p ON p.id = \(alias).part_id", "coalesce(p.category, '-')") : ("", "''::text")
        }
        let line = category("dl"), balance = category("b")
        return """
        WITH win AS (
            SELECT current_date - $2::integer AS since, current_date AS today
        ), scope AS (
            SELECT id FROM location
             WHERE CASE WHEN $1::text IS NULL THEN \(PlannedLocations.predicate()) ELSE code = $1::text END
        ), issued AS (
            SELECT d.location_id, \(line.key) AS category,
                   sum(CASE WHEN d.doc_type = 'GI' THEN dl.quantity * dl.unit_cost
                            ELSE -(dl.quantity * dl.unit_cost) END) AS cogs
              FROM document d
              JOIN document_line dl ON dl.document_id = d.id
              \(line.join)
             CROSS JOIN win
             WHERE d.doc_type IN ('GI', 'RT') AND d.doc_date > win.since AND d.doc_date <= win.today
               AND d.location_id IN (SELECT id FROM scope)
             GROUP BY 1, 2
        ), snapshot_days AS (
            SELECT s.location_id, s.snapshot_date, \(byCategory ? "s.category" : "''::text") AS category, sum(s.value) AS value
              FROM stock_snapshot_total s
             CROSS JOIN win
             WHERE s.snapshot_date > win.since AND s.snapshot_date <= win.today
               AND s.location_id IN (SELECT id FROM scope)
             GROUP BY 1, 2, 3
        ), snapshot_dates AS (
            -- A category with no row on a snapshot day held nothing that day: the days that
            -- count are the location's snapshot days, not the category's.
            SELECT location_id, count(DISTINCT snapshot_date) AS dates FROM snapshot_days GROUP BY 1
        ), snapshot_value AS (
            SELECT location_id, category, sum(value) AS total FROM snapshot_days GROUP BY 1, 2
        ), stocked AS (
            SELECT b.location_id, \(balance.key) AS category,
                   sum(b.on_hand * b.avg_cost) AS value, bool_or(b.on_hand > 0) AS holds
              FROM stock_balance b
              \(balance.join)
             WHERE b.location_id IN (SELECT id FROM scope)
             GROUP BY 1, 2
        ), keyed AS (
            SELECT location_id, category FROM issued
            UNION SELECT location_id, category FROM snapshot_value
            UNION SELECT location_id, category FROM stocked WHERE holds
            -- A warehouse asked for by name is reported even when it is empty.
            UNION SELECT id, '' FROM scope WHERE $1::text IS NOT NULL AND NOT \(byCategory)
        ), measured AS (
            SELECT k.location_id, k.category, coalesce(i.cogs, 0) AS cogs, sd.dates,
                   CASE WHEN sd.dates IS NOT NULL THEN coalesce(sv.total, 0) / sd.dates
                        ELSE coalesce(st.value, 0) END AS average_value
              FROM keyed k
              LEFT JOIN issued i ON i.location_id = k.location_id AND i.category = k.category
              LEFT JOIN snapshot_dates sd ON sd.location_id = k.location_id
              LEFT JOIN snapshot_value sv ON sv.location_id = k.location_id AND sv.category = k.category
              LEFT JOIN stocked st ON st.location_id = k.location_id AND st.category = k.category
        ), rated AS (
            SELECT m.*, round(f.turnover, 2) AS turnover, round(f.days_of_supply, 1) AS days_of_supply
              FROM measured m
             CROSS JOIN LATERAL turnover_figures(m.cogs, m.average_value, $2::integer) f
        )
        SELECT l.code AS location, r.category, round(r.cogs, 2) AS cogs, round(r.average_value, 2) AS average_value,
               CASE WHEN r.dates IS NOT NULL THEN 'snapshots ' || r.dates ELSE 'current stock' END AS basis,
               r.turnover, r.days_of_supply, t.turnover AS target_turnover, t.max_days,
               CASE WHEN t.turnover IS NULL THEN 'no target'
                    ELSE coalesce(nullif(concat_ws(', ',
                             CASE WHEN r.turnover < t.turnover THEN 'below target' END,
                             CASE WHEN r.days_of_supply > t.max_days
                                    OR (r.average_value > 0 AND r.cogs <= 0) THEN 'over max days' END), ''), 'ok')
               END AS status,
               count(*) OVER () AS total
          FROM rated r
          JOIN location l ON l.id = r.location_id
          -- A category's own target, else the warehouse's.
          LEFT JOIN LATERAL (
              SELECT tt.turnover, tt.max_days FROM turnover_target tt
               WHERE tt.location_id = r.location_id AND tt.category IN (r.category, '')
               ORDER BY tt.category = '' LIMIT 1) t ON true
         ORDER BY l.code, r.category
         LIMIT $3::integer
        """
    }
}
