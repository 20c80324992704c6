import Dispatch
import Foundation
import PartsClient
import Synchronization

/// Sends an import's commands over several connections at once, each pipelined.
///
/// The daemon serves one connection's requests one after the other, and a commit waits for
/// the WAL flush (fsync on: about a millisecond, ten times a `part add`'s own work). Commands
/// that arrive together on several connections share one transaction and its commit in the
/// daemon (its RequestBatcher: receipts, part add and set, history add). So an import's speed
/// comes from connections × pipelining, with every command an ordinary one.
///
/// Commands are taken in file order from a shared counter, so when the import must stop (the
/// first refusal, without --rejects) the commands not yet taken are not sent, and are known.
struct ParallelSender: Sendable {
    let socketPath: String
    let timeoutSeconds: Double
    let connections: Int
    /// Requests in flight on one connection: small enough that they and their replies fit the
    /// socket buffers (a request is at most 8 KiB), so neither side blocks writing.
    let window = 16

    struct Outcome {
        /// Each command's reply; nil for one never sent.
        var replies: [Reply?]
        var lost: AdminClientError?
    }

    /// Shared by the sending threads: only Sendable state, each piece behind its own lock.
    private final class Shared: Sendable {
        let commands: [String]
        let replies: Mutex<[Reply?]>
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let lost = Mutex<AdminClientError?>(nil)

        init(_ commands: [String]) {
            self.commands = commands
            replies = Mutex([Reply?](repeating: nil, count: commands.count))
        }
    }

    /// Sends `commands`; `stopOnRefusal` stops taking new ones at the first 4xx or 5xx reply, or
    /// the first refused row of a reply that answers rows.
    /// `progress` is called on this thread with the number of replies so far.
    func send(_ commands: [String], stopOnRefusal: Bool, progress: (Int) -> Void) -> Outcome {
        let shared = Shared(commands)
        let finished = DispatchGroup()
        let workers = max(1, min(connections, commands.count))
        for _ in 0..<workers {
            finished.enter()
            let worker = self
            Thread {
                worker.work(shared, stopOnRefusal: stopOnRefusal)
                finished.leave()
            }.start()
        }
        while finished.wait(timeout: .now() + .milliseconds(200)) == .timedOut {
            progress(shared.done.load(ordering: .relaxed))
        }
        progress(shared.done.load(ordering: .relaxed))
        return Outcome(replies: shared.replies.withLock { $0 }, lost: shared.lost.withLock { $0 })
    }

    /// One thread's share: its own connection in JSON mode, up to `window` requests in flight.
    private func work(_ shared: Shared, stopOnRefusal: Bool) {
        let connection: AdminConnection
        do {
            connection = try AdminConnection(socketPath: socketPath, timeoutSeconds: timeoutSeconds)
            let reply = try connection.send("format json")
            guard connection.greeting.isSuccess, reply.isSuccess else {
                fail(shared, .invalidRequest(reason: connection.greeting.isSuccess ? reply.lastText : connection.greeting.lastText))
                return
            }
        } catch {
            fail(shared, error)
            return
        }
        defer { connection.close() }
        var inFlight: [Int] = []
        var first = 0
        do throws(AdminClientError) {
            while true {
                // The window is refilled half at a time, in one write: lines the daemon reads
                // together it serves together where they are independent (its pipelined
                // runs), so they share a commit.
                if inFlight.count - first <= window / 2 {
                    var lines: [String] = []
                    while inFlight.count - first < window, !shared.stop.load(ordering: .relaxed) {
                        let index = shared.next.add(1, ordering: .relaxed).oldValue
                        guard index < shared.commands.count else { break }
                        lines.append(shared.commands[index])
                        inFlight.append(index)
                    }
                    if !lines.isEmpty { try connection.writeLines(lines) }
                }
                guard first < inFlight.count else { return }
                let reply = try connection.readReply()
                let index = inFlight[first]
                first += 1
                shared.replies.withLock { $0[index] = reply }
                shared.done.add(1, ordering: .relaxed)
                if stopOnRefusal, reply.refusesAny { shared.stop.store(true, ordering: .relaxed) }
            }
        } catch {
            fail(shared, error)
        }
    }

    private func fail(_ shared: Shared, _ error: AdminClientError) {
        shared.lost.withLock { if $0 == nil { $0 = error } }
        shared.stop.store(true, ordering: .relaxed)
    }
}
