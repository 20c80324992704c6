import Logging
import PartsDomain
import PartsMigrations
import PostgresClient

/// The database side of partsd: one call per workflow, each one SQL function in one
/// transaction, and the read queries the commands show.
public struct PartsStore: Sendable {
    public let pool: ConnectionPool
    /// Sessions on a standby for reports and `plan show` (`database.read_url`), when set.
    let reportPool: ConnectionPool?
    let logger: Logger
    let batcher: RequestBatcher
    /// The workflows an import sends many of at once, each committed in batches like the
    /// postings: a `part add` is a few rows, and alone its commit costs ten times its work.
    let batchers: [Workflow: RequestBatcher]
    static let batchedWorkflows: [Workflow] = [.partAdd, .partSet, .historyAdd]

    /// `postingFlushes`: stock postings committing at once (see RequestBatcher).
    public init(pool: ConnectionPool, reportPool: ConnectionPool? = nil, logger: Logger, postingFlushes: Int = 2) {
        self.pool = pool
        self.reportPool = reportPool
        self.logger = logger
        let flushes = min(postingFlushes, pool.configuration.size)
        batcher = RequestBatcher(pool: pool, maxFlushes: flushes, call: "post_stock_documents($1::jsonb)",
                                 sizeMetric: StoreMetrics.postingBatchSize)
        batchers = Dictionary(uniqueKeysWithValues: Self.batchedWorkflows.map { workflow in
            (workflow, RequestBatcher(pool: pool, maxFlushes: flushes, call: "requests_batch('\(workflow.rawValue)', $1::jsonb)"))
        })
    }

    /// The migrator for the schema compiled into this build, from `sql/`.
    public static func migrator(logger: Logger) -> Migrator {
        Migrator(migrations: BundledSQL.migrations.map { file in
                     Migrator.Migration(version: file.version, name: file.name, sql: file.text, formerChecksums: file.formerChecksums)
                 },
                 scripts: BundledSQL.scripts.map { Migrator.Script(name: $0.name, sql: $0.text) },
                 logger: logger)
    }

    /// Applies the bundled migrations and scripts that the database lacks.
    @discardableResult
    public func migrate() async throws -> [String] {
        let migrator = Self.migrator(logger: logger)
        let outcome = try await pool.withConnection { connection in
            Result { () throws(Migrator.Failure) in try migrator.migrate(connection) }
        }
        return try outcome.get()
    }

    /// What the database lacks; throws when a recorded migration was changed.
    public func pendingMigrations() async throws -> [String] {
        let migrator = Self.migrator(logger: logger)
        let outcome = try await pool.withConnection { connection in
            Result { () throws(Migrator.Failure) in try migrator.pending(connection) }
        }
        return try outcome.get()
    }

    /// Runs one workflow: its SQL function, in one transaction (see Workflow).
    func perform(_ workflow: Workflow, _ input: WorkflowInput) async throws(StoreError) -> WorkflowReply {
        let text = input.text
        if let batcher = batchers[workflow] { return try await batcher.post(text).get() }
        let statement = PostedDocumentTypes.statement("\(workflow.rawValue)($1::jsonb)", as: "reply")
        let (reply, posted) = try await write { connection throws(PostgresError) in
            let row = try connection.query(statement, [text]).records[0]
            return (try row.text("reply"), try row.optionalText("posted_types"))
        }
        PostedDocumentTypes.count(posted)
        return try WorkflowReply(parsing: reply)
    }

    /// Runs read-only SQL, mapping errors to `StoreError`.
    func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws(PostgresError) -> T) async throws(StoreError) -> T {
        do { return try await pool.withConnection(body) } catch { throw StoreError(error) }
    }

    /// Runs a report's read-only SQL on the standby of `database.read_url` when there is one,
    /// and on the primary when there is not or it cannot be reached: a report may be as old as
    /// the standby's replay (see docs/operations.md), never wrong, and never unavailable for it.
    func report<T: Sendable>(_ body: @escaping @Sendable (Connection) throws(PostgresError) -> T) async throws(StoreError) -> T {
        if let reportPool {
            do {
                return try await reportPool.withConnection(body)
            } catch PostgresError.unavailable(let text) {
                logger.notice("report read on the primary: the standby of database.read_url cannot be reached",
                              metadata: ["error": "\(text)"])
            } catch PostgresError.busy {
                // Its sessions are all taken: the primary's pool answers instead of a 429.
            } catch {
                throw StoreError(error)
            }
        }
        return try await read(body)
    }

    /// Runs one transaction, mapping errors to `StoreError`. Deadlocks and serialization
    /// failures are retried a few times, since the whole transaction is in `body`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws(PostgresError) -> T) async throws(StoreError) -> T {
        var attempt = 0
        while true {
            do {
                return try await pool.transaction(body)
            } catch let PostgresError.server(server) where server.sqlState.isRetryable && attempt < 3 {
                attempt += 1
                logger.debug("retrying after \(server.sqlState)")
            } catch {
                throw StoreError(error)
            }
        }
    }

    /// The audit row of a request that changed nothing (refused, or a job started, whose run
    /// keeps a row of its own). Best effort: when the database is down there is nowhere to
    /// write it, and the log has it instead.
    public func audit(_ context: CommandContext, code: Int) async {
        let text = WorkflowInput(context).text
        do {
            _ = try await pool.withConnection { connection throws(PostgresError) in
                try connection.query("SELECT request_audit($1::jsonb, $2)", [text, String(code)])
            }
        } catch {
            logger.warning("could not write audit row", metadata: ["command": "\(context.command)", "code": "\(code)"])
        }
    }

    /// Makes this year's and next year's document number sequences, in a transaction of their
    /// own (see ensure_document_sequences): at start-up and with every daily snapshot.
    public func prepareDocumentNumbers() async throws(StoreError) {
        _ = try await write { connection throws(PostgresError) in
            try connection.query("""
                SELECT ensure_document_sequences(extract(year FROM current_date)::integer)
                     + ensure_document_sequences(extract(year FROM current_date)::integer + 1) AS made
                """)
        }
    }

    /// Whether the database answers, for `status`.
    public func ping() async -> Bool {
        (try? await read { connection throws(PostgresError) in try connection.query("SELECT 1").scalar }) == "1"
    }

    /// A pooled session's statement_timeout as the server reports it, for `status`: the
    /// settings every connection gets, also after a reconnect.
    public func sessionStatementTimeout() async -> String? {
        try? await read { connection throws(PostgresError) in try connection.query("SHOW statement_timeout").scalar }
    }

    /// Pool figures for `status`.
    public func poolUsage() async -> (inUse: Int, size: Int, waiting: Int) {
        (await pool.inUse, pool.configuration.size, await pool.waiting)
    }
}
