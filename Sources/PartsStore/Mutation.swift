import Logging
import PartsDomain
import PostgresClient

/// The outcome of a command that changes master data: a reply code and its message line.
/// Stored whole with the ref, so a retry gets exactly the first reply.
public struct MutationOutcome: Sendable, Equatable {
    public var code: Int
    public var message: String
    public var replayed: Bool

    public init(code: Int, message: String, replayed: Bool = false) {
        self.code = code
        self.message = message
        self.replayed = replayed
    }
}

extension PartsStore {
    /// Runs `body` in one transaction with the ref check before it and the ref record and
    /// audit row after it, using the same SQL helpers the stock postings use.
    func mutate(
        _ context: CommandContext,
        _ body: @escaping @Sendable (Connection) throws(PostgresError) -> MutationOutcome
    ) async throws(StoreError) -> MutationOutcome {
        let attempt = { () async throws(StoreError) -> MutationOutcome in
            try await write { connection throws(PostgresError) in
                if let ref = context.ref {
                    let prior = try connection.query(
                        "SELECT reply_code, message FROM claim_request($1, $2) WHERE ref IS NOT NULL",
                        [ref, context.fingerprint])
                    if let row = prior.rows.first {
                        return MutationOutcome(code: Int(row[0]!)!, message: row[1]!, replayed: true)
                    }
                }
                let outcome = try body(connection)
                if let ref = context.ref {
                    try connection.query("SELECT record_request($1, $2, $3, NULL, $4, $5)",
                                         [ref, context.fingerprint, String(outcome.code), outcome.message, context.peer.userName])
                }
                try connection.query("SELECT write_audit($1::jsonb, $2, $3, NULL, $4)",
                                     [context.actorJSON, context.command, String(outcome.code), context.ref])
                return outcome
            }
        }
        do {
            return try await retryingDuplicateRef(attempt)
        } catch .conflict(_) where context.ref != nil {
            // Two sends of one ref at once: the second, waiting on the first's row lock, finds
            // the state the first changed (already approved, ...) before the first's ref is
            // visible. Once the first has committed, running again replays its reply; a real
            // conflict is refused again.
            return try await retryingDuplicateRef(attempt)
        }
    }

    /// Two clients sending the same ref at the same moment: the second one's ref insert
    /// fails when the first commits. Running it again finds the first outcome and replays it.
    func retryingDuplicateRef<T>(_ body: () async throws(StoreError) -> T) async throws(StoreError) -> T {
        do {
            return try await body()
        } catch .duplicateRef {
            return try await body()
        }
    }

    /// Records a command's outcome where no transaction of its own writes the audit row: a
    /// refused or failed command that would have changed data, or a job started. Best effort:
    /// when the database is down there is nowhere to write it, and the log has it instead.
    public func audit(_ context: CommandContext, code: Int) async {
        do {
            _ = try await pool.withConnection { connection throws(PostgresError) in
                try connection.query("SELECT write_audit($1::jsonb, $2, $3, NULL, $4)",
                                     [context.actorJSON, context.command, String(code), context.ref])
            }
        } catch {
            logger.warning("could not write audit row", metadata: ["command": "\(context.command)", "code": "\(code)"])
        }
    }
}
