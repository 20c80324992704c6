import PartsDomain
import PostgresClient

/// One part-location's ABC class by issue value.
public struct ABCRow: Sendable, Equatable {
    public var location: String
    public var partNo: String
    public var issueValue: ExactDecimal
    /// The part's part of the location's positive issue value; nil when nothing was issued.
    public var share: ExactDecimal?
    /// The share of this part and every part ranked above it.
    public var cumulativeShare: ExactDecimal?
    public var abcClass: String
}

/// How many part-locations of one location fell into one class, and their issue value.
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
    /// ABC classes per location by issue value over the last `days` days (GI lines' quantity ×
    /// unit cost less RT lines'), for every part the location holds or issued. The rule is
    /// `ABCClassification.classify`'s, done in SQL so a catalogue of any size stays in the
    /// database: rank by value, highest first (part number breaks ties); a part's class comes
    /// from the share of the value of the parts ranked before it (below 80 % A, below 95 % B,
    /// else C), so the top part is A even when it alone carries more than 80 %; no or negative
    /// value is C.
    public func abcReport(location: String?, days: Int, limit: Int) async throws(StoreError) -> ABCReport {
        if let location { try await requireLocation(location) }
        return try await read { connection throws(PostgresError) in
            let result = try connection.query(Self.abcSQL, [location, String(days), String(limit)])
            var report = ABCReport(rows: [], classes: [], total: 0)
            for row in result.rows {
                if row[0] == "part" {
                    report.rows.append(ABCRow(location: row[1]!, partNo: row[2]!, issueValue: decimal(row[3]),
                                              share: row[4].flatMap { ExactDecimal($0) },
                                              cumulativeShare: row[5].flatMap { ExactDecimal($0) }, abcClass: row[6]!))
                    report.total = Int(row[7] ?? "") ?? 0
                } else {
                    report.classes.append(ABCClassCount(location: row[1]!, abcClass: row[6]!, parts: Int(row[7] ?? "") ?? 0,
                                                        issueValue: decimal(row[3])))
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
        ), issued AS (
            SELECT d.location_id, dl.part_id,
                   sum(CASE WHEN d.doc_type = 'GI' THEN dl.quantity * dl.unit_cost
                            ELSE -(dl.quantity * dl.unit_cost) END) AS value
              FROM document d JOIN document_line dl ON dl.document_id = d.id
             WHERE d.doc_type IN ('GI', 'RT')
               AND d.doc_date > current_date - $2::integer AND d.doc_date <= current_date
               AND d.location_id IN (SELECT id FROM scope)
             GROUP BY 1, 2
        ), universe AS (
            -- Every posted line moved stock, so every issued part has a balance row.
            SELECT b.location_id, b.part_id, coalesce(i.value, 0) AS value
              FROM stock_balance b
              LEFT JOIN issued i ON i.location_id = b.location_id AND i.part_id = b.part_id
             WHERE b.location_id IN (SELECT id FROM scope) AND (b.on_hand > 0 OR i.part_id IS NOT NULL)
        ), ranked AS (
            SELECT u.location_id, s.code, p.part_no, u.value,
                   sum(greatest(u.value, 0)) OVER (PARTITION BY u.location_id) AS total,
                   coalesce(sum(greatest(u.value, 0)) OVER (
                       PARTITION BY u.location_id ORDER BY u.value DESC, p.part_no
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
              FROM universe u
              JOIN part p ON p.id = u.part_id
              JOIN scope s ON s.id = u.location_id
        ), classed AS (
            SELECT r.*,
                   CASE WHEN r.value <= 0 THEN 'C'
                        WHEN r.before < 0.80 * r.total THEN 'A'
                        WHEN r.before < 0.95 * r.total THEN 'B'
                        ELSE 'C' END AS abc_class
              FROM ranked r
        ), shown AS (
            SELECT 'part'::text AS kind, c.code, c.part_no, round(c.value, 2) AS value,
                   round(greatest(c.value, 0) / nullif(c.total, 0), 4) AS share,
                   round((c.before + greatest(c.value, 0)) / nullif(c.total, 0), 4) AS cumulative,
                   c.abc_class, count(*) OVER () AS n,
                   row_number() OVER (ORDER BY c.code, c.value DESC, c.part_no) AS ord
              FROM classed c
             ORDER BY c.code, c.value DESC, c.part_no
             LIMIT $3::integer
        ), counted AS (
            SELECT 'class'::text AS kind, l.code, NULL::text AS part_no,
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
