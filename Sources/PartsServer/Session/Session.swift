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

    /// What serving one line produced: the reply text to write (empty for blank and comment
    /// lines), what the command does to the connection, and the reply format from now on.
    struct Response: Sendable {
        var output: String
        var effect: SessionEffect
        var format: ReplyFormat
    }

    /// Serves one request line; `adopt` applies what it did to the session (its reply format).
    /// The server cancels the connection's task when the client hangs up, which cancels the
    /// command in progress too.
    ///
    /// `write` sends text to the client at once: long commands stream progress through it.
    func respond(to line: String, write: @escaping @Sendable (String) async -> Void = { _ in }) async -> Response {
        let started = ContinuousClock.now
        let request: Request
        do {
            guard let parsed = try Request.parse(line) else { return Response(output: "", effect: .none, format: format) }
            request = parsed
        } catch {
            guard case .badRequest(let message) = error else { return Response(output: "", effect: .none, format: format) }
            return Response(output: render(.error(.badRequest, message)), effect: .none, format: format)
        }
        var (reply, effect, name) = await dispatch(request, write: write)
        // Past the stop's grace a command is cancelled with its statement, which the database
        // reports like a timeout; the client waiting for it is told what happened instead.
        if Task.isCancelled, reply.status.isError {
            reply = .error(.unavailable, "partsd is stopping: the command was cancelled; nothing was changed")
        }
        if reply.status == .internalError {
            logger.error("command failed", metadata: ["command": "\(line)", "error": "\(reply.message)"])
        }
        Counter(label: "partsd_commands_total", dimensions: [("command", name), ("code", String(reply.status.rawValue))]).increment()
        Timer(label: "partsd_command_duration_seconds", dimensions: [("command", name)])
            .record(duration: ContinuousClock.now - started)
        var response = Response(output: "", effect: reply.status.isError ? .none : effect ?? .none, format: format)
        // A format switch answers in the new format: the reply confirms what follows.
        if case .setFormat(let newFormat) = response.effect { response.format = newFormat }
        response.output = Self.render(reply, response.format)
        return response
    }

    /// What lets a line be served beside others of its command (PipelinedRuns), or nil: not a
    /// batched command, or not a request that parses.
    func independence(of line: String) -> PipelinedRuns.Independence? {
        guard let request = try? Request.parse(line), let (spec, used) = table.lookup(request.positional),
              let independentBy = spec.independentBy, let key = independentBy(Array(request.positional.dropFirst(used)))
        else { return nil }
        return PipelinedRuns.Independence(command: spec.name, key: key, ref: request[named: "ref"])
    }

    /// Takes over what a response changed in the session.
    mutating func adopt(_ response: Response) {
        format = response.format
    }

    /// An error reply that is not tied to a parsed request (invalid UTF-8, an over-long line).
    func render(_ reply: Reply) -> String {
        Self.render(reply, format)
    }

    private static func render(_ reply: Reply, _ format: ReplyFormat) -> String {
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
            // Every refused command that could change something is audited, with the peer, its
            // role and the code: what changes data, and what only a clerk or more may run (job
            // run). A malformed line was not a request of anything, and with the database down
            // there is nowhere to write the row.
            if spec.changesData || spec.role > .viewer, reply.status != .unavailable, reply.status != .badRequest {
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
