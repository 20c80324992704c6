import Logging
import Synchronization

/// Logs, once, each time the pool's connections reach a different server: after a failover
/// every session reconnects to the new primary, and the operator wants one line saying where
/// they went, not one per session.
final class ServerSwitchLog: Sendable {
    private let logger: Logger
    private let last = Mutex<String?>(nil)

    init(logger: Logger) {
        self.logger = logger
    }

    func reached(_ server: String) {
        let previous = last.withLock { last -> String?? in
            guard last != server else { return .none }
            defer { last = server }
            return .some(last)
        }
        guard case .some(let before) = previous else { return }
        if let before {
            logger.notice("database connections switched server", metadata: ["from": "\(before)", "to": "\(server)"])
        } else {
            logger.info("database connected", metadata: ["server": "\(server)"])
        }
    }
}
