import PartsDomain
import PostgresClient

/// A job run's own database session. It holds the job's PostgreSQL advisory lock for as long
/// as the run works, so two daemons on one database never run the same job at once, and it
/// keeps the run's `job_run` row.
public struct JobSession: Sendable {
    public let session: DatabaseSession
    public let job: String

    public init(session: DatabaseSession, job: String) {
        self.session = session
        self.job = job
    }

    /// Takes the job's lock for this session; false when another session holds it.
    public func tryLock() async throws(StoreError) -> Bool {
        let job = job
        return try await run { connection throws(PostgresError) in
            try connection.query("SELECT pg_try_advisory_lock(hashtextextended('partsd job ' || $1, 0)) AS locked", [job])
                .records[0].bool("locked")
        }
    }

    /// The run that holds the lock now, as far as the rows tell.
    public func runningID() async throws(StoreError) -> Int64? {
        let job = job
        return try await run { connection throws(PostgresError) in
            try connection.query("SELECT max(id) AS id FROM job_run WHERE job = $1 AND state = 'running'", [job])
                .records[0].optionalText("id").flatMap { Int64($0) }
        }
    }

    /// Records a new run, `queued` while it waits for the lock, else `running`.
    public func begin(scope: String?, requestedBy: String, queued: Bool) async throws(StoreError) -> Int64 {
        let job = job
        let state = queued ? JobRunState.queued : .running
        let id = try await run { connection throws(PostgresError) in
            try connection.query("""
                INSERT INTO job_run (job, scope, state, requested_by, progress) VALUES ($1, $2, $3, $4, $5) RETURNING id
                """, [job, scope, state.rawValue, requestedBy, queued ? "waiting for the running \(job) job" : "started"])
                .records[0].int64("id")
        }
        if !queued { try await markRunning(id) }
        return id
    }

    /// The run holds the lock now. Any other run of this job still marked running lost its
    /// daemon mid-way (the lock would be held otherwise): its transaction rolled back.
    public func markRunning(_ id: Int64) async throws(StoreError) {
        let job = job
        _ = try await run { connection throws(PostgresError) in
            try connection.query("""
                UPDATE job_run SET state = CASE WHEN id = $2 THEN 'running' ELSE 'failed' END,
                       finished_at = CASE WHEN id = $2 THEN NULL ELSE clock_timestamp() END,
                       progress = CASE WHEN id = $2 THEN 'started' ELSE progress END,
                       message = CASE WHEN id = $2 THEN message ELSE 'interrupted: the daemon running it stopped' END
                 WHERE job = $1 AND (id = $2 OR state = 'running')
                """, [job, String(id)])
        }
    }

    /// Closes the run's row. Best effort: when the database is gone the row stays `running`
    /// until the next run of the job finds it without its lock and marks it failed.
    public func finish(_ id: Int64, succeeded: Bool, items: Int64, result: String?, message: String,
                       findings: [String] = []) async {
        let state = succeeded ? JobRunState.succeeded : .failed
        let lines = ArrayLiteral.quoted(Array(findings.prefix(10_000)))
        _ = try? await run { connection throws(PostgresError) in
            try connection.query("""
                UPDATE job_run SET state = $2, finished_at = clock_timestamp(), items = $3, result = $4,
                       message = left($5, 2000), progress = NULL, findings = $6::text[]
                 WHERE id = $1
                """, [String(id), state.rawValue, String(items), result, message, lines])
        }
    }

    /// Gives the lock up (closing the session would too).
    public func unlock() async {
        let job = job
        _ = try? await run { connection throws(PostgresError) in
            try connection.query("SELECT pg_advisory_unlock(hashtextextended('partsd job ' || $1, 0))", [job])
        }
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws(PostgresError) -> T) async throws(StoreError) -> T {
        do { return try await session.run(body) } catch { throw StoreError(error) }
    }
}
