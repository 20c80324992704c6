import ArgumentParser
import Configuration
import Foundation
import Logging
import PartsDomain
import PartsJobs
import PartsServer
import PartsStore
import PostgresClient

@main
struct Partsd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partsd",
        abstract: "Spare-parts inventory daemon: stock ledger, requisitions and planning over an admin socket.",
        subcommands: [Serve.self, Migrate.self, Version.self, CheckConfig.self],
        defaultSubcommand: Serve.self)
}

/// Options every subcommand that reads the configuration shares. Flags win over PARTSD_*
/// environment variables, which win over the file.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: "JSON configuration file.")
    var config: String?

    @Option(name: .long, help: "libpq connection string or URI; PG* variables fill in what it leaves out.")
    var database: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func load(extra: [String: ConfigValue] = [:]) async throws -> ServerConfiguration {
        var flags = extra
        if let database { flags["database.url"] = .init(.string(database), isSecret: true) }
        if let logLevel { flags["log.level"] = .init(.string(logLevel), isSecret: false) }
        return try await ServerConfiguration.load(filePath: config, flags: flags)
    }
}

func makeLogger(_ level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    return Logger(label: "partsd")
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the admin socket (the default).")

    @OptionGroup var options: ConfigurationOptions

    @Option(name: .long, help: "Path of the admin socket (ignored when systemd passes one).")
    var socket: String?

    @Option(name: .long, parsing: .singleValue, help: "USER=ROLE or @GROUP=ROLE (repeatable); replaces the configured grants.")
    var grant: [String] = []

    @Flag(name: .long, help: "Apply pending migrations before serving.")
    var migrate = false

    @Option(name: .long, help: "Database connections in the pool.")
    var poolSize: Int?

    @Option(name: .long, help: "Client connections served at once; more get 429 BUSY.")
    var maxConnections: Int?

    func run() async throws {
        var extra: [String: ConfigValue] = [:]
        if let socket { extra["socket.path"] = .init(.string(socket), isSecret: false) }
        if !grant.isEmpty { extra["access.grants"] = .init(.stringArray(grant), isSecret: false) }
        if migrate { extra["database.migrate_on_start"] = .init(.bool(true), isSecret: false) }
        if let poolSize { extra["database.pool_size"] = .init(.int(poolSize), isSecret: false) }
        if let maxConnections { extra["limits.max_connections"] = .init(.int(maxConnections), isSecret: false) }
        let configuration = try await options.load(extra: extra)
        let logger = makeLogger(configuration.logLevel)
        do {
            try await Daemon.serve(configuration, logger: logger)
        } catch {
            logger.critical("partsd cannot run: \(error)")
            throw ExitCode.failure
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration = try await options.load()
        let logger = makeLogger(configuration.logLevel)
        let pool = ConnectionPool(.init(conninfo: configuration.database, size: 1))
        let store = PartsStore(pool: pool, logger: logger)
        do {
            let applied = try await store.migrate()
            await pool.close()
            print(applied.isEmpty ? "schema up to date" : "applied: \(applied.joined(separator: ", "))")
        } catch {
            await pool.close()
            logger.critical("migration failed: \(error)")
            throw ExitCode.failure
        }
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")

    func run() {
        print("partsd \(ServerState.version) proto=1")
    }
}

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate the configuration and print it.")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        do {
            let configuration = try await options.load()
            print("socket.path = \(configuration.socketPath)")
            print("database.url = \(configuration.database.isEmpty ? "(from PG* variables)" : "(set)")")
            print("database.read_url = \(configuration.databaseReadURL.isEmpty ? "(none: reports read the primary)" : "(set)")")
            print("database.pool_size = \(configuration.poolSize)")
            print("database.pool_max_waiters = \(configuration.poolMaxWaiters)")
            print("database.pool_wait_ms = \(configuration.poolWaitMilliseconds)")
            print("database.migrate_on_start = \(configuration.migrateOnStart)")
            print("database.posting_flushes = \(configuration.postingFlushes)")
            print("limits.max_connections = \(configuration.maxConnections)")
            print("limits.idle_timeout_s = \(configuration.idleTimeoutSeconds)")
            print("limits.shutdown_grace_s = \(configuration.shutdownGraceSeconds)")
            print("limits.max_document_lines = \(configuration.maxDocumentLines)")
            print("jobs.timeout_s = \(configuration.jobTimeoutSeconds)")
            print("jobs.reorder_chunk = \(configuration.reorderChunk)")
            print("jobs.reorder_readers = \(configuration.reorderReaders)")
            print("jobs.snapshot_at = \(configuration.snapshotAt.map { String(format: "%02d:%02d", $0.hour, $0.minute) } ?? "none (the systemd timer takes it)")")
            print("purchasing.over_receipt_pct = \(configuration.overReceiptPercent)")
            print("requisitions.manager_limit = \(configuration.requisitionManagerLimit.map { $0.formatted(minimumScale: 2) } ?? "none")")
            print("site.time_zone = \(configuration.siteTimeZone)")
            print("warranty.reminder_days = \(configuration.warrantyReminderDays.map(String.init).joined(separator: ","))")
            print("access.grants = \(configuration.grants.map(\.description).joined(separator: ", "))")
            print("access.trust_root = \(configuration.trustRoot)")
            print("log.level = \(configuration.logLevel)")
            print("configuration OK")
        } catch {
            print("configuration error: \(error)")
            throw ExitCode.failure
        }
    }
}
