import Configuration
import Foundation
import Logging
import PartsDomain
import PartsJobs
import PartsStore
import SystemPackage

/// Everything an operator can set, with the defaults a fresh install runs on.
///
/// Sources, strongest first: command-line flags, `PARTSD_*` environment variables (e.g.
/// `PARTSD_DATABASE_URL`, `PARTSD_LIMITS_MAX_CONNECTIONS`), then the JSON file. The database
/// is a libpq connection string; an empty one lets libpq read the PG* variables.
public struct ServerConfiguration: Sendable {
    public var socketPath = "/run/partsd/admin.sock"
    public var database = ""
    /// A standby for reports and `plan show`; empty: they read the primary like everything else.
    public var databaseReadURL = ""
    public var poolSize = 8
    /// Commands that may wait for a pooled connection; past that a command gets 429 at once.
    public var poolMaxWaiters = 256
    /// How long a command waits for a pooled connection before it gets 429.
    public var poolWaitMilliseconds = 10_000
    public var migrateOnStart = false
    /// Stock postings committing at once; concurrent postings wait and share the next commit.
    public var postingFlushes = 2
    public var statementTimeoutMilliseconds = 30_000
    public var maxConnections = 64
    public var idleTimeoutSeconds = 900
    /// How long a stop waits for the commands in progress to answer; then they are cancelled
    /// (their statements too, so nothing of them commits) and the daemon exits. Under
    /// systemd's TimeoutStopSec (30 s in systemd/partsd.service), which would kill it instead.
    public var shutdownGraceSeconds = 20
    /// The protocol's limit on one request line.
    public var maxLineBytes = 8192
    /// Lines in one posted document: a receipt longer than this is a data-entry mistake.
    public var maxDocumentLines = 200
    public var grants: [Grant] = []
    /// Root and the daemon's own user are admin whatever the grants say, unless this is false.
    public var trustRoot = true
    /// The longest a job run may take (its statements' timeout, and a queued run's wait).
    public var jobTimeoutSeconds = 7200
    /// Part-locations a reorder run plans per round trip: its memory is bounded by this, not
    /// by the catalogue.
    public var reorderChunk = 2000
    /// Sessions a reorder run reads the history with, each for its share of the locations: the
    /// grouping, most of a run, then uses that many cores of the database server.
    public var reorderReaders = 2
    /// Local time of day the daemon takes the stock snapshot itself; nil leaves it to the
    /// systemd timer.
    public var snapshotAt: TimeOfDay?
    /// How far above the ordered quantity a purchase order line may be received, in percent:
    /// suppliers ship whole packs, and some sites accept a little more rather than send it back.
    public var overReceiptPercent = ExactDecimal.zero
    /// The most a manager may approve on one requisition (quantity × average cost); above it an
    /// admin must approve (高额备件). nil: managers approve any value.
    public var requisitionManagerLimit: ExactDecimal?
    // Warranty old-part return (三包旧件返厂).
    /// The site's time zone, an IANA name: warranty deadlines are counted in its local dates.
    public var siteTimeZone = TimeZone.current.identifier
    /// Days before an old part's ship-by date when the deadlines run reminds, once each.
    public var warrantyReminderDays = [7, 3]
    /// Repairs and the exchange pool (issue 10). A repair quote above this percentage of the
    /// part's price is beyond economic repair: flagged, and authorized only with --ber.
    public var repairBERPercent = ExactDecimal(units: 75, scale: 0)
    /// Days a customer has to bring back the core of an exchange, when `exchange out` names no due date.
    public var coreDueDays = 30
    /// What a damaged or missing core costs the customer when there was no deposit, in percent
    /// of the part's price.
    public var coreChargePercent = ExactDecimal(units: 100, scale: 0)
    public var logLevel: Logger.Level = .info
    /// Where Prometheus scrapes `/metrics`; nil: metrics are off (and cost nothing).
    public var metricsListen: MetricsAddress?

    public init() {}

