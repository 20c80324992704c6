import PartsDomain
import PostgresClient

extension PartsStore {
    /// Posts a receipt, issue, transfer or count: the whole document or nothing, answered
    /// after it is committed (together with other documents that arrived meanwhile, see
    /// PostingBatcher). With a ref that was used before, returns that first document again
    /// and posts nothing.
    public func post(_ draft: StockDocumentDraft, _ context: CommandContext) async throws(StoreError) -> PostedDocument {
        let input = Self.postingInput(draft, context)
        return try await retryingDuplicateRef { () async throws(StoreError) in
            try await batcher.post(input).get()
        }
    }

    /// A posted document by number, for `doc show`.
    public func document(_ docNo: String) async throws(StoreError) -> PostedDocument {
        let json = try await read { connection throws(PostgresError) in
            try connection.query("SELECT document_json($1)", [docNo]).scalar
        }
        guard let json else { throw .notFound("no document \(docNo)") }
        return try Self.decodeDocument(json)
    }

    /// The JSON post_stock_document takes, written directly: this runs once per posting,
    /// and Foundation's encoder cost more than the rest of the daemon's work on it.
    static func postingInput(_ draft: StockDocumentDraft, _ context: CommandContext) -> String {
        var out = "{\"type\":"
        JSONString.append(draft.kind.rawValue, to: &out)
        func field(_ key: String, _ value: String?) {
            guard let value else { return }
            out += ",\"" + key + "\":"
            JSONString.append(value, to: &out)
        }
        field("location", draft.location)
        field("to_location", draft.toLocation)
        field("counterparty", draft.counterparty)
        field("note", draft.note)
        field("reason", draft.reason)
        out += ",\"lines\":["
        for (index, line) in draft.lines.enumerated() {
            out += index == 0 ? "{\"part_no\":" : ",{\"part_no\":"
            JSONString.append(line.partNo, to: &out)
            out += ",\"quantity\":\"" + line.quantity.description + "\""
            if let cost = line.unitCost { out += ",\"unit_cost\":\"" + cost.description + "\"" }
            out += "}"
        }
        out += "],\"actor\":" + context.actorJSON
        field("command", context.command)
        field("ref", context.ref)
        field("fingerprint", context.fingerprint)
        out += "}"
        return out
    }

    static func decodeDocument(_ json: String) throws(StoreError) -> PostedDocument {
        do {
            return try PostedDocument(json: try JSONValue.parse(json))
        } catch let error as StoreError {
            throw error
        } catch {
            throw .internalError("unreadable document from the database")
        }
    }
}
