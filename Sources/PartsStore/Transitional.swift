// TRANSITIONAL (issue 9 in progress): lets the workflows not yet moved to SQL functions
// compile while they are moved. Deleted when the last one is.
import PartsDomain
import PostgresClient

extension SQLState: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(value) }
}


extension PartsStore {
    /// The old Swift-side envelope, on the new SQL one.
    func mutate(
        _ context: CommandContext,
        _ body: @escaping @Sendable (Connection) throws(PostgresError) -> MutationOutcome
    ) async throws(StoreError) -> MutationOutcome {
        let input = WorkflowInput(context).text
        return try await write { connection throws(PostgresError) in
            if let prior = try connection.query("SELECT request_begin($1::jsonb) AS reply", [input]).records[0].optionalText("reply") {
                do throws(StoreError) { return try WorkflowReply(parsing: prior).outcome } catch {
                    throw .decoding(error.message)
                }
            }
            let outcome = try body(connection)
            var reply = "{\"code\":\(outcome.code),\"message\":"
            JSONString.append(outcome.message, to: &reply)
            reply += "}"
            try connection.query("SELECT request_end($1::jsonb, $2::jsonb)", [input, reply])
            return outcome
        }
    }

    func retryingDuplicateRef<T>(_ body: () async throws(StoreError) -> T) async throws(StoreError) -> T {
        try await body()
    }

    static func decodeDocument(_ json: String?) throws(StoreError) -> PostedDocument {
        guard let json else { throw .bug("no document") }
        do { return try PostedDocument(json: try JSONValue.parse(json)) } catch { throw .bug("unreadable document") }
    }
}

