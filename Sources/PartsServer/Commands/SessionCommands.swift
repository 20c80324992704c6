import PartsDomain
import PartsProtocol
import PartsStore

/// help, ping, whoami, status, format, quit.
enum SessionCommands {
    static func specs(table: @escaping @Sendable () -> CommandTable) -> [CommandSpec] {
        [
            CommandSpec("help", "help [<noun> [<verb>]]", "the commands your role may use, or one command's synopsis",
                        role: .viewer, positional: 0...2) { invocation, _ throws(CommandFailure) in
                try help(invocation, table())
            },
            CommandSpec("ping", "ping", "checks the connection", role: .viewer) { _, _ throws(CommandFailure) in
                Reply(.ok, word: "PONG")
            },
            CommandSpec("whoami", "whoami", "your user, uid and role", role: .viewer) { invocation, _ throws(CommandFailure) in
                let peer = invocation.peer
                return Reply(.ok, blocks: [.record([
                    Field("user", .text(peer.userName)), Field("uid", .integer(Int(peer.uid))),
                    Field("gid", .integer(Int(peer.gid))), Field("role", .text(peer.role.description)),
                ])])
            },
            CommandSpec("status", "status", "version, commit, uptime, database, schema and server versions, pool and connections", role: .viewer) {
                _, environment throws(CommandFailure) in
                await status(environment)
            },
            CommandSpec("format", "format text|json", "switches this connection's reply format", role: .viewer,
                        positional: 1...1, effect: { invocation in
                            .setFormat(ReplyFormat(rawValue: invocation.argument(0) ?? "") ?? .text)
                        }) { invocation, _ throws(CommandFailure) in
                guard let name = invocation.argument(0), ReplyFormat(rawValue: name) != nil else {
                    throw .badRequest("format takes text or json")
                }
                return Reply(.ok, "format \(name)")
            },
            CommandSpec("quit", "quit", "ends the session", role: .viewer, effect: { _ in .close }) { _, _ throws(CommandFailure) in
                Reply(.ok, word: "BYE")
            },
        ]
    }

    private static func help(_ invocation: Invocation, _ table: CommandTable) throws(CommandFailure) -> Reply {
        let role = invocation.peer.role
        if invocation.arguments.isEmpty {
            let specs = table.specs.filter { $0.role <= role }
            return Reply(.ok, "\(specs.count) commands for role \(role)", blocks: [.table(commandTable(specs))])
        }
        let name = invocation.arguments.joined(separator: " ")
        let matches = table.specs.filter { $0.name == name || $0.name.hasPrefix(name + " ") }
        guard !matches.isEmpty else { throw .notFound("no command \(name); try help") }
        return Reply(.ok, blocks: [.table(commandTable(matches))])
    }

    private static func commandTable(_ specs: [CommandSpec]) -> Table {
        Table(key: "commands", columns: [Table.Column("command"), Table.Column("role"), Table.Column("summary")],
              rows: specs.map { [.text($0.synopsis), .text($0.role.description), .text($0.summary)] })
    }

    private static func status(_ environment: CommandEnvironment) async -> Reply {
        let reachable = await environment.store.ping()
        let timeout = await environment.store.sessionStatementTimeout()
        let pool = await environment.store.poolUsage()
        let jobs = (try? await environment.store.lastJobRuns()) ?? []
        let versions = await environment.store.databaseVersions()
        return Reply(.ok, blocks: [.record([
            Field("version", .text("partsd/\(ServerState.version)")),
            Field("commit", .text(BuildInfo.commit)),
            Field("protocol", .integer(1)),
            Field("uptime_seconds", .integer(environment.state.uptimeSeconds)),
            Field("database", .text(reachable ? "reachable" : "unreachable")),
            // The newest migration the database recorded, and the server's own version.
            Field("schema_version", .optional(versions.schema)),
            Field("server_version", .optional(versions.server)),
            // As a pooled session reports it: the setting every connection gets, reconnects included.
            Field("statement_timeout", .optional(timeout)),
            Field("pool_in_use", .integer(pool.inUse)),
            Field("pool_size", .integer(pool.size)),
            Field("pool_waiting", .integer(pool.waiting)),
            Field("connections", .integer(environment.state.openConnections)),
            Field("max_connections", .integer(environment.configuration.maxConnections)),
            Field("last_jobs", jobs.isEmpty ? .text("none") : .list(jobs.map { run in
                .object([("job", .text(run.job)), ("job_id", .integer(Int(run.id))), ("state", .text(run.state.rawValue)),
                         ("started_at", .text(run.startedAt)), ("finished_at", .optional(run.finishedAt))])
            })),
        ])])
    }
}
