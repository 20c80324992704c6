import Synchronization

/// Counters the server keeps for `status` and for its connection limit.
public final class ServerState: Sendable {
    public static let version = "0.1.0"

    let startedAt: ContinuousClock.Instant
    private let connections = Mutex(0)

    public init() {
        startedAt = .now
    }

    public var openConnections: Int { connections.withLock { $0 } }

    /// Takes a connection slot, or returns false when `limit` are already open.
    func admit(limit: Int) -> Bool {
        connections.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() {
        connections.withLock { $0 -= 1 }
    }

    var uptimeSeconds: Int {
        Int((ContinuousClock.now - startedAt).components.seconds)
    }
}
