import PartsDomain
import PostgresClient

/// One part-location's ABC class by demand value (the period's demand at standard cost, see abc_ranking).
public struct ABCRow: Sendable, Equatable {
    public var location: String
    public var partNo: String
    public var issueValue: ExactDecimal
    /// The part's part of the location's positive demand value; nil when nothing was demanded.
    public var share: ExactDecimal?
    /// The share of this part and every part ranked above it.
    public var cumulativeShare: ExactDecimal?
    public var abcClass: String
}

/// How many part-locations of one location fell into one class, and their demand value.
public struct ABCClassCount: Sendable, Equatable {
    public var location: String
    public var abcClass: String
    public var parts: Int
    public var issueValue: ExactDecimal
}

public struct ABCReport: Sendable {
    public var rows: [ABCRow]
    public var classes: [ABCClassCount]
    /// Part-locations classified, not only the rows shown.
    public var total: Int
}

extension PartsStore {
    /// ABC classes per location over the last `days` days, today included, for every part the
    /// location holds or had demand for: abc_ranking's classes, the ones the plan uses (demand
    /// × standard cost, ranked within the location; see sql/functions/planning.sql).
    public func abcReport(location: String?, days: Int, limit: Int) async throws(StoreError) -> ABCReport {
        if let location { try await requireLocation(location) }
        return try await report { connection throws(PostgresError) in
            let result = try connection.query(Self.abcSQL, [location, String(days), String(limit)])
            var report = ABCReport(rows: [], classes: [], total: 0)
            for row in result.records {
                if try row.text("kind") == "part" {
                    report.rows.append(ABCRow(location: try row.text("location"), partNo: try row.text("part_no"),
                                              issueValue: try row.decimal("value"), share: try row.optionalDecimal("share"),
                                              cumulativeShare: try row.optionalDecimal("cumulative"),
                                              abcClass: try row.text("abc_class")))
                    report.total = try row.int("n")
                } else {
                    report.classes.append(ABCClassCount(location: try row.text("location"), abcClass: try row.text("abc_class"),
                                                        parts: try row.int("n"), issueValue: try row.decimal("value")))
                }
            }
            return report
        }
    }

    /// $1 location code or NULL, $2 days, $3 limit. One statement returns the rows shown and
    /// the counts per class, so both come from the same snapshot of the data.
    static let abcSQL = """
        WITH scope AS (
            SELECT id, code FROM location WHERE $1::text IS NULL OR code = $1::text
        ), classed AS (
            SELECT r.*, s.code, p.part_no
              -- The locations as a column, not a subquery, so that abc_ranking is inlined
              -- (see PlanningRows.partSQL).
              FROM (SELECT array_agg(id) AS ids FROM scope) scoped
             CROSS JOIN LATERAL abc_ranking(scoped.ids, current_date - $2::integer + 1, current_date) r
              JOIN scope s ON s.id = r.location_id
              JOIN part p ON p.id = r.part_id
        ), shown AS (
            SELECT 'part'::text AS kind, c.code AS location, c.part_no, round(c.value, 2) AS value,
                   round(c.share, 4) AS share, round(c.share_before + c.share, 4) AS cumulative,
                   c.abc_class, count(*) OVER () AS n,
                   row_number() OVER (ORDER BY c.code, c.value DESC, c.part_no) AS ord
              FROM classed c
             ORDER BY c.code, c.value DESC, c.part_no
             LIMIT $3::integer
        ), counted AS (
            SELECT 'class'::text AS kind, l.code AS location, NULL::text AS part_no,
                   round(coalesce(sum(c.value), 0), 2) AS value, NULL::numeric AS share, NULL::numeric AS cumulative,
                   k.abc_class, count(c.part_no) AS n,
                   row_number() OVER (ORDER BY l.code, k.abc_class) AS ord
              FROM (SELECT DISTINCT location_id, code FROM classed) l
             CROSS JOIN (VALUES ('A'), ('B'), ('C')) AS k(abc_class)
              LEFT JOIN classed c ON c.location_id = l.location_id AND c.abc_class = k.abc_class
             GROUP BY l.code, k.abc_class
        )
        SELECT * FROM shown
        UNION ALL
        SELECT * FROM counted
         -- "part" sorts after "class": the rows shown first, then the counts.
         ORDER BY kind DESC, ord
        """
}
