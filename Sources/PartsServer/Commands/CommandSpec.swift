import PartsDomain
import PartsProtocol

/// One command of the admin protocol: its words, who may run it, what arguments it takes,
/// and what it does. `help` and the dispatcher read the same specs, so the documentation a
/// user sees is the grammar the server applies.
struct CommandSpec: Sendable {
    /// Parses and checks the invocation, calls the store, renders the reply. Whatever it
    /// throws, FailureReply turns into the reply code.
    typealias Handler = @Sendable (Invocation, CommandEnvironment) async throws -> Reply

    /// "part add", or a single verb for session commands.
    let name: String
    let synopsis: String
    let summary: String
    let role: Role
    /// Changes data: goes to the audit log and accepts `ref=`.
    let changesData: Bool
    let positional: ClosedRange<Int>
    let named: Set<String>
    let flags: Set<String>
    let run: Handler
    /// Session state the command changes after it succeeds.
    let effect: (@Sendable (Invocation) -> SessionEffect)?

    init(_ name: String, _ synopsis: String, _ summary: String, role: Role, changesData: Bool = false,
         positional: ClosedRange<Int> = 0...0, named: Set<String> = [], flags: Set<String> = [],
         effect: (@Sendable (Invocation) -> SessionEffect)? = nil, run: @escaping Handler) {
        self.name = name
        self.synopsis = synopsis
        self.summary = summary
        self.role = role
        self.changesData = changesData
        self.positional = positional
        self.named = changesData ? named.union(["ref"]) : named
        self.flags = flags
        self.effect = effect
        self.run = run
    }
}

/// What a command does to its connection beyond its reply.
enum SessionEffect: Sendable, Equatable {
    case none
    case setFormat(ReplyFormat)
    case close
}

enum ReplyFormat: String, Sendable {
    case text, json
}