    /// Reads the layered configuration. `flags` holds what was given on the command line,
    /// keyed like the file (`socket.path`, `database.url`, ...).
    public static func load(filePath: String?, flags: [String: ConfigValue]) async throws -> ServerConfiguration {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: Dictionary(uniqueKeysWithValues: flags.map { (AbsoluteConfigKey(ConfigKey($0.key)), $0.value) })),
            EnvironmentVariablesProvider().prefixKeys(with: "partsd"),
        ]
        if let filePath {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(filePath)))
        }
        return try ServerConfiguration(reader: ConfigReader(providers: providers))
    }

    init(reader: ConfigReader) throws {
        socketPath = reader.string(forKey: "socket.path", default: socketPath)
        database = reader.string(forKey: "database.url", default: database)
        databaseReadURL = reader.string(forKey: "database.read_url", default: databaseReadURL)
        poolSize = reader.int(forKey: "database.pool_size", default: poolSize)
        poolMaxWaiters = reader.int(forKey: "database.pool_max_waiters", default: poolMaxWaiters)
        poolWaitMilliseconds = reader.int(forKey: "database.pool_wait_ms", default: poolWaitMilliseconds)
        migrateOnStart = reader.bool(forKey: "database.migrate_on_start", default: migrateOnStart)
        postingFlushes = reader.int(forKey: "database.posting_flushes", default: postingFlushes)
        statementTimeoutMilliseconds = reader.int(forKey: "database.statement_timeout_ms", default: statementTimeoutMilliseconds)
        maxConnections = reader.int(forKey: "limits.max_connections", default: maxConnections)
        idleTimeoutSeconds = reader.int(forKey: "limits.idle_timeout_s", default: idleTimeoutSeconds)
        shutdownGraceSeconds = reader.int(forKey: "limits.shutdown_grace_s", default: shutdownGraceSeconds)
        maxDocumentLines = reader.int(forKey: "limits.max_document_lines", default: maxDocumentLines)
        jobTimeoutSeconds = reader.int(forKey: "jobs.timeout_s", default: jobTimeoutSeconds)
        reorderChunk = reader.int(forKey: "jobs.reorder_chunk", default: reorderChunk)
        reorderReaders = reader.int(forKey: "jobs.reorder_readers", default: reorderReaders)
        if let text = reader.string(forKey: "jobs.snapshot_at"), !text.isEmpty {
            guard let time = TimeOfDay(text) else { throw ConfigurationProblem("jobs.snapshot_at must be HH:MM, got \(text)") }
            snapshotAt = time
        }
        // A string ("2.5") or a whole number (2) in the file; a decimal, never a float.
        if let text = reader.string(forKey: "purchasing.over_receipt_pct") ?? reader.int(forKey: "purchasing.over_receipt_pct").map(String.init) {
            guard let value = try? ExactDecimal.bounded(text, scale: 2, limit: Self.maximumOverReceiptPercent) else {
                throw ConfigurationProblem("purchasing.over_receipt_pct must be a percentage from 0 to 100 with at most 2 decimals, got \(text)")
            }
            overReceiptPercent = value
        }
        if let text = reader.string(forKey: "requisitions.manager_limit"), !text.isEmpty, text != "none" {
            guard let limit = ExactDecimal(text), !limit.isNegative, limit.scale <= 2 else {
                throw ConfigurationProblem("requisitions.manager_limit must be an amount like 5000 or 5000.00, got \(text)")
            }
            requisitionManagerLimit = limit
        }
        siteTimeZone = reader.string(forKey: "site.time_zone", default: siteTimeZone)
        if let days = reader.intArray(forKey: "warranty.reminder_days") {
            warrantyReminderDays = days
        } else if let text = reader.string(forKey: "warranty.reminder_days") {
            throw ConfigurationProblem("warranty.reminder_days must be whole numbers of days like 7,3; got \(text)")
        }
        repairBERPercent = try Self.percentage(reader, "repairs.ber_pct", default: repairBERPercent)
        coreDueDays = reader.int(forKey: "exchanges.core_due_days", default: coreDueDays)
        coreChargePercent = try Self.percentage(reader, "exchanges.core_charge_pct", default: coreChargePercent)
        grants = try reader.stringArray(forKey: "access.grants", default: []).map(Grant.init(parsing:))
        trustRoot = reader.bool(forKey: "access.trust_root", default: trustRoot)
        let level = reader.string(forKey: "log.level", default: "info")
        guard let parsedLevel = Logger.Level(rawValue: level) else {
            throw ConfigurationProblem("log.level must be one of trace, debug, info, notice, warning, error, critical; got \(level)")
        }
        logLevel = parsedLevel
        metricsListen = try MetricsAddress(parsing: reader.string(forKey: "metrics.listen", default: ""))
        try validate()
    }

    static let maximumOverReceiptPercent = ExactDecimal(units: 100, scale: 0)

    /// The time zone and reminder buckets the warranty workflows and the deadlines run take.
    public var siteCalendar: SiteCalendar { SiteCalendar(timeZone: siteTimeZone, reminderDays: warrantyReminderDays) }
    /// A percentage from 0 to 1000 with at most 2 decimals, as a string ("75", "62.5") or a
    /// whole number in the file; a decimal, never a float.
    private static func percentage(_ reader: ConfigReader, _ key: String, default value: ExactDecimal) throws -> ExactDecimal {
        guard let text = reader.string(forKey: ConfigKey(key)) ?? reader.int(forKey: ConfigKey(key)).map(String.init) else { return value }
        guard let percent = try? ExactDecimal.bounded(text, scale: 2, limit: ExactDecimal(units: 1000, scale: 0)) else {
            throw ConfigurationProblem("\(key) must be a percentage from 0 to 1000 with at most 2 decimals, got \(text)")
        }
        return percent
    }

    /// Refuses settings that would make the daemon misbehave later rather than now.
    public func validate() throws {
        guard (1...256).contains(poolSize) else { throw ConfigurationProblem("database.pool_size must be 1...256, got \(poolSize)") }
        guard (0...100_000).contains(poolMaxWaiters) else {
            throw ConfigurationProblem("database.pool_max_waiters must be 0...100000, got \(poolMaxWaiters)")
        }
        guard (10...600_000).contains(poolWaitMilliseconds) else {
            throw ConfigurationProblem("database.pool_wait_ms must be 10...600000, got \(poolWaitMilliseconds)")
        }
        guard (1...poolSize).contains(postingFlushes) else {
            throw ConfigurationProblem("database.posting_flushes must be 1...pool_size (\(poolSize)), got \(postingFlushes)")
        }
        guard (1...10_000).contains(maxConnections) else {
            throw ConfigurationProblem("limits.max_connections must be 1...10000, got \(maxConnections)")
        }
        guard idleTimeoutSeconds > 0 else { throw ConfigurationProblem("limits.idle_timeout_s must be positive") }
        guard (1...3600).contains(shutdownGraceSeconds) else {
            throw ConfigurationProblem("limits.shutdown_grace_s must be 1...3600, got \(shutdownGraceSeconds)")
        }
        guard (1...10_000).contains(maxDocumentLines) else {
            throw ConfigurationProblem("limits.max_document_lines must be 1...10000")
        }
        guard statementTimeoutMilliseconds >= 100 else {
            throw ConfigurationProblem("database.statement_timeout_ms must be at least 100")
        }
        guard (10...86_400 * 7).contains(jobTimeoutSeconds) else {
            throw ConfigurationProblem("jobs.timeout_s must be 10...604800, got \(jobTimeoutSeconds)")
        }
        guard (1...16).contains(reorderReaders) else {
            throw ConfigurationProblem("jobs.reorder_readers must be 1...16, got \(reorderReaders)")
        }
        guard (10...10_000).contains(reorderChunk) else {
            throw ConfigurationProblem("jobs.reorder_chunk must be 10...10000, got \(reorderChunk)")
        }
        guard !overReceiptPercent.isNegative, overReceiptPercent <= Self.maximumOverReceiptPercent else {
            throw ConfigurationProblem("purchasing.over_receipt_pct must be 0...100, got \(overReceiptPercent)")
        }
        guard TimeZone(identifier: siteTimeZone) != nil else {
            throw ConfigurationProblem("site.time_zone must be an IANA time zone name like Asia/Shanghai, got \(siteTimeZone)")
        }
        guard (1...8).contains(warrantyReminderDays.count), warrantyReminderDays.allSatisfy({ (1...365).contains($0) }),
              Set(warrantyReminderDays).count == warrantyReminderDays.count else {
            throw ConfigurationProblem("warranty.reminder_days must be 1 to 8 different numbers of days from 1 to 365, got \(warrantyReminderDays)")
        }
        guard (1...3650).contains(coreDueDays) else {
            throw ConfigurationProblem("exchanges.core_due_days must be 1...3650, got \(coreDueDays)")
        }
        guard !socketPath.isEmpty, socketPath.utf8.count <= 107 else {
            throw ConfigurationProblem("socket.path must be 1 to 107 bytes (the Unix socket limit)")
        }
    }
}

/// A configuration error an operator must fix; printed as is.
public struct ConfigurationProblem: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
