import NIOCore
import Synchronization

/// Tells a connection's commands that its client hung up. One per connection: the channel's
/// close is observed once, and each command in turn waits on it (cancellably) while it runs,
/// so a long session leaves no callback behind per request.
final class HangUpSignal: Sendable {
    private struct State {
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    init(_ channel: any Channel) {
        channel.closeFuture.whenComplete { [self] _ in
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.closed = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }

    /// Returns when the client hangs up, or when the waiting task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closed || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }?.resume()
        }
    }

    /// Runs `work` until it is done, or cancels it when the client hangs up first (a client
    /// that only half-closed, like `printf 'cmd\n' | socat -`, still gets its reply). A
    /// cancelled command stops waiting for a database connection, its statement is cancelled
    /// on the server, and a plan stops being computed.
    func unlessHungUp<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { await work() }
            group.addTask {
                await self.wait()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
