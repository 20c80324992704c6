import PartsDomain
import PartsProtocol
import PartsStore
import ServiceLifecycle

/// Follows a job run until it ends, from its row, so a client can wait for a run that another
/// daemon on the same database started as well as for its own.
enum JobWatch {
    /// Distinct progress lines kept for a JSON reply.
    static let maxCollected = 100
    static let pollInterval = Duration.milliseconds(200)

    /// Progress lines go to `sink` as they change, and again every `heartbeat` while nothing
    /// changes (so the idle timeout does not close a patient client); then the outcome.
    static func wait(_ id: Int64, store: PartsStore, sink: ProgressSink, heartbeat: Duration) async throws -> Reply {
        var last: String?
        var lastWritten = ContinuousClock.now
        var collected: [String] = []
        while true {
            guard let run = try await store.jobRun(id: id) else { throw CommandFailure.notFound("no job \(id)") }
            if run.isFinished { return outcome(run, progress: collected) }
            let line = "job=\(id) \(run.job) \(run.state.rawValue) \(run.seconds ?? "0")s: \(run.progress ?? "")"
            let text = "\(run.state.rawValue): \(run.progress ?? "")"
            if text != last || ContinuousClock.now - lastWritten >= heartbeat {
                if sink.streams {
                    await sink.write(line)
                } else if text != last, collected.count < maxCollected {
                    collected.append(line)
                }
                last = text
                lastWritten = ContinuousClock.now
            }
            // A stopping daemon finishes its commands before it stops its jobs: a waiter must not
            // hold that up for as long as the run would take.
            guard !Task.isShuttingDownGracefully, (try? await Task.sleep(for: pollInterval)) != nil else {
                throw CommandFailure(.unavailable, "stopped waiting for job \(id): the daemon is stopping; job show \(id) tells how it ends")
            }
        }
    }

    /// The reply for a finished run: 200 when it succeeded, else the code its failure maps to.
    static func outcome(_ run: JobRun, progress: [String] = []) -> Reply {
        var blocks = blocks(run)
        if !progress.isEmpty { blocks.append(.lines(key: "progress_lines", progress)) }
        if run.succeeded {
            return Reply(.ok, "job=\(run.id) \(run.job) succeeded: \(run.message ?? "")", blocks: blocks)
        }
        let status = ReplyStatus.allCases.first { $0.word == run.result && $0.isError } ?? .internalError
        return Reply(status, "job=\(run.id) \(run.job) failed: \(run.message ?? "")", blocks: blocks)
    }

    /// The run's fields, and what it found when it found anything.
    static func blocks(_ run: JobRun) -> [Block] {
        [.record(fields(run))] + (run.findings.isEmpty ? [] : [.lines(key: "findings", run.findings)])
    }

    static func fields(_ run: JobRun) -> [Field] {
        [
            Field("job_id", .integer(Int(run.id))), Field("job", .text(run.job)), Field("scope", .optional(run.scope)),
            Field("state", .text(run.state.rawValue)), Field("requested_by", .text(run.requestedBy)),
            Field("started_at", .text(run.startedAt)), Field("finished_at", .optional(run.finishedAt)),
            Field("seconds", .optional(run.seconds)), Field("items", .integer(Int(run.items))),
            Field("progress", .optional(run.progress)), Field("result", .optional(run.result)),
            Field("message", .optional(run.message)),
        ]
    }
}
