import Logging
import Metrics
import PartsDomain
import PartsProtocol
import PartsStore

/// One client connection's protocol state: its peer, its reply format, and the dispatch of
/// each request line to a command. No sockets here: the server feeds it lines.
struct Session {
    let peer: Peer
    let table: CommandTable
    let environment: CommandEnvironment
    let logger: Logger
    private(set) var format: ReplyFormat = .text

    init(peer: Peer, table: CommandTable, environment: CommandEnvironment, logger: Logger) {
        self.peer = peer
        self.table = table
        self.environment = environment
        self.logger = logger
    }

    /// The greeting the server sends first.
    var greeting: String {
        "200 READY partsd/\(ServerState.version) proto=1 user=\(peer.userName) role=\(peer.role)\n"
    }

    /// Serves one request line: the reply text to write (empty for blank and comment lines)
    /// and what the command does to the connection.
    ///
    /// `write` sends text to the client at once: long commands stream progress through it.
    mutating func handle(_ line: String, write: @escaping @Sendable (String) async -> Void = { _ in }) async -> (output: String, effect: SessionEffect) {
        let started = ContinuousClock.now
        let request: Request
        do {
            guard let parsed = try Request.parse(line) else { return ("", .none) }
            request = parsed
        } catch {
            guard case .badRequest(let message) = error else { return ("", .none) }
            return (render(.error(.badRequest, message)), .none)
        }
        let (reply, effect, name) = await dispatch(request, write: write)
        if reply.status == .internalError {
            logger.error("command failed", metadata: ["command": "\(line)", "error": "\(reply.message)"])
        }
        Counter(label: "partsd_commands_total", dimensions: [("command", name), ("code", String(reply.status.rawValue))]).increment()
        Timer(label: "partsd_command_duration_seconds", dimensions: [("command", name)])
            .record(duration: ContinuousClock.now - started)
        // A format switch answers in the new format: the reply confirms what follows.
        if !reply.status.isError, case .setFormat(let newFormat) = effect { format = newFormat }
        return (render(reply), reply.status.isError ? .none : effect ?? .none)
    }

    /// An error reply that is not tied to a parsed request (invalid UTF-8, an over-long line).
    func render(_ reply: Reply) -> String {
        switch format {
        case .text: TextRenderer.render(reply).joined(separator: "\n") + "\n"
        case .json: JSONRenderer.render(reply) + "\n"
        }
    }

    private func dispatch(_ request: Request, write: @escaping @Sendable (String) async -> Void) async -> (Reply, SessionEffect?, String) {
        guard let (spec, used) = table.lookup(request.positional) else {
            let noun = request.positional.first ?? ""
            let verbs = table.verbs(of: noun)
            if !verbs.isEmpty {
                let verb = request.positional.count > 1 ? "'\(request.positional[1])' is not a verb of \(noun)" : "\(noun) needs a verb"
                return (.error(.badRequest, "\(verb): \(verbs.joined(separator: ", "))"), nil, "unknown")
            }
            return (.error(.badRequest, "unknown command '\(noun)'; try help"), nil, "unknown")
        }
        let arguments = Array(request.positional.dropFirst(used))
        let context = CommandContext(peer: peer, command: request.line, ref: request[named: "ref"], fingerprint: request.fingerprint)
        var invocation = Invocation(request: request, arguments: arguments, peer: peer, context: context,
                                    limits: .init(maxDocumentLines: environment.configuration.maxDocumentLines))
        if format == .text {
            invocation.progress = ProgressSink(streams: true) { line in await write("\(ReplyStatus.accepted.rawValue)-\(line)\n") }
        }
        do {
            try check(invocation, against: spec)
            let reply = try await spec.run(invocation, environment)
            return (reply, spec.effect?(invocation), spec.name)
        } catch {
            let reply = FailureReply.reply(for: error)
            if spec.changesData, reply.status != .unavailable, reply.status != .badRequest {
                await environment.store.audit(context, code: reply.status.rawValue)
            }
            return (reply, nil, spec.name)
        }
    }

    /// The number of positional words and document lines: the only place the line limit is
    /// checked, so every command that takes lines has the configured one.
    private func checkArity(_ invocation: Invocation, _ spec: CommandSpec) throws(CommandFailure) {
        let count = invocation.arguments.count
        guard let lines = spec.lines else {
            guard spec.positional.contains(count) else { throw .badRequest("usage: \(spec.synopsis)") }
            return
        }
        let lineCount = count - spec.positional.upperBound
        guard count >= spec.positional.lowerBound, lineCount >= lines.minimum else {
            throw .badRequest("usage: \(spec.synopsis)")
        }
        let limit = invocation.limits.maxDocumentLines
        guard lineCount <= limit else { throw .invalid("\(lineCount) lines; a document holds at most \(limit)") }
    }

    /// Shape and permission, before anything runs.
    private func check(_ invocation: Invocation, against spec: CommandSpec) throws(CommandFailure) {
        try checkArity(invocation, spec)
        if let unknown = invocation.request.named.first(where: { !spec.named.contains($0.key) }) {
            throw .badRequest("\(spec.name) takes no argument \(unknown.key)=; usage: \(spec.synopsis)")
        }
        if let unknown = invocation.request.flags.first(where: { !spec.flags.contains($0) }) {
            throw .badRequest("\(spec.name) takes no flag --\(unknown)")
        }
        guard peer.role >= spec.role else {
            throw CommandFailure(.forbidden, "\(spec.name) needs role \(spec.role); \(peer.userName) is \(peer.role)")
        }
        if let ref = invocation.context.ref {
            guard (1...100).contains(ref.count), !ref.contains(" ") else {
                throw .invalid("ref must be 1 to 100 characters without spaces")
            }
        }
    }
}
