import PostgresClient

/// What the metrics endpoint reports of the business and of the jobs, read at scrape time from
/// the database: the one place that knows, whichever daemon ran a job or posted a document, and
/// what a restarted daemon still knows.
public struct ServiceFigures: Sendable {
    /// Open repair orders past their promised date (hold days not counted), as `repair list --overdue` shows them.
    public var repairOrdersOverdue: Int
    /// Old parts a maker wants back whose ship-by date has passed.
    public var warrantyPartsOverdue: Int
    /// The claimed amount of old parts wanted and not yet shipped, as `report warranty` counts it.
    /// A text of the exact decimal; the gauge takes it as a Double, which is fine for a graph.
    public var warrantyValueAtRisk: String
    /// Each job's last successful run: when it finished, in seconds since 1970.
    public var lastJobSuccess: [(job: String, finishedAt: Double)]
}

extension PartsStore {
    /// The figures of `ServiceFigures`, on the site's today (`calendar`'s time zone).
    public func serviceFigures(_ calendar: SiteCalendar) async throws(StoreError) -> ServiceFigures {
        try await read { connection throws(PostgresError) in
            let row = try connection.query("""
                WITH today AS (SELECT site_today_in($1) AS day)
                SELECT (SELECT count(*) FROM repair_order r, today
                         WHERE r.state <> 'returned' AND repair_late_days(r, today.day) > 0) AS repairs_overdue,
                       (SELECT count(*) FROM old_part o, today
                         WHERE old_part_open(o.state, o.ship_by) AND o.ship_by < today.day) AS warranty_overdue,
                       (SELECT coalesce(sum(o.amount), 0)::numeric(15,2)::text FROM old_part o
                         WHERE old_part_open(o.state, o.ship_by)) AS warranty_at_risk,
                       (SELECT coalesce(string_agg(job || ' ' || extract(epoch FROM finished)::text, E'\\n' ORDER BY job), '')
                          FROM (SELECT job, max(finished_at) AS finished FROM job_run WHERE state = 'succeeded' GROUP BY job) j
                       ) AS last_success
                """, [calendar.timeZone]).records[0]
            var successes: [(job: String, finishedAt: Double)] = []
            for line in try row.text("last_success").split(separator: "\n") {
                let parts = line.split(separator: " ")
                guard parts.count == 2, let seconds = Double(parts[1]) else { throw .decoding("last_success line \(line)") }
                successes.append((String(parts[0]), seconds))
            }
            return ServiceFigures(repairOrdersOverdue: try row.int("repairs_overdue"), warrantyPartsOverdue: try row.int("warranty_overdue"),
                                  warrantyValueAtRisk: try row.text("warranty_at_risk"), lastJobSuccess: successes)
        }
    }
}
