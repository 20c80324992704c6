import NIOCore
import NIOPosix

/// One connection and the thread it blocks on.
///
/// libpq blocks, and Swift's cooperative pool has only as many threads as cores: a blocking
/// call there stalls every task in the process. So each session is an actor whose executor is
/// a one-thread event loop of its own; work sent to it runs on that thread and nowhere else.
public actor DatabaseSession {
    nonisolated let loop: any EventLoop
    private let conninfo: String
    /// Run-time parameters every connection of this session gets (see `Connection.settings`).
    private let settings: [(name: String, value: String)]
    private var connection: Connection?
    /// Told the server every new connection reached (see ServerSwitchLog).
    private let connected: @Sendable (String) -> Void

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        loop.executor.asUnownedSerialExecutor()
    }

    init(loop: any EventLoop, conninfo: String, settings: [(name: String, value: String)],
         connected: @escaping @Sendable (String) -> Void = { _ in }) {
        self.loop = loop
        self.conninfo = conninfo
        self.settings = settings
        self.connected = connected
    }

    /// Runs `body`, one whole unit of work (a statement in autocommit, or BEGIN ... COMMIT), on
    /// this session's thread with a live connection, reconnecting first when the old one
    /// broke. A connection that breaks inside `body` is dropped, so the next use reconnects:
    /// this is how the daemon recovers from a PostgreSQL restart by itself.
    ///
    /// A session the server terminated (PostgreSQL restarting, an administrator's
    /// pg_terminate_backend) is the one case where the work runs again: the server said so
    /// before closing, so nothing of it committed. Once, on a new connection.
    ///
    /// When the calling task is cancelled (its client hung up) while `body` runs, the server is
    /// asked to cancel the statement, and the connection is closed afterwards so that a late
    /// cancel request cannot hit the next caller's statement.
    public func run<T: Sendable>(
        _ body: @Sendable (Connection) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        // A task that is cancelled already is cleaning up (a job marking its row failed, a
        // rollback): that work runs to its end.
        if Task.isCancelled { return try attemptAgainIfTerminated(body) }
        let cancel = try liveConnection().cancelSwitch
        cancel.arm()
        let outcome = await withTaskCancellationHandler {
            Result { () throws(PostgresError) in try attemptAgainIfTerminated(body) }
        } onCancel: {
            cancel.fire()
        }
        if cancel.fired { connection = nil }
        return try outcome.get()
    }

    private func attemptAgainIfTerminated<T: Sendable>(
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
            forgetBroken(error)
            throw error
        }
    }

    private func liveConnection() throws(PostgresError) -> Connection {
        if let connection {
            let generation = connection.generation
            do {
                try connection.ensureConnected()
                if connection.generation != generation { connected(connection.server) }
                return connection
            } catch {
                self.connection = nil
                throw error
            }
        }
        let fresh = try Connection(conninfo: conninfo, settings: settings)
        connection = fresh
        connected(fresh.server)
        return fresh
    }

    private func forgetBroken(_ error: PostgresError) {
        switch error {
        case .unavailable, .terminated: connection = nil
        case .server, .busy, .decoding: break
        }
    }

    /// Closes the connection; the next `run` opens a new one.
    public func disconnect() {
        connection = nil
    }

    // MARK: Transactions that span several calls

    /// Runs `body` inside one transaction on one connection, committing when it returns and
    /// rolling back when it throws. `body` may await other work between its statements (a
    /// job waiting for its readers, say); everything it runs through the scope runs on the
    /// connection that began the transaction, and if that connection is lost meanwhile, every
    /// later statement fails instead of running in autocommit on a new one.
    ///
    /// `begin` is the statement that opens it, for an isolation level or READ ONLY.
    public nonisolated func transaction<T: Sendable>(
        begin: String = "BEGIN",
        _ body: (TransactionScope) async throws -> T
    ) async throws -> T {
        let scope = try await beginPinned(begin)
        let value: T
        do {
            value = try await body(scope)
        } catch {
            await rollbackPinned(scope.generation)
            throw error
        }
        try await commitPinned(scope.generation)
        return value
    }

    private func beginPinned(_ begin: String) throws(PostgresError) -> TransactionScope {
        let live = try liveConnection()
        do {
            try live.execute(begin)
        } catch {
            forgetBroken(error)
            throw error
        }
        return TransactionScope(session: self, generation: live.generation)
    }

    /// Runs `body` on the connection the scope's transaction began on, or fails.
    func runPinned<T: Sendable>(
        _ generation: Int, _ body: @Sendable (Connection) throws(PostgresError) -> T
    ) throws(PostgresError) -> T {
        guard let connection, connection.generation == generation, connection.inTransaction, connection.isConnected else {
            connection?.drop()
            connection = nil
            throw .unavailable("the connection was lost inside a transaction, which the server rolled back")
        }
        do {
            return try body(connection)
        } catch {
            // .terminated too: the transaction is gone, whatever the server said. No retry.
            forgetBroken(error)
            throw error
        }
    }

    private func commitPinned(_ generation: Int) throws(PostgresError) {
        _ = try runPinned(generation) { connection throws(PostgresError) in try connection.execute("COMMIT") }
    }

    private func rollbackPinned(_ generation: Int) {
        guard let connection, connection.generation == generation, connection.isConnected else { return }
        if (try? connection.execute("ROLLBACK")) == nil { self.connection = nil }
    }
}

/// A transaction pinned to one session's connection (see `DatabaseSession.transaction`).
public struct TransactionScope: Sendable {
    public let session: DatabaseSession
    let generation: Int

    /// Runs `body` inside the transaction, on the connection that began it.
    public func run<T: Sendable>(
        _ body: @escaping @Sendable (Connection) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        try await session.runPinned(generation, body)
    }
}

extension DatabaseSession {
    /// `count` sessions, each on a thread of its own, outside every pool, closed afterwards:
    /// for a job that must never hold a connection the clerks' commands are waiting for, or
    /// that reads in parallel.
    public static func withDedicated<T: Sendable>(
        count: Int = 1, conninfo: String, settings: [(name: String, value: String)] = [],
        _ body: ([DatabaseSession]) async throws -> T
    ) async throws -> T {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, count))
        let sessions = (0..<max(1, count)).map { _ in DatabaseSession(loop: group.next(), conninfo: conninfo, settings: settings) }
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body(sessions)) } catch { outcome = .failure(error) }
        for session in sessions { await session.disconnect() }
        try? await group.shutdownGracefully()
        return try outcome.get()
    }
}
