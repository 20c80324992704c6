import Logging
import Metrics
import PartsDomain
import PartsStore
import PostgresClient
import ServiceLifecycle

/// Starts job runs in the background, each on a database session of its own that holds the
/// job's advisory lock, and stops them when the daemon stops. As a service it also takes the
/// daily stock snapshot itself when `jobs.snapshot_at` is set, for hosts without systemd timers.
public actor JobRunner: Service {
    /// What a failed run records as its result and message: the daemon's reply code word
    /// and text for the error, so `job wait` later answers as the run would have.
    public typealias FailureRecord = @Sendable (JobError) -> (result: String, message: String)

    private let store: PartsStore
    private let settings: JobSettings
    private let logger: Logger
    private let record: FailureRecord
    /// Runs in progress (and ones still waiting for their lock), by start order.
    private var tasks: [UInt64: Task<Void, Never>] = [:]
    private var nextToken: UInt64 = 0
    private var stopping = false

    public init(store: PartsStore, settings: JobSettings, logger: Logger, recordFailure: @escaping FailureRecord) {
        self.store = store
        self.settings = settings
        self.logger = logger
        record = recordFailure
    }

    /// Starts `job` and returns its run's id once the run holds its lock (or, with `queue`,
    /// once it is recorded as waiting for it). A run of the same job in progress anywhere on
    /// this database refuses it unless `queue` is set.
    public func start(_ job: JobName, location: String?, requestedBy: String, queue: Bool) async throws(JobError) -> Int64 {
        guard !stopping else { throw .stopping }
        let (outcomes, continuation) = AsyncStream.makeStream(of: Result<Int64, JobError>.self)
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
        throw .endedBeforeStart(job: job.rawValue)
    }

    private func forget(_ token: UInt64) {
        tasks[token] = nil
    }

    /// One run, start to end. `started` is called exactly once: with the run's id, or with why
    /// it did not start.
    private nonisolated func execute(_ job: JobName, location: String?, requestedBy: String, queue: Bool,
                                     started: @Sendable (Result<Int64, JobError>) -> Void) async {
        do {
            try await DatabaseSession.withDedicated(conninfo: settings.database, settings: sessionSettings(job)) { sessions in
                let jobSession = JobSession(session: sessions[0], job: job.rawValue)
                let id: Int64
                let locked: Bool
                do throws(StoreError) {
                    locked = try await jobSession.tryLock()
                    if !locked && !queue {
                        started(.failure(.alreadyRunning(job: job.rawValue, runID: try await jobSession.runningID())))
                        return
                    }
                    id = try await jobSession.begin(scope: location, requestedBy: requestedBy, queued: !locked)
                } catch {
                    started(.failure(.store(error)))
                    return
                }
                started(.success(id))
                if !locked {
                    do {
                        try await self.waitForLock(jobSession, id)
                    } catch {
                        let failure = error is CancellationError ? JobError.stoppedWhileQueued : JobError(error)
                        await self.finish(jobSession, id, failure)
                        return
                    }
                }
                await self.work(job, id: id, location: location, jobSession)
                await jobSession.unlock()
            }
        } catch {
            // Only reached when the session could not even be set up.
            started(.failure(JobError(error)))
        }
    }

    /// Settings for a job's own sessions: the job's timeout instead of the commands' one.
    private nonisolated func sessionSettings(_ job: JobName) -> [(name: String, value: String)] {
        [("statement_timeout", String(settings.timeoutSeconds * 1000)), ("application_name", "partsd job \(job.rawValue)")]
    }

    /// A queued run polls for the lock; it gives up when the daemon stops or the job timeout passes.
    private nonisolated func waitForLock(_ jobSession: JobSession, _ id: Int64) async throws {
        let deadline = ContinuousClock.now + .seconds(settings.timeoutSeconds)
        while true {
            try await Task.sleep(for: .milliseconds(500))
            if try await jobSession.tryLock() {
                try await jobSession.markRunning(id)
                return
            }
            if ContinuousClock.now > deadline { throw JobError.timedOut(job: jobSession.job) }
        }
    }

    private nonisolated func work(_ job: JobName, id: Int64, location: String?, _ jobSession: JobSession) async {
        let started = ContinuousClock.now
        do {
            var findings: [String] = []
            let summary: (items: Int64, result: String, message: String)
            switch job {
            case .snapshot:
                // Daily, so next year's number sequences exist long before the year turns.
                try? await store.prepareDocumentNumbers()
                let taken = try await jobSession.snapshot()
                summary = (Int64(taken.rows), taken.date, "snapshot of \(taken.date): \(taken.rows) part-locations, value \(taken.value)")
            case .reorder:
                summary = try await reorder(id: id, location: location, jobSession)
            case .methodTrial:
                summary = try await methodTrial(id: id, location: location, jobSession)
            case .deadlines:
                // One local date for both: the site's today, as the warranty rules count it.
                let warranty = try await store.warrantyDeadlines(on: nil, settings.siteCalendar)
                let repairs = try await store.markDeadlines(on: warranty.date)
                findings = repairs.lines + warranty.lines
                summary = (Int64(findings.count), warranty.date, repairs.summary + "; " + warranty.summary)
            }
            await jobSession.finish(id, succeeded: true, items: summary.items, result: summary.result, message: summary.message,
                                    findings: findings)
            Self.countRun(job.rawValue, outcome: "succeeded")
            logger.info("job succeeded", metadata: ["job": "\(job.rawValue)", "id": "\(id)", "message": "\(summary.message)",
                                                    "seconds": "\((ContinuousClock.now - started).components.seconds)"])
        } catch {
            await finish(jobSession, id, JobError(error))
        }
    }

    private nonisolated func finish(_ jobSession: JobSession, _ id: Int64, _ failure: JobError) async {
        let recorded = record(failure)
        await jobSession.finish(id, succeeded: false, items: 0, result: recorded.result, message: recorded.message)
        Self.countRun(jobSession.job, outcome: "failed")
        logger.error("job failed", metadata: ["job": "\(jobSession.job)", "id": "\(id)", "error": "\(recorded.message)"])
    }

    /// `partsd_job_runs_total{job,outcome}`: runs this daemon finished. When each job last
    /// succeeded is read from job_run at scrape time instead, so a restart or a run on another
    /// daemon does not lose it.
    private static func countRun(_ job: String, outcome: String) {
        Counter(label: "partsd_job_runs_total", dimensions: [("job", job), ("outcome", outcome)]).increment()
    }

    /// The run's writer is the job's own session, the one holding its lock; the readers get
    /// sessions of their own.
    private nonisolated func reorder(id: Int64, location: String?, _ jobSession: JobSession) async throws -> (items: Int64, result: String, message: String) {
        let planner = try await Planner.load(store)
        let store = store
        let groups = try await readerGroups(location)
        let run = ReorderRun(store: store, planner: planner, jobID: id, location: location, chunkSize: settings.reorderChunk)
        let plan = { @Sendable (conninfo: String) async throws -> ReorderRunOutcome in
            try await DatabaseSession.withDedicated(count: groups.count, conninfo: conninfo,
                                                    settings: self.sessionSettings(.reorder)) { sessions in
                try await run.run(writer: jobSession.session, readers: zip(sessions, groups).map { (session: $0.0, locations: $0.1) }) { planned in
                    await store.reportJobProgress(id: id, progress: "planned \(planned) part-locations", items: Int64(planned))
                }
            }
        }
        let outcome: ReorderRunOutcome
        if let standby = settings.readDatabase {
            do {
                outcome = try await plan(standby)
            } catch where Self.standbyGaveUp(error) {
                // The standby is gone, or replay cancelled a read that conflicted with it: the
                // run's writer rolled back, so the whole run starts again reading the primary.
                logger.notice("reorder run reads the primary: the standby of database.read_url gave up",
                              metadata: ["job": "\(id)", "error": "\(StoreError(error).message)"])
                outcome = try await plan(settings.database)
            }
        } else {
            outcome = try await plan(settings.database)
        }
        var message = "\(outcome.proposalNo): \(outcome.planned) part-locations planned, \(outcome.toOrder) to order, "
            + "value \(outcome.orderValue), \(outcome.flagged) flagged"
        if !outcome.superseded.isEmpty { message += "; supersedes \(outcome.superseded.joined(separator: ", "))" }
        return (Int64(outcome.planned), outcome.proposalNo, message)
    }

    /// The run's writer is the job's own session; it reads through a session of its own, from
    /// the primary: the replays take minutes, longer than a standby's replay may hold a read.
    private nonisolated func methodTrial(id: Int64, location: String?, _ jobSession: JobSession) async throws -> (items: Int64, result: String, message: String) {
        let planner = try await Planner.load(store)
        let store = store
        let run = MethodTrialRun(store: store, planner: planner, jobID: id, location: location, chunkSize: settings.reorderChunk)
        let outcome = try await DatabaseSession.withDedicated(conninfo: settings.database,
                                                              settings: sessionSettings(.methodTrial)) { sessions in
            try await run.run(writer: jobSession.session, reader: sessions[0]) { considered in
                await store.reportJobProgress(id: id, progress: "replayed \(considered) part-locations", items: Int64(considered))
            }
        }
        return (Int64(outcome.replayed), "\(outcome.replayed) replayed", outcome.message)
    }

    /// A standby that could not be reached or was lost, or a read that replay cancelled (a
    /// conflict with recovery, 40001, which the store reports as a concurrent change). A run
    /// failing so on the primary as well fails as it would have without a standby.
    private static func standbyGaveUp(_ error: any Error) -> Bool {
        if error is CancellationError || Task.isCancelled { return false }
        switch StoreError(error) {
        case .unavailable, .conflict: return true
        default: return false
        }
    }

    /// The locations each reader of a run takes: one location alone, or the warehouses and
    /// branches dealt out over `jobs.reorder_readers` readers.
    private nonisolated func readerGroups(_ location: String?) async throws -> [[String]?] {
        if let location { return [[location]] }
        let codes = try await store.planningLocationCodes()
        let count = max(1, min(settings.reorderReaders, codes.count))
        guard count > 1 else { return [nil] }
        return (0..<count).map { reader in codes.enumerated().filter { $0.offset % count == reader }.map(\.element) }
    }

    // MARK: Service

    public func run() async throws {
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
        guard let time = settings.snapshotAt else {
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
