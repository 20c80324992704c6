import CLibPQ
import Synchronization

/// Asks the server to cancel whatever statement a connection is running, from any thread.
///
/// libpq's cancel object is made for exactly this (PQcancel may be called from another thread
/// or a signal handler); the Mutex only keeps it from being replaced or freed mid-call when
/// the connection reconnects.
final class CancelSwitch: Sendable {
    /// The current connection's PGcancel, and whether a cancel was sent since `arm`. The
    /// pointer is kept as its address: OpaquePointer is not Sendable, and this object is the
    /// PGcancel's only owner (it frees it), every use under the lock.
    private struct State {
        var address: UInt = 0
        var fired = false

        var handle: OpaquePointer? { OpaquePointer(bitPattern: address) }
    }

    private let state = Mutex(State())

    deinit {
        state.withLock { state in PQfreeCancel(state.handle) }
    }

    /// Takes the cancel object of a new connection (freeing the previous one's).
    func replace(with connection: OpaquePointer?) {
        let address = UInt(bitPattern: connection.flatMap { PQgetCancel($0) })
        state.withLock { state in
            PQfreeCancel(state.handle)
            state.address = address
        }
    }

    func arm() {
        state.withLock { $0.fired = false }
    }

    /// Sends the cancel request; the server cancels the statement in flight, if any.
    func fire() {
        state.withLock { state in
            guard let handle = state.handle else { return }
            state.fired = true
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(handle, &buffer, Int32(buffer.count))
        }
    }

    /// Whether a cancel was sent since `arm`: the connection must then not run another
    /// statement, because the request may reach the server late and cancel that one.
    var fired: Bool { state.withLock { $0.fired } }
}
