import NIOCore
import NIOPosix

/// One pooled connection and the thread it blocks on.
///
/// libpq blocks, and Swift's cooperative pool has only as many threads as cores: a blocking
/// call there stalls every task in the process. So each session is an actor whose executor is
/// a one-thread event loop of its own; work sent to it runs on that thread and nowhere else.
public actor DatabaseSession {
    nonisolated let loop: any EventLoop
    private let conninfo: String
    private var connection: Connection?
    /// Statements run when a connection is opened (statement_timeout and the like).
    private let setup: [String]

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        loop.executor.asUnownedSerialExecutor()
    }

    init(loop: any EventLoop, conninfo: String, setup: [String]) {
        self.loop = loop
        self.conninfo = conninfo
        self.setup = setup
    }

    /// Runs `body` on this session's thread with a live connection, reconnecting first when the
    /// old one broke. A connection that breaks inside `body` is dropped, so the next use
    /// reconnects: this is how the daemon recovers from a PostgreSQL restart by itself.
    ///
    /// A session the server terminated (PostgreSQL restarting, an administrator's
    /// pg_terminate_backend) is the one case where the work runs again: the server said so
    /// before closing, so nothing of it committed. Once, on a new connection.
    public func run<T: Sendable>(
        _ body: @Sendable (Connection) throws(PostgresError) -> T
    ) throws(PostgresError) -> T {
        do {
            return try attempt(body)
        } catch .terminated {
            do {
                return try attempt(body)
            } catch .terminated(let text) {
                throw .unavailable(text)
            }
        }
    }

    private func attempt<T: Sendable>(
        _ body: @Sendable (Connection) throws(PostgresError) -> T
    ) throws(PostgresError) -> T {
        let live = try liveConnection()
        do {
            return try body(live)
        } catch {
            switch error {
            case .unavailable, .terminated: connection = nil
            case .server, .busy: break
            }
            throw error
        }
    }

    private func liveConnection() throws(PostgresError) -> Connection {
        if let connection {
            do {
                try connection.ensureConnected()
                return connection
            } catch {
                self.connection = nil
                throw error
            }
        }
        let fresh = try Connection(conninfo: conninfo)
        for statement in setup { try fresh.execute(statement) }
        connection = fresh
        return fresh
    }

    /// Closes the connection; the next `run` opens a new one.
    public func disconnect() {
        connection = nil
    }
}

extension DatabaseSession {
    /// Lends `body` a session on a thread of its own, outside every pool, and closes both
    /// afterwards. Long jobs use it so that a nightly run never holds a connection the clerks'
    /// commands are waiting for.
    public static func withDedicated<T: Sendable>(
        conninfo: String, setup: [String] = [],
        _ body: (DatabaseSession) async throws -> T
    ) async throws -> T {
        try await withDedicated(count: 1, conninfo: conninfo, setup: setup) { sessions in try await body(sessions[0]) }
    }
}

extension DatabaseSession {
    /// `count` sessions, each on a thread of its own, outside every pool, closed afterwards:
    /// for a job that reads in parallel.
    public static func withDedicated<T: Sendable>(
        count: Int, conninfo: String, setup: [String] = [],
        _ body: ([DatabaseSession]) async throws -> T
    ) async throws -> T {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, count))
        let sessions = (0..<max(1, count)).map { _ in DatabaseSession(loop: group.next(), conninfo: conninfo, setup: setup) }
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body(sessions)) } catch { outcome = .failure(error) }
        for session in sessions { await session.disconnect() }
        try? await group.shutdownGracefully()
        return try outcome.get()
    }
}

