import PartsDomain
import PartsProtocol

/// One command of the admin protocol: its words, who may run it, what arguments it takes,
/// and what it does. `help` and the dispatcher read the same specs, so the documentation a
/// user sees is the grammar the server applies.
struct CommandSpec: Sendable {
    /// Parses and checks the invocation, calls the store, renders the reply. Whatever it
    /// throws, FailureReply turns into the reply code.
    typealias Handler = @Sendable (Invocation, CommandEnvironment) async throws -> Reply
    /// What a request of this command changes, from its arguments (the part number of a
    /// `part add`): two requests of the command with different keys and refs cannot see each
    /// other's effects, so a connection may have them served at once (PipelinedRuns).
    typealias Independence = @Sendable (_ arguments: [String]) -> String?

    /// "part add", or a single verb for session commands.
    let name: String
    let synopsis: String
    let summary: String
    let role: Role
    /// Changes data: goes to the audit log and accepts `ref=`.
    let changesData: Bool
    /// How many positional words come before any document lines.
    let positional: ClosedRange<Int>
    /// Document lines after the positional words, when the command takes them: their
    /// number is bounded by `limits.max_document_lines`, checked with the rest of the shape.
    let lines: LineWords?
    let named: Set<String>
    let flags: Set<String>
    let run: Handler
    /// Session state the command changes after it succeeds.
    let effect: (@Sendable (Invocation) -> SessionEffect)?
    /// For a command whose requests commit in batches (RequestBatcher): what keeps two
    /// requests apart; nil for every other command, served strictly one after the other.
    let independentBy: Independence?

    init(_ name: String, _ synopsis: String, _ summary: String, role: Role, changesData: Bool = false,
         positional: ClosedRange<Int> = 0...0, lines: LineWords? = nil, named: Set<String> = [], flags: Set<String> = [],
         effect: (@Sendable (Invocation) -> SessionEffect)? = nil, independentBy: Independence? = nil,
         run: @escaping Handler) {
        self.name = name
        self.synopsis = synopsis
        self.summary = summary
        self.role = role
        self.changesData = changesData
        self.positional = positional
        self.lines = lines
        self.named = changesData ? named.union(["ref"]) : named
        self.flags = flags
        self.effect = effect
        self.independentBy = independentBy
        self.run = run
    }
}

/// The document lines a command takes after its positional words (`P-1:2`, `2026-11-01:3`).
enum LineWords: Sendable {
    /// At least one line.
    case required
    /// None is fine: the command then means "all" (req issue, arrive).
    case optional

    var minimum: Int { self == .required ? 1 : 0 }
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
