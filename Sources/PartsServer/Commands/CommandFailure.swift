import PartsDomain
import PartsProtocol

/// A command that did not succeed: the reply code and a message a person can act on.
struct CommandFailure: Error, Sendable {
    let status: ReplyStatus
    let message: String

    init(_ status: ReplyStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    static func badRequest(_ message: String) -> CommandFailure { .init(.badRequest, message) }
    static func invalid(_ message: String) -> CommandFailure { .init(.invalid, message) }
    static func notFound(_ message: String) -> CommandFailure { .init(.notFound, message) }

    init(_ problem: NumberProblem) {
        self.init(.invalid, problem.description)
    }

    var reply: Reply { Reply.error(status, message) }
}
