import PartsJobs
import PartsPlanning
import PartsProtocol

// The reply codes of the jobs' and the planner's own errors (see FailureReply).

extension JobError: ReplyMappable {
    var replyStatus: ReplyStatus {
        switch self {
        case .alreadyRunning: .conflict
        case .stopping, .stoppedWhileQueued, .stoppedWhileRunning: .unavailable
        case .timedOut: .busy
        case .endedBeforeStart: .internalError
        case .store(let error): FailureReply.status(for: error)
        case .settings(let error): error.replyStatus
        }
    }

    var replyMessage: String { message }
}

extension PlanningSettingsError: ReplyMappable {
    var replyStatus: ReplyStatus {
        switch self {
        case .invalid: .invalid
        case .unreadableDate: .internalError
        }
    }

    var replyMessage: String { message }
}

/// A part the maths cannot plan with the settings in force.
extension PlanningError: ReplyMappable {
    var replyStatus: ReplyStatus { .invalid }
    var replyMessage: String { description }
}
