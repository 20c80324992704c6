import NIOCore
import ServiceLifecycle

extension NIOAsyncChannel where Outbound == Never, Inbound: Sendable {
    /// Serves each accepted connection in a task of its own until graceful shutdown, which
    /// runs `onShutdown` and closes the listening socket; returns once every connection's task
    /// has ended, so what is in progress finishes and answers (within `limits.shutdown_grace_s`,
    /// after which the service group cancels it).
    func serveConnections(onShutdown: @escaping @Sendable () -> Void = {},
                          _ serve: @escaping @Sendable (Inbound) async -> Void) async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            onShutdown()
            self.channel.close(promise: nil)
        }
    }
}
