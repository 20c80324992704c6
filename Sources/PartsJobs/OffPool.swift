import Dispatch
import Foundation
import Synchronization

/// Pure work long enough to matter (planning a chunk of a catalogue, one part's plan) runs on
/// Dispatch's threads, not on Swift's cooperative pool: that pool has one thread per core and
/// also serves every client's socket, so minutes of planning there would leave the clients
/// unanswered.
public enum OffPool {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    /// `rows.map(transform)` on every core, in the calling thread's turn (call it inside `run`):
    /// a job's database waits meanwhile, and one thread would leave the other cores idle. In
    /// slices of `perSlice` rows or a few more, below which handing out the work costs more than
    /// it saves; as many slices as that makes, not one a core, so a core whose rows were quick
    /// takes the next slice instead of waiting for the slowest.
    static func map<Row: Sendable, Result: Sendable>(_ rows: [Row], perSlice: Int,
                                                     _ transform: @Sendable (Row) -> Result) -> [Result] {
        let slices = rows.count / max(1, perSlice)
        guard slices > 1, ProcessInfo.processInfo.activeProcessorCount > 1 else { return rows.map(transform) }
        let results = Mutex<[[Result]]>(Array(repeating: [], count: slices))
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let lower = rows.count * slice / slices
            let upper = rows.count * (slice + 1) / slices
            let mapped = rows[lower..<upper].map(transform)
            results.withLock { $0[slice] = mapped }
        }
        return results.withLock { $0.flatMap { $0 } }
    }
}
