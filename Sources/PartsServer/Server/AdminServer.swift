import Glibc
import Logging
import NIOCore
import NIOPosix
import PartsDomain
import PartsProtocol
import ServiceLifecycle

/// The admin socket: accepts clients, finds out who they are, and serves each connection's
/// lines in order. Each connection is a task of its own, so a slow or silent client holds up
/// nobody else; a bounded number of them may be open at once.
public struct AdminServer: Service {
    let listen: ListenSocket
    let configuration: ServerConfiguration
    let environment: CommandEnvironment
    let policy: AccessPolicy
    let notifier: SystemdNotifier
    let logger: Logger
    let table = CommandTable.standard

    init(listen: ListenSocket, configuration: ServerConfiguration, environment: CommandEnvironment,
         policy: AccessPolicy, notifier: SystemdNotifier, logger: Logger) {
        self.listen = listen
        self.configuration = configuration
        self.environment = environment
        self.policy = policy
        self.notifier = notifier
        self.logger = logger
    }

    typealias Connection = (channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, credentials: PeerCredentials)

    public func run() async throws {
        let idleTimeout = TimeAmount.seconds(Int64(configuration.idleTimeoutSeconds))
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Connection> = { channel in
            PeerCredentials.of(channel).flatMapThrowing { credentials in
                try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                try channel.pipeline.syncOperations.addHandler(CloseWhenIdle())
                return (try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel), credentials)
            }
        }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let server: NIOAsyncChannel<Connection, Never>
        switch listen {
        case .path(let path):
            try createParentDirectory(of: path)
            server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true,
                                              childChannelInitializer: initializer)
            // Roles, not file modes, decide who may do what: every local user may connect.
            chmod(path, 0o666)
        case .inherited(let descriptor):
            server = try await bootstrap.bind(descriptor, childChannelInitializer: initializer)
        }
        logger.info("admin socket ready", metadata: ["socket": "\(listen)"])
        notifier.notify("READY=1\nSTATUS=serving on \(listen)")

        try await server.serveConnections(onShutdown: { notifier.notify("STOPPING=1") }) { connection in await serve(connection) }
        if case .path(let path) = listen { unlink(path) }
        logger.info("admin socket closed")
    }

    private func serve(_ connection: Connection) async {
        let channel = connection.channel
        guard environment.state.admit(limit: configuration.maxConnections) else {
            try? await channel.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(string: "429 BUSY too many connections (limit \(configuration.maxConnections)); try later\n"))
            }
            return
        }
        defer { environment.state.leave() }
        let credentials = connection.credentials
        // Name and group lookups may block on NSS: keep them off the cooperative pool.
        let identity = try? await NIOThreadPool.singleton.runIfActive {
            UnixIdentity.lookUp(uid: credentials.uid, gid: credentials.gid, pid: credentials.pid)
        }
        guard let identity, let role = policy.role(for: identity) else {
            let name = identity?.userName ?? String(credentials.uid)
            logger.notice("refused peer without a role", metadata: ["uid": "\(credentials.uid)", "user": "\(name)"])
            try? await channel.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(string: "403 FORBIDDEN user \(name) (uid \(credentials.uid)) has no role on this server\n"))
            }
            return
        }
        let peer = Peer(uid: identity.uid, gid: identity.gid, pid: identity.pid, userName: identity.userName, role: role)
        // A client that goes away (closes its socket, not only its sending half) cancels the
        // request in progress: nobody would read its reply, and a long plan stops computing.
        await withTaskExecutorPreference(EventLoopTaskExecutor(channel.channel.eventLoop)) {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await channel.channel.closeFuture.get() }
                group.addTask { await converse(channel, peer) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func converse(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ peer: Peer) async {
        var session = Session(peer: peer, table: table, environment: environment, logger: logger)
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: session.greeting))
                var lines = LineBuffer(maxLineBytes: configuration.maxLineBytes)
                try await withGracefulShutdownHandler {
                    for try await chunk in inbound {
                        var waiting: [String] = []
                        for event in lines.append(chunk.readableBytesView).map(Optional.some) + [nil] {
                            if case .line(let line) = event {
                                waiting.append(line)
                                continue
                            }
                            if !waiting.isEmpty {
                                let replies = Replies(outbound: outbound, channel: channel.channel)
                                guard try await serve(waiting, &session, replies) else { return }
                                waiting = []
                            }
                            switch event {
                            case nil, .line: break
                            case .invalidUTF8:
                                try await outbound.write(ByteBuffer(string: session.render(.error(.badRequest, "request is not valid UTF-8"))))
                            case .tooLong:
                                try await outbound.write(ByteBuffer(string: session.render(
                                    .error(.tooLong, "request line longer than \(configuration.maxLineBytes) bytes; closing"))))
                                return
                            }
                        }
                    }
                } onGracefulShutdown: {
                    // Stop reading: the command in progress finishes and its reply is written,
                    // then the loop ends because no more input arrives (or, past the grace,
                    // the command is cancelled: see Daemon).
                    channel.channel.close(mode: .input, promise: nil)
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Serves lines that arrived together, in order, each run of independent ones at once
    /// (PipelinedRuns); returns false when the connection is to close.
    private func serve(_ waiting: [String], _ session: inout Session, _ replies: Replies) async throws -> Bool {
        for run in PipelinedRuns.split(waiting, independence: session.independence(of:)) {
            guard run.count > 1 else {
                let response = await session.respond(to: waiting[run.lowerBound]) { text in
                    try? await replies.write(text)
                }
                session.adopt(response)
                if !response.output.isEmpty { try await replies.write(response.output) }
                if response.effect == .close { return false }
                continue
            }
            // Batched commands neither stream progress nor change the session.
            let served = session
            let outputs = await withTaskGroup(of: (Int, String).self) { group in
                for index in run {
                    group.addTask { (index, await served.respond(to: waiting[index]).output) }
                }
                var outputs = [String](repeating: "", count: waiting.count)
                for await (index, output) in group { outputs[index] = output }
                return outputs[run].joined()
            }
            try await replies.write(outputs)
        }
        return true
    }

    /// Where a connection's replies go. Past the stop's grace the connection's task is
    /// cancelled, and the async writer refuses a cancelled task's writes; but the client still
    /// waits for the answer to the command that was cancelled, so that one goes to the channel
    /// directly. Nothing awaits it: the connection closes right after, and a client that does
    /// not read cannot hold up the stop.
    private struct Replies {
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        let channel: any Channel

        func write(_ text: String) async throws {
            guard !Task.isCancelled else {
                channel.writeAndFlush(ByteBuffer(string: text), promise: nil)
                return
            }
            try await outbound.write(ByteBuffer(string: text))
        }
    }

    private func createParentDirectory(of path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let directory = String(path[..<slash])
        var status = stat()
        if stat(directory, &status) == 0 { return }
        guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
            throw ConfigurationProblem("cannot create the socket directory \(directory): \(String(cString: strerror(errno)))")
        }
    }
}

/// Closes a connection that neither sent nor received anything for the idle timeout, so
/// abandoned clients do not hold connection slots forever. Output counts as activity: a client
/// waiting for a long job gets progress lines and stays connected.
final class CloseWhenIdle: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .all {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

extension ListenSocket: CustomStringConvertible {
    var description: String {
        switch self {
        case .path(let path): path
        case .inherited(let descriptor): "fd \(descriptor) from systemd"
        }
    }
}
