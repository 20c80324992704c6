import PartsDomain
import PostgresClient

extension PartsStore {
    /// Raises an exception against a posted GR, TR or AD and, but for a short delivery,
    /// moves the quantity into quarantine, in one transaction (raise_exception). With a ref
    /// that was used before, returns that first exception again and changes nothing.
    public func raiseException(_ draft: ExceptionDraft, _ context: CommandContext) async throws(StoreError) -> StockException {
        var input = "{\"part_no\":"
        JSONString.append(draft.partNo, to: &input)
        input += ",\"quantity\":\"" + draft.quantity.description + "\",\"kind\":\"" + draft.kind.rawValue + "\""
        Self.appendCommon(to: &input, ["note": draft.note, "quarantine": draft.quarantine], context)
        let parameters = [input, draft.docNo]
        let json = try await retryingDuplicateRef { () async throws(StoreError) in
            try await write { connection throws(PostgresError) in
                try connection.query("SELECT raise_exception($1::jsonb, $2)", parameters).scalar
            }
        }
        return try StockException.decode(json)
    }

    /// Resolves an open exception and posts what the action means, in one transaction
    /// (resolve_exception); a resolved one is refused with who resolved it how.
    public func resolveException(_ number: String, action: ExceptionAction, note: String?,
                                 _ context: CommandContext) async throws(StoreError) -> StockException {
        var input = "{\"action\":\"" + action.rawValue + "\""
        Self.appendCommon(to: &input, ["note": note], context)
        let parameters = [input, number]
        let json = try await retryingDuplicateRef { () async throws(StoreError) in
            try await write { connection throws(PostgresError) in
                try connection.query("SELECT resolve_exception($1::jsonb, $2)", parameters).scalar
            }
        }
        return try StockException.decode(json)
    }

    /// The optional text fields, the actor and the ref, then the closing brace.
    private static func appendCommon(to out: inout String, _ fields: KeyValuePairs<String, String?>, _ context: CommandContext) {
        func field(_ key: String, _ value: String?) {
            guard let value else { return }
            out += ",\"" + key + "\":"
            JSONString.append(value, to: &out)
        }
        for (key, value) in fields { field(key, value) }
        out += ",\"actor\":{\"uid\":\(context.peer.uid),\"user\":" + JSONString.quoted(context.peer.userName) + ",\"role\":\"\(context.peer.role)\"}"
        field("command", context.command)
        field("ref", context.ref)
        field("fingerprint", context.fingerprint)
        out += "}"
    }
}
