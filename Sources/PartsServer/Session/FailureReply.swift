import PartsProtocol
import PartsStore

/// Every way a command can fail, turned into its reply: the one place where errors become
/// reply codes. Handlers throw what they have (a parse problem, a store refusal, a planning
/// or job error) and the session answers with this.
enum FailureReply {
    static func status(for error: any Error) -> (ReplyStatus, String) {
        switch error {
        case let failure as CommandFailure:
            return (failure.status, failure.message)
        case let store as StoreError:
            return (status(for: store), store.message)
        case let mapped as any ReplyMappable:
            return (mapped.replyStatus, mapped.replyMessage)
        case is CancellationError:
            return (.unavailable, "the request was cancelled; nothing was changed")
        default:
            return (.internalError, String(describing: error))
        }
    }

    static func status(for error: StoreError) -> ReplyStatus {
        switch error {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .conflict: .conflict
        case .invalid: .invalid
        case .unavailable: .unavailable
        case .busy: .busy
        case .bug: .internalError
        }
    }

    static func reply(for error: any Error) -> Reply {
        let (status, message) = status(for: error)
        return .error(status, message)
    }
}

/// An error of a layer above the store (planning, jobs) that knows its own reply code.
protocol ReplyMappable: Error {
    var replyStatus: ReplyStatus { get }
    var replyMessage: String { get }
}
