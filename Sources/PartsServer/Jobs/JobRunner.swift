import Logging
import PartsDomain
import PartsPlanning
import PartsProtocol
import PartsStore
import PostgresClient
import ServiceLifecycle

/// The jobs a daemon runs on request (`job run`) or on its own schedule.
enum JobName: String, Sendable, CaseIterable {
    case reorder, snapshot
}

/// Starts job runs in the background, each on a database session of its own that holds the
/// job's advisory lock, and stops them when the daemon stops. As a service it also takes the
/// daily stock snapshot itself when `jobs.snapshot_at` is set, for hosts without systemd timers.
actor JobRunner: Service {
    private let store: PartsStore
    private let configuration: ServerConfiguration
    private let logger: Logger
    /// Runs in progress (and ones still waiting for their lock), by start order.
    private var tasks: [UInt64: Task<Void, Never>] = [:]
    private var nextToken: UInt64 = 0
    private var stopping = false

    init(store: PartsStore, configuration: ServerConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts `job` and returns its run's id once the run holds its lock (or, with `queue`,
    /// once it is recorded as waiting for it). A run of the same job in progress anywhere on
    /// this database makes it `409` unless `queue` is set.
    func start(_ job: JobName, location: String?, requestedBy: String, queue: Bool) async throws(CommandFailure) -> Int64 {
        guard !stopping else { throw CommandFailure(.unavailable, "the daemon is stopping; no new job runs") }
        let (outcomes, continuation) = AsyncStream.makeStream(of: Result<Int64, CommandFailure>.self)
        let token = nextToken
        nextToken += 1
        tasks[token] = Task {
            await self.execute(job, location: location, requestedBy: requestedBy, queue: queue) { outcome in
                continuation.yield(outcome)
                continuation.finish()
            }
            self.forget(token)
        }
        for await outcome in outcomes { return try outcome.get() }
        throw CommandFailure(.internalError, "the \(job.rawValue) run ended before it started")
    }

    private func forget(_ token: UInt64) {
        tasks[token] = nil
    }

    /// One run, start to end. `started` is called exactly once: with the run's id, or with why
    /// it did not start.
    private nonisolated func execute(_ job: JobName, location: String?, requestedBy: String, queue: Bool,
                                     started: @Sendable (Result<Int64, CommandFailure>) -> Void) async {
        do {
            try await DatabaseSession.withDedicated(conninfo: configuration.database, settings: sessionSettings(job)) { sessions in
                let session = sessions[0]
                let jobSession = JobSession(session: session, job: job.rawValue)
                let id: Int64
                let locked: Bool
                do {
                    locked = try await jobSession.tryLock()
                    if !locked && !queue {
                        let other = try await jobSession.runningID().map { " (job \($0))" } ?? ""
                        started(.failure(CommandFailure(.conflict, "\(job.rawValue) is already running\(other); try again later or add --queue")))
                        return
                    }
                    id = try await jobSession.begin(scope: location, requestedBy: requestedBy, queued: !locked)
                } catch {
                    started(.failure(CommandFailure(StoreError(error))))
                    return
                }
                started(.success(id))
                if !locked {
                    do {
                        try await self.waitForLock(jobSession, id)
                    } catch {
                        let failure = error as? CommandFailure ?? CommandFailure(.unavailable, "the daemon stopped while the run waited for its lock")
                        await jobSession.finish(id, succeeded: false, items: 0, result: failure.status.word, message: failure.message)
                        return
                    }
                }
                await self.work(job, id: id, location: location, jobSession)
                await jobSession.unlock()
            }
        } catch {
            // Only reached when the session could not even be set up.
            started(.failure(CommandFailure(StoreError(error))))
        }
    }

    /// Settings for a job's own sessions: the job's timeout instead of the commands' one.
    private nonisolated func sessionSettings(_ job: JobName) -> [(name: String, value: String)] {
        [("statement_timeout", String(configuration.jobTimeoutSeconds * 1000)), ("application_name", "partsd job \(job.rawValue)")]
    }

    /// A queued run polls for the lock; it gives up when the daemon stops or the job timeout passes.
    private nonisolated func waitForLock(_ jobSession: JobSession, _ id: Int64) async throws {
        let deadline = ContinuousClock.now + .seconds(configuration.jobTimeoutSeconds)
        while true {
            try await Task.sleep(for: .milliseconds(500))
            if try await jobSession.tryLock() {
                try await jobSession.markRunning(id)
                return
            }
            if ContinuousClock.now > deadline {
                throw CommandFailure(.busy, "gave up waiting for the running \(jobSession.job) job after jobs.timeout_s")
            }
        }
    }

    private nonisolated func work(_ job: JobName, id: Int64, location: String?, _ jobSession: JobSession) async {
        let started = ContinuousClock.now
        do {
            let summary: (items: Int64, result: String, message: String)
            switch job {
            case .snapshot:
                let taken = try await jobSession.snapshot()
                summary = (Int64(taken.rows), taken.date, "snapshot of \(taken.date): \(taken.rows) part-locations, value \(taken.value)")
            case .reorder:
                summary = try await reorder(id: id, location: location, jobSession)
            }
            await jobSession.finish(id, succeeded: true, items: summary.items, result: summary.result, message: summary.message)
            logger.info("job succeeded", metadata: ["job": "\(job.rawValue)", "id": "\(id)", "message": "\(summary.message)",
                                                    "seconds": "\((ContinuousClock.now - started).components.seconds)"])
        } catch {
            let failure = error as? CommandFailure ?? CommandFailure(StoreError(error))
            await jobSession.finish(id, succeeded: false, items: 0, result: failure.status.word, message: failure.message)
            logger.error("job failed", metadata: ["job": "\(job.rawValue)", "id": "\(id)", "error": "\(failure.message)"])
        }
    }

    private nonisolated func reorder(id: Int64, location: String?, _ jobSession: JobSession) async throws -> (items: Int64, result: String, message: String) {
        let planner = try await Planner.load(store)
        let store = store
        let groups = try await readerGroups(location)
        let outcome = try await DatabaseSession.withDedicated(count: groups.count, conninfo: configuration.database,
                                                              settings: sessionSettings(.reorder)) { sessions in
            try await jobSession.reorder(
                jobID: id, location: location, window: planner.window, chunkSize: configuration.reorderChunk,
                readers: zip(sessions, groups).map { (session: $0.0, locations: $0.1) },
                plan: { row in planner.line(row) },
                progress: { planned in await store.reportJobProgress(id: id, progress: "planned \(planned) part-locations", items: Int64(planned)) })
        }
        var message = "\(outcome.proposalNo): \(outcome.planned) part-locations planned, \(outcome.toOrder) to order, "
            + "value \(outcome.orderValue), \(outcome.flagged) flagged"
        if !outcome.superseded.isEmpty { message += "; supersedes \(outcome.superseded.joined(separator: ", "))" }
        return (Int64(outcome.planned), outcome.proposalNo, message)
    }

    /// The locations each reader of a run takes: one location alone, or the warehouses and
    /// branches dealt out over `jobs.reorder_readers` readers.
    private nonisolated func readerGroups(_ location: String?) async throws -> [[String]?] {
        if let location { return [[location]] }
        let codes = try await store.planningLocationCodes()
        let count = max(1, min(configuration.reorderReaders, codes.count))
        guard count > 1 else { return [nil] }
        return (0..<count).map { reader in codes.enumerated().filter { $0.offset % count == reader }.map(\.element) }
    }

    // MARK: Service

    func run() async throws {
        await withGracefulShutdownHandler {
            await scheduleSnapshots()
        } onGracefulShutdown: {
            Task { await self.stop() }
        }
        await stop()
    }

    /// Cancels the runs in progress (their transactions roll back) and waits for them.
    private func stop() async {
        stopping = true
        let runs = Array(tasks.values)
        for task in runs { task.cancel() }
        for task in runs { await task.value }
    }

    /// Takes the snapshot at `jobs.snapshot_at` every day until the daemon stops.
    private func scheduleSnapshots() async {
        guard let time = configuration.snapshotAt else {
            try? await gracefulShutdown()
            return
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(time.secondsUntilNext())) }
            } catch {
                return
            }
            do {
                let id = try await start(.snapshot, location: nil, requestedBy: "partsd (schedule)", queue: false)
                logger.info("scheduled snapshot started", metadata: ["id": "\(id)"])
            } catch {
                logger.notice("scheduled snapshot not started", metadata: ["reason": "\(error.message)"])
            }
        }
    }
}
