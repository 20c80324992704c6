import PartsStore

/// Why a job run did not start, or did not finish. The daemon turns each into its reply code
/// (and the run's recorded result) in one place, with every other error.
public enum JobError: Error, Sendable, Equatable {
    /// A run of the job holds its lock, in this daemon or another one on the database.
    case alreadyRunning(job: String, runID: Int64?)
    /// The daemon is stopping: it starts no new runs.
    case stopping
    /// The daemon stopped while the run waited for another run's lock.
    case stoppedWhileQueued
    /// The daemon stopped while the run worked; its transaction rolled back.
    case stoppedWhileRunning
    /// A queued run gave up waiting for the running one after jobs.timeout_s.
    case timedOut(job: String)
    /// The run's task ended without saying whether it started: a bug.
    case endedBeforeStart(job: String)
    /// The database refused or failed; nothing of the run was committed.
    case store(StoreError)
    /// The stored planning settings are ones the planner cannot work with.
    case settings(PlanningSettingsError)

    /// Sorts any error a run meets into these.
    init(_ error: any Error) {
        switch error {
        case let error as JobError: self = error
        case let error as StoreError: self = .store(error)
        case let error as PlanningSettingsError: self = .settings(error)
        case is CancellationError: self = .stoppedWhileRunning
        default: self = .store(StoreError(error))
        }
    }

    public var message: String {
        switch self {
        case .alreadyRunning(let job, let runID):
            "\(job) is already running\(runID.map { " (job \($0))" } ?? ""); try again later or add --queue"
        case .stopping: "the daemon is stopping; no new job runs"
        case .stoppedWhileQueued: "the daemon stopped while the run waited for its lock"
        case .stoppedWhileRunning: "the daemon is stopping; the run was rolled back"
        case .timedOut(let job): "gave up waiting for the running \(job) job after jobs.timeout_s"
        case .endedBeforeStart(let job): "the \(job) run ended before it started"
        case .store(let error): error.message
        case .settings(let error): error.message
        }
    }
}
