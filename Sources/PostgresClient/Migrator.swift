import Logging

/// Applies numbered SQL files in order, each in its own transaction, and records each with a
/// checksum. A shipped migration is never edited: a recorded one whose text changed stops
/// start-up with an error that names it, rather than running on a schema nobody wrote.
public struct Migrator: Sendable {
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: String

        public init(version: Int, name: String, sql: String) {
            self.version = version
            self.name = name
            self.sql = sql
        }
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case changed(name: String)
        case unknownApplied(version: Int, name: String)
        case failed(name: String, PostgresError)

        public var description: String {
            switch self {
            case .changed(let name):
                "migration \(name) was changed after it was applied; restore it and add a new migration instead"
            case .unknownApplied(let version, let name):
                "the database has migration \(version) (\(name)) that this partsd does not know; run a newer partsd"
            case .failed(let name, let error):
                "migration \(name) failed: \(error)"
            }
        }
    }

    /// Any fixed number: two daemons starting at once on one database serialize on it.
    static let advisoryLockKey = 0x7061_7274_7364  // "partsd"

    public let migrations: [Migration]
    public let logger: Logger

    public init(migrations: [Migration], logger: Logger) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies what is missing; returns the names applied now.
    @discardableResult
    public func migrate(_ connection: Connection) throws(Failure) -> [String] {
        try run(connection, apply: true)
    }

    /// The migrations the database lacks, without applying them. A changed one still throws.
    public func pending(_ connection: Connection) throws(Failure) -> [String] {
        try run(connection, apply: false)
    }

    private func run(_ connection: Connection, apply: Bool) throws(Failure) -> [String] {
        do {
            return try migrateLocked(connection, apply: apply)
        } catch let error as Failure {
            throw error
        } catch let error as PostgresError {
            throw .failed(name: "schema_migration", error)
        } catch {
            throw .failed(name: "schema_migration", .unavailable(String(describing: error)))
        }
    }

    private func migrateLocked(_ connection: Connection, apply: Bool) throws -> [String] {
        try connection.execute("SELECT pg_advisory_lock(\(Self.advisoryLockKey))")
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))") }
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migration (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let applied = try connection.query("SELECT version, name, checksum FROM schema_migration ORDER BY version")
        var recorded: [Int: (name: String, checksum: String)] = [:]
        for row in applied.rows {
            recorded[Int(row[0]!)!] = (row[1]!, row[2]!)
        }
        let known = Set(migrations.map(\.version))
        if let stray = recorded.keys.sorted().first(where: { !known.contains($0) }) {
            throw Failure.unknownApplied(version: stray, name: recorded[stray]!.name)
        }
        var done: [String] = []
        for migration in migrations {
            // The server computes the checksum, so the daemon needs no hashing library.
            let checksum = try connection.query("SELECT md5($1)", [migration.sql]).scalar!
            if let existing = recorded[migration.version] {
                guard existing.checksum == checksum else { throw Failure.changed(name: migration.name) }
                continue
            }
            guard apply else {
                done.append(migration.name)
                continue
            }
            do {
                try connection.transaction { () throws(PostgresError) in
                    try connection.execute(migration.sql)
                    try connection.query(
                        "INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)",
                        [String(migration.version), migration.name, checksum])
                }
            } catch {
                throw Failure.failed(name: migration.name, error)
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            done.append(migration.name)
        }
        return done
    }
}
