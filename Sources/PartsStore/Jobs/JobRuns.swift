import PartsDomain
import PostgresClient

/// One row of `job_run`: a scheduled job's run, as `job show` and `status` report it.
public struct JobRun: Sendable {
    public var id: Int64
    public var job: String
    public var scope: String?
    public var state: JobRunState
    public var requestedBy: String
    public var startedAt: String
    public var finishedAt: String?
    public var seconds: String?
    public var progress: String?
    public var items: Int64
    public var result: String?
    public var message: String?
    /// What the run found, a line each (the deadlines run's late repairs, cores and old parts).
    public var findings: [String]

    public var isFinished: Bool { finishedAt != nil }
    public var succeeded: Bool { state == .succeeded }
}

enum JobRunRows {
    static let columns = """
        id, job, scope, state, requested_by, to_char(started_at, 'YYYY-MM-DD HH24:MI:SS') AS started_at,
        to_char(finished_at, 'YYYY-MM-DD HH24:MI:SS') AS finished_at,
        round(extract(epoch FROM coalesce(finished_at, clock_timestamp()) - started_at)::numeric, 1)::text AS seconds,
        progress, items, result, message, array_to_string(findings, E'\\n') AS findings
        """

    static func parse(_ row: Row) throws(PostgresError) -> JobRun {
        let state = try row.text("state")
        guard let known = JobRunState(rawValue: state) else { throw .decoding("unknown job run state \(state)") }
        return JobRun(id: try row.int64("id"), job: try row.text("job"), scope: try row.optionalText("scope"), state: known,
                      requestedBy: try row.text("requested_by"), startedAt: try row.text("started_at"),
                      finishedAt: try row.optionalText("finished_at"), seconds: try row.optionalText("seconds"),
                      progress: try row.optionalText("progress"), items: try row.int64("items"),
                      result: try row.optionalText("result"), message: try row.optionalText("message"),
                      findings: try row.text("findings").split(separator: "\n").map(String.init))
    }
}

extension PartsStore {
    public func jobRun(id: Int64) async throws(StoreError) -> JobRun? {
        try await read { connection throws(PostgresError) in
            try connection.query("SELECT \(JobRunRows.columns) FROM job_run WHERE id = $1", [String(id)])
                .singleRow().map(JobRunRows.parse)
        }
    }

    /// Newest first, optionally of one job.
    public func jobRuns(job: String?, limit: Int) async throws(StoreError) -> [JobRun] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT \(JobRunRows.columns) FROM job_run WHERE $1::text IS NULL OR job = $1 ORDER BY id DESC LIMIT $2
                """, [job, String(limit)]).records.map(JobRunRows.parse)
        }
    }

    /// The newest run of each job, for `status`.
    public func lastJobRuns() async throws(StoreError) -> [JobRun] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT \(JobRunRows.columns) FROM job_run
                 WHERE id IN (SELECT max(id) FROM job_run GROUP BY job) ORDER BY job
                """).records.map(JobRunRows.parse)
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
