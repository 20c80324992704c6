import NIOCore

/// Runs a connection's task on the event loop that serves its socket.
///
/// On Swift's cooperative pool every request crossed threads twice more than it needs to: the
/// loop read the line and woke a pool thread, which served it and woke the loop again to write
/// the reply. On the channel's own loop the read, the command and the write are one thread's
/// turn; only the database call leaves it, for the session's own thread, where libpq may
/// block. What runs here must not block, as on the pool: long pure work goes to OffPool, name
/// lookups to NIOThreadPool.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
