import Foundation
import Logging
import PartsJobs
import PartsProtocol
import PartsStore
import PostgresClient
import ServiceLifecycle
import UnixSignals

/// Puts the daemon together and runs it until SIGTERM or SIGINT.
public enum Daemon {
    public static func serve(_ configuration: ServerConfiguration, logger: Logger) async throws {
        let environmentVariables = ProcessInfo.processInfo.environment
        let pool = ConnectionPool(.init(conninfo: configuration.database, size: configuration.poolSize,
                                        maxWaiters: configuration.poolMaxWaiters,
                                        acquireTimeout: .milliseconds(configuration.poolWaitMilliseconds),
                                        statementTimeoutMilliseconds: configuration.statementTimeoutMilliseconds),
                                  logger: logger)
        // A few sessions suffice: reports are read by people, one at a time.
        let reportPool = configuration.databaseReadURL.isEmpty ? nil : ConnectionPool(
            .init(conninfo: configuration.databaseReadURL, size: min(4, configuration.poolSize),
                  maxWaiters: configuration.poolMaxWaiters, acquireTimeout: .milliseconds(configuration.poolWaitMilliseconds),
                  statementTimeoutMilliseconds: configuration.statementTimeoutMilliseconds),
            logger: logger)
        let store = PartsStore(pool: pool, reportPool: reportPool, logger: logger, postingFlushes: configuration.postingFlushes)
        do {
            try await prepareSchema(store, migrate: configuration.migrateOnStart, logger: logger)
        } catch {
            await pool.close()
            await reportPool?.close()
            throw error
        }
        let notifier = SystemdNotifier(environment: environmentVariables)
        let listen = ListenSocket.resolve(path: configuration.socketPath, environment: environmentVariables)
        // A failed run records what a command failing the same way would have answered.
        let jobs = JobRunner(store: store, settings: configuration.jobSettings, logger: logger) { failure in
            let (status, message) = FailureReply.status(for: failure)
            return (status.word, message)
        }
        let environment = CommandEnvironment(store: store, configuration: configuration, state: ServerState(), jobs: jobs)
        let server = AdminServer(listen: listen, configuration: configuration, environment: environment,
                                 policy: AccessPolicy(grants: configuration.grants, trustRoot: configuration.trustRoot), notifier: notifier, logger: logger)
        // Jobs stop after the server: commands in progress may still be waiting on a run.
        var services: [any Service] = [jobs, server]
        if let address = configuration.metricsListen {
            let scrape = MetricsScrape(registry: DaemonMetrics.bootstrap(), store: store,
                                       calendar: configuration.siteCalendar, logger: logger)
            services.append(MetricsServer(address: address, scrape: scrape, logger: logger))
        }
        if let watchdog = Watchdog(notifier: notifier, environment: environmentVariables, pid: getpid()) {
            services.append(watchdog)
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // A command that does not answer in time (a lock that is never released, a defect)
        // must not keep the daemon from stopping: past the grace, shutdown becomes
        // cancellation, which cancels the statements in progress.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.shutdownGraceSeconds)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            await pool.close()
            await reportPool?.close()
            throw error
        }
        await pool.close()
        await reportPool?.close()
        logger.info("partsd stopped")
    }

    /// Migrates when asked to. Otherwise only checks: a changed migration stops start-up, and
    /// pending ones are logged. A database that is down does not stop start-up: the daemon
    /// answers 503 until it is back.
    static func prepareSchema(_ store: PartsStore, migrate: Bool, logger: Logger) async throws {
        if migrate {
            let applied = try await store.migrate()
            logger.info("schema up to date", metadata: ["applied": "\(applied.count)"])
            try? await store.prepareDocumentNumbers()
            return
        }
        do {
            let pending = try await store.pendingMigrations()
            if !pending.isEmpty {
                logger.error("the database lacks migrations; run `partsd migrate`", metadata: ["pending": "\(pending)"])
            }
            // Best effort: without them a year's first postings make their sequences themselves.
            try? await store.prepareDocumentNumbers()
        } catch let failure as Migrator.Failure {
            throw failure
        } catch {
            logger.warning("database not reachable at start-up; serving 503 until it is", metadata: ["error": "\(error)"])
        }
    }
}
