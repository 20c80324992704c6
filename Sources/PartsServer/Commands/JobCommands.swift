import PartsDomain
import PartsJobs
import PartsProtocol
import PartsStore

/// job run, list, show and wait: scheduled work on request, as the systemd timers call it.
enum JobCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("job run", "job run reorder|snapshot|deadlines|method-trial [location=<code>] [--wait] [--queue]",
                    "starts a job: 202 ACCEPTED job=<id>; --wait streams its progress and ends with its outcome; "
                        + "--queue waits for a run of the same job in progress instead of 409",
                    role: .manager, positional: 1...1, named: ["location"], flags: ["wait", "queue"]) { invocation, environment in
            let name = invocation.argument(0)!
            guard let job = JobName(rawValue: name) else {
                throw CommandFailure.badRequest("no job \(name); jobs: \(JobName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let location = invocation[named: "location"]
            if let location {
                guard job == .reorder || job == .methodTrial else {
                    throw CommandFailure.badRequest("\(name) runs for every location; location= is for reorder and method-trial")
                }
                try await environment.store.requireLocation(location)
            }
            let id = try await environment.jobs.start(job, location: location, requestedBy: invocation.peer.userName,
                                                      queue: invocation.request.has(flag: "queue"))
            await environment.store.audit(invocation.context, code: ReplyStatus.accepted.rawValue)
            guard invocation.request.has(flag: "wait") else { return Reply(.accepted, "job=\(id)") }
            return try await JobWatch.wait(id, store: environment.store, sink: invocation.progress, heartbeat: heartbeat(environment))
        },
        CommandSpec("job list", "job list [job=<name>] [limit=<n>]", "recent job runs, newest first", role: .viewer,
                    named: ["job", "limit"]) { invocation, environment in
            let job = invocation[named: "job"]
            if let job, JobName(rawValue: job) == nil { throw CommandFailure.badRequest("no job \(job)") }
            let limit = try invocation.listLimit()
            let runs = try await environment.store.jobRuns(job: job, limit: limit)
            let table = Table(columns: [
                .init("job_id", "ID", .right), .init("job"), .init("scope"), .init("state"), .init("requested_by", "BY"),
                .init("started_at", "STARTED"), .init("seconds", "SECONDS", .right), .init("items", "ITEMS", .right), .init("result"),
            ], rows: runs.map { run in
                [.integer(Int(run.id)), .text(run.job), .optional(run.scope), .text(run.state.rawValue), .text(run.requestedBy),
                 .text(run.startedAt), .optional(run.seconds), .integer(Int(run.items)), .optional(run.result)]
            })
            return Reply(.ok, "\(runs.count) runs", blocks: [.table(table)])
        },
        CommandSpec("job show", "job show <id>", "one run: state, times, counts, outcome", role: .viewer,
                    positional: 1...1) { invocation, environment in
            let id = try jobID(invocation)
            guard let run = try await environment.store.jobRun(id: id) else { throw CommandFailure.notFound("no job \(id)") }
            return Reply(.ok, "job=\(id) \(run.state.rawValue)", blocks: JobWatch.blocks(run))
        },
        CommandSpec("job wait", "job wait <id>", "streams a run's progress until it ends, then its outcome", role: .viewer,
                    positional: 1...1) { invocation, environment in
            try await JobWatch.wait(try jobID(invocation), store: environment.store, sink: invocation.progress,
                                    heartbeat: heartbeat(environment))
        },
    ]

    private static func jobID(_ invocation: Invocation) throws(CommandFailure) -> Int64 {
        guard let id = Int64(invocation.argument(0)!), id > 0 else { throw CommandFailure.badRequest("a job id is a positive number") }
        return id
    }

    /// Often enough that the idle timeout never closes a client waiting for a quiet run.
    private static func heartbeat(_ environment: CommandEnvironment) -> Duration {
        .seconds(max(1, min(10, environment.configuration.idleTimeoutSeconds / 2)))
    }
}
