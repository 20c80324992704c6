import PartsDomain
import PostgresClient

/// One row of `job_run`: a scheduled job's run, as `job show` and `status` report it.
public struct JobRun: Sendable {
    public var id: Int64
    public var job: String
    public var scope: String?
    public var state: String
    public var requestedBy: String
    public var startedAt: String
    public var finishedAt: String?
    public var seconds: String?
    public var progress: String?
    public var items: Int64
    public var result: String?
    public var message: String?

    public var isFinished: Bool { finishedAt != nil }
    public var succeeded: Bool { state == "succeeded" }
}

enum JobRunRows {
    static let columns = """
        id, job, scope, state, requested_by, to_char(started_at, 'YYYY-MM-DD HH24:MI:SS'),
        to_char(finished_at, 'YYYY-MM-DD HH24:MI:SS'),
        round(extract(epoch FROM coalesce(finished_at, clock_timestamp()) - started_at)::numeric, 1)::text,
        progress, items, result, message
        """

    static func parse(_ row: [String?]) -> JobRun {
        JobRun(id: Int64(row[0]!)!, job: row[1]!, scope: row[2], state: row[3]!, requestedBy: row[4]!, startedAt: row[5]!,
               finishedAt: row[6], seconds: row[7], progress: row[8], items: Int64(row[9]!) ?? 0, result: row[10], message: row[11])
    }
}

extension PartsStore {
    public func jobRun(id: Int64) async throws(StoreError) -> JobRun? {
        try await read { connection throws(PostgresError) in
            try connection.query("SELECT \(JobRunRows.columns) FROM job_run WHERE id = $1", [String(id)]).rows.first.map(JobRunRows.parse)
        }
    }

    /// Newest first, optionally of one job.
    public func jobRuns(job: String?, limit: Int) async throws(StoreError) -> [JobRun] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT \(JobRunRows.columns) FROM job_run WHERE $1::text IS NULL OR job = $1 ORDER BY id DESC LIMIT $2
                """, [job, String(limit)]).rows.map(JobRunRows.parse)
        }
    }

    /// The newest run of each job, for `status`.
    public func lastJobRuns() async throws(StoreError) -> [JobRun] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT \(JobRunRows.columns) FROM job_run
                 WHERE id IN (SELECT max(id) FROM job_run GROUP BY job) ORDER BY job
                """).rows.map(JobRunRows.parse)
        }
    }

    /// Progress of a running job, written outside the job's own transaction so that waiters
    /// see it while the job works.
    public func reportJobProgress(id: Int64, progress: String, items: Int64) async {
        _ = try? await read { connection throws(PostgresError) in
            try connection.query("UPDATE job_run SET progress = left($2, 500), items = $3 WHERE id = $1 AND finished_at IS NULL",
                                 [String(id), progress, String(items)])
        }
    }
}
