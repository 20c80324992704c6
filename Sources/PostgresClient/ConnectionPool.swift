import DequeModule
import Logging
import NIOCore
import NIOPosix

/// A fixed set of database sessions shared by all clients, with a bounded wait queue.
///
/// Limits are explicit: `size` connections, at most `maxWaiters` callers queued behind them,
/// each waiting at most `acquireTimeout`. Past either limit a caller gets `.busy` at once
/// instead of piling up, and a caller that gives up (its task cancelled: the client went
/// away) leaves the queue at once.
public actor ConnectionPool {
    public struct Configuration: Sendable {
        public var conninfo: String
        public var size: Int
        public var maxWaiters: Int
        public var acquireTimeout: Duration
        /// Server-side limit on any one statement, so a stuck query cannot hold a session.
        public var statementTimeoutMilliseconds: Int

        public init(conninfo: String, size: Int = 8, maxWaiters: Int = 1024,
                    acquireTimeout: Duration = .seconds(10), statementTimeoutMilliseconds: Int = 30_000) {
            self.conninfo = conninfo
            self.size = size
            self.maxWaiters = maxWaiters
            self.acquireTimeout = acquireTimeout
            self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        }

        /// What every pooled connection sets on connecting, and again on every reconnect.
        public var sessionSettings: [(name: String, value: String)] {
            [("statement_timeout", String(statementTimeoutMilliseconds))]
        }
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<DatabaseSession, any Error>
    }

    public nonisolated let configuration: Configuration
    private let group: MultiThreadedEventLoopGroup
    private let sessions: [DatabaseSession]
    private var idle: [DatabaseSession]
    private var waiters: Deque<Waiter> = []
    private var nextWaiterID: UInt64 = 0
    private var closed = false

    public init(_ configuration: Configuration, logger: Logger = Logger(label: "partsd.database")) {
        precondition(configuration.size > 0, "a pool needs at least one connection")
        self.configuration = configuration
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.size)
        self.group = group
        let switches = ServerSwitchLog(logger: logger)
        let sessions = (0..<configuration.size).map { _ in
            DatabaseSession(loop: group.next(), conninfo: configuration.conninfo, settings: configuration.sessionSettings,
                            connected: switches.reached)
        }
        self.sessions = sessions
        self.idle = sessions
    }

    /// Sessions currently lent out, for `status`.
    public var inUse: Int { sessions.count - idle.count }
    public var waiting: Int { waiters.count }

    /// Borrows a session for the duration of `body`, which runs on the session's own thread.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (Connection) throws(PostgresError) -> T
    ) async throws -> T {
        let session = try await acquire()
        defer { release(session) }
        return try await session.run(body)
    }

    /// Like `withConnection`, inside one transaction.
    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (Connection) throws(PostgresError) -> T
    ) async throws -> T {
        try await withConnection { (connection) throws(PostgresError) in
            try connection.transaction { () throws(PostgresError) in try body(connection) }
        }
    }

    private func acquire() async throws -> DatabaseSession {
        if closed { throw PostgresError.unavailable("the pool is closed") }
        if Task.isCancelled { throw CancellationError() }
        if let session = idle.popLast() { return session }
        guard waiters.count < configuration.maxWaiters else {
            throw PostgresError.busy("\(waiters.count) requests already wait for a database connection")
        }
        nextWaiterID &+= 1
        let id = nextWaiterID
        let timeout = configuration.acquireTimeout
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            await self?.expire(id, PostgresError.busy("no database connection became free in time"))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append(Waiter(id: id, continuation: continuation))
            }
        } onCancel: {
            Task { await self.expire(id, CancellationError()) }
        }
    }

    /// Takes a waiter out of the queue and fails it: it timed out, or its caller gave up.
    private func expire(_ id: UInt64, _ error: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.continuation.resume(throwing: error)
    }

    private func release(_ session: DatabaseSession) {
        if let waiter = waiters.popFirst() {
            waiter.continuation.resume(returning: session)
        } else {
            idle.append(session)
        }
    }

    /// Fails every waiter and stops the threads. In-flight work finishes first because
    /// `shutdownGracefully` waits for the loops' queued jobs.
    public func close() async {
        closed = true
        while let waiter = waiters.popFirst() {
            waiter.continuation.resume(throwing: PostgresError.unavailable("the pool is closed"))
        }
        for session in sessions { await session.disconnect() }
        try? await group.shutdownGracefully()
    }
}
