import Logging

/// Brings a database's schema to what this build expects, in two steps.
///
/// 1. Numbered migrations (tables, constraints, data changes), applied in order, each in its
///    own transaction and recorded with a checksum. A shipped migration is never edited: a
///    recorded one whose text changed stops start-up with an error that names it, rather than
///    running on a schema nobody wrote. The one exception is listed in the code, by checksum:
///    a migration rewritten on purpose names the checksums of its earlier texts, which count
///    as applied (and the record is brought up to date).
/// 2. Scripts: the functions, views, triggers and composite types, kept as source by concept
///    and applied in the order given. When any script differs from what the database recorded,
///    every such object in schema `public` is dropped and all scripts run again, in one
///    transaction: so the live definition of every function is exactly the one in its file,
///    nothing stale survives a rename, and a signature may change freely.
public struct Migrator: Sendable {
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: String
        /// Checksums of earlier texts of this migration that count as this one applied.
        public let formerChecksums: Set<String>

        public init(version: Int, name: String, sql: String, formerChecksums: Set<String> = []) {
            self.version = version
            self.name = name
            self.sql = sql
            self.formerChecksums = formerChecksums
        }
    }

    /// A repeatable script: functions, views, triggers and types of one concept.
    public struct Script: Sendable {
        public let name: String
        public let sql: String

        public init(name: String, sql: String) {
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
    public let scripts: [Script]
    public let logger: Logger

    public init(migrations: [Migration], scripts: [Script] = [], logger: Logger) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.scripts = scripts
        self.logger = logger
    }

    /// Applies what is missing; returns the names applied now.
    @discardableResult
    public func migrate(_ connection: Connection) throws(Failure) -> [String] {
        try run(connection, apply: true)
    }

    /// What the database lacks (migrations, and scripts that differ), without applying it. A
    /// changed migration still throws.
    public func pending(_ connection: Connection) throws(Failure) -> [String] {
        try run(connection, apply: false)
    }

    private func run(_ connection: Connection, apply: Bool) throws(Failure) -> [String] {
        do {
            try connection.execute("SELECT pg_advisory_lock(\(Self.advisoryLockKey))")
        } catch {
            throw .failed(name: "schema_migration", error)
        }
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))") }
        return try applyMigrations(connection, apply: apply) + applyScripts(connection, apply: apply)
    }

    private func applyMigrations(_ connection: Connection, apply: Bool) throws(Failure) -> [String] {
        var recorded: [Int: (name: String, checksum: String)] = [:]
        do {
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS schema_migration (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            for row in try connection.query("SELECT version, name, checksum FROM schema_migration ORDER BY version").records {
                recorded[try row.int("version")] = (try row.text("name"), try row.text("checksum"))
            }
        } catch {
            throw .failed(name: "schema_migration", error)
        }
        let known = Set(migrations.map(\.version))
        if let stray = recorded.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unknownApplied(version: stray, name: recorded[stray]!.name)
        }
        var done: [String] = []
        for migration in migrations {
            let checksum = try self.checksum(migration.sql, connection, name: migration.name)
            if let existing = recorded[migration.version] {
                if existing.checksum == checksum { continue }
                guard migration.formerChecksums.contains(existing.checksum) else { throw .changed(name: migration.name) }
                if apply {
                    try record(connection, name: migration.name, """
                        UPDATE schema_migration SET name = $2, checksum = $3 WHERE version = $1
                        """, [String(migration.version), migration.name, checksum])
                    logger.info("migration record brought up to date", metadata: ["migration": "\(migration.name)"])
                }
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
                throw .failed(name: migration.name, error)
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            done.append(migration.name)
        }
        return done
    }

    /// Re-creates every function, view, trigger and composite type from the scripts when any
    /// script differs from the database's record of them.
    private func applyScripts(_ connection: Connection, apply: Bool) throws(Failure) -> [String] {
        guard !scripts.isEmpty else { return [] }
        var wanted: [String: String] = [:]
        var recorded: [String: String] = [:]
        do {
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS schema_script (
                    name       text PRIMARY KEY,
                    position   integer NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            for row in try connection.query("SELECT name, checksum FROM schema_script").records {
                recorded[try row.text("name")] = try row.text("checksum")
            }
        } catch {
            throw .failed(name: "schema_script", error)
        }
        for script in scripts { wanted[script.name] = try checksum(script.sql, connection, name: script.name) }
        let changed = scripts.map(\.name).filter { wanted[$0] != recorded[$0] }
        guard !changed.isEmpty || recorded.count != wanted.count else { return [] }
        guard apply else { return changed.isEmpty ? ["scripts removed"] : changed }
        var current = "drop the previous definitions"
        do {
            try connection.transaction { () throws(PostgresError) in
                try Self.dropScriptedObjects(connection)
                for (position, script) in scripts.enumerated() {
                    current = script.name
                    try connection.execute(script.sql)
                    try connection.query("""
                        INSERT INTO schema_script (name, position, checksum) VALUES ($1, $2, $3)
                        ON CONFLICT (name) DO UPDATE SET position = excluded.position, checksum = excluded.checksum,
                                                         applied_at = now()
                        """, [script.name, String(position + 1), wanted[script.name]])
                }
                current = "schema_script"
                try connection.query("DELETE FROM schema_script WHERE NOT (name = ANY ($1::text[]))",
                                     ["{" + scripts.map { "\"\($0.name)\"" }.joined(separator: ",") + "}"])
            }
        } catch {
            throw .failed(name: current, error)
        }
        logger.info("applied scripts", metadata: ["changed": "\(changed.joined(separator: ", "))"])
        return changed
    }

    /// Drops the triggers, views, functions and standalone composite types of schema public
    /// that no extension owns: everything the scripts make. A table column, default or check
    /// that used one of them would make this fail, loudly, rather than lose it.
    private static func dropScriptedObjects(_ connection: Connection) throws(PostgresError) {
        let notFromExtension = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = o.oid AND d.deptype = 'e')"
        let triggers = try connection.query("""
            SELECT format('DROP TRIGGER %I ON %s', o.tgname, o.tgrelid::regclass) AS statement
              FROM pg_trigger o JOIN pg_class c ON c.oid = o.tgrelid
             WHERE NOT o.tgisinternal AND c.relnamespace = 'public'::regnamespace AND \(notFromExtension)
            """)
        for row in triggers.records { try connection.execute(try row.text("statement")) }
        let statements = try connection.query("""
            SELECT 1 AS step, 'DROP VIEW ' || string_agg(o.oid::regclass::text, ', ') AS statement
              FROM pg_class o WHERE o.relkind = 'v' AND o.relnamespace = 'public'::regnamespace AND \(notFromExtension)
            HAVING count(*) > 0
            UNION ALL
            SELECT 2, 'DROP ROUTINE ' || string_agg(o.oid::regprocedure::text, ', ')
              FROM pg_proc o WHERE o.prokind IN ('f', 'p') AND o.pronamespace = 'public'::regnamespace AND \(notFromExtension)
            HAVING count(*) > 0
            UNION ALL
            SELECT 3, 'DROP TYPE ' || string_agg(format_type(o.oid, NULL), ', ')
              FROM pg_type o JOIN pg_class c ON c.oid = o.typrelid
             WHERE o.typtype = 'c' AND c.relkind = 'c' AND o.typnamespace = 'public'::regnamespace AND \(notFromExtension)
            HAVING count(*) > 0
             ORDER BY step
            """)
        for row in statements.records { try connection.execute(try row.text("statement")) }
    }

    /// The server computes checksums, so the daemon needs no hashing library.
    private func checksum(_ text: String, _ connection: Connection, name: String) throws(Failure) -> String {
        do {
            return try connection.query("SELECT md5($1) AS checksum", [text]).records[0].text("checksum")
        } catch {
            throw .failed(name: name, error)
        }
    }

    private func record(_ connection: Connection, name: String, _ sql: String, _ parameters: [String?]) throws(Failure) {
        do { try connection.query(sql, parameters) } catch { throw .failed(name: name, error) }
    }
}
