import Dispatch

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
}
