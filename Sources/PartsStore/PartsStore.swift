import Foundation
import Logging
import PartsDomain
import PartsMigrations
import PostgresClient

/// The database side of partsd: every workflow's SQL, each change one transaction.
public struct PartsStore: Sendable {
    public let pool: ConnectionPool
    let logger: Logger
    let batcher: PostingBatcher

    /// `postingFlushes`: stock postings committing at once (see PostingBatcher).
    public init(pool: ConnectionPool, logger: Logger, postingFlushes: Int = 2) {
        self.pool = pool
        self.logger = logger
        batcher = PostingBatcher(pool: pool, maxFlushes: min(postingFlushes, pool.configuration.size))
    }

    /// The migrations compiled into this build, from `sql/`.
    public static func bundledMigrations() throws -> [Migrator.Migration] {
        try BundledSQL.files.map { file in
            guard let version = Int(file.name.prefix { $0.isNumber }) else {
                throw StoreError.internalError("migration \(file.name) does not start with its number")
            }
            return Migrator.Migration(version: version, name: file.name, sql: file.text)
        }
    }

    /// Applies the bundled migrations that the database lacks.
    @discardableResult
    public func migrate() async throws -> [String] {
        let migrator = Migrator(migrations: try Self.bundledMigrations(), logger: logger)
        let outcome = try await pool.withConnection { connection in
            Result { () throws(Migrator.Failure) in try migrator.migrate(connection) }
        }
        return try outcome.get()
    }

    /// Bundled migrations the database lacks; throws when a recorded one was changed.
    public func pendingMigrations() async throws -> [String] {
        let migrator = Migrator(migrations: try Self.bundledMigrations(), logger: logger)
        let outcome = try await pool.withConnection { connection in
            Result { () throws(Migrator.Failure) in try migrator.pending(connection) }
        }
        return try outcome.get()
    }

    /// Runs read-only SQL, mapping errors to `StoreError`.
    func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws(PostgresError) -> T) async throws(StoreError) -> T {
        do { return try await pool.withConnection(body) } catch { throw StoreError(error) }
    }

    /// Runs one transaction, mapping errors to `StoreError`. Deadlocks and serialization
    /// failures are retried a few times, since the whole transaction is in `body`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws(PostgresError) -> T) async throws(StoreError) -> T {
        var attempt = 0
        while true {
            do {
                return try await pool.transaction(body)
            } catch let PostgresError.server(server) where server.isRetryable && attempt < 3 {
                attempt += 1
                logger.debug("retrying after \(server.sqlState)")
            } catch {
                throw StoreError(error)
            }
        }
    }

    /// Whether the database answers, for `status`.
    public func ping() async -> Bool {
        (try? await read { connection throws(PostgresError) in try connection.query("SELECT 1").scalar }) == "1"
    }

    /// Pool figures for `status`.
    public func poolUsage() async -> (inUse: Int, size: Int, waiting: Int) {
        (await pool.inUse, pool.configuration.size, await pool.waiting)
    }
}

extension CommandContext {
    /// The actor as the SQL functions take it.
    var actorJSON: String {
        "{\"uid\":\(peer.uid),\"user\":\(JSONString.quoted(peer.userName)),\"role\":\"\(peer.role)\"}"
    }
}
