import PartsDomain

/// An exception record (配件异常处理) against a posted receipt, transfer or count, with the
/// documents posted for it: the TR into quarantine and the RS, SC or TR that resolved it.
public struct StockException: Sendable {
    public var number: String
    /// damaged, wrong, short, over or count.
    public var kind: String
    /// open or resolved.
    public var state: String
    public var docNo: String
    public var docType: String
    public var partNo: String
    public var description: String
    public var unit: String
    public var quantity: ExactDecimal
    public var note: String?
    /// Where the parts belong (for a transfer its destination).
    public var location: String
    /// Nil for a short delivery: nothing arrived to hold.
    public var quarantine: String?
    public var raisedBy: String
    public var raisedAt: String
    public var ageDays: Int
    public var resolution: String?
    public var resolutionNote: String?
    public var resolvedBy: String?
    public var resolvedAt: String?
    public var quarantineDocument: PostedDocument?
    public var resolutionDocument: PostedDocument?
    /// True when a retry with the same ref got the first outcome again.
    public var replayed: Bool
}

extension StockException {
    init(json: JSONValue, replayed: Bool = false) throws(StoreError) {
        func text(_ key: String) throws(StoreError) -> String {
            guard let string = json[key]?.string else { throw .bug("exception JSON lacks \(key)") }
            return string
        }
        func document(_ key: String) throws(StoreError) -> PostedDocument? {
            guard let value = json[key], value != .null else { return nil }
            return try PostedDocument(json: value)
        }
        guard let quantity = ExactDecimal(try text("quantity")) else { throw .bug("exception quantity is not a decimal") }
        self.init(
            number: try text("ex_no"), kind: try text("kind"), state: try text("state"), docNo: try text("doc_no"),
            docType: try text("doc_type"), partNo: try text("part_no"), description: try text("description"),
            unit: try text("unit"), quantity: quantity, note: json["note"]?.string, location: try text("location"),
            quarantine: json["quarantine"]?.string, raisedBy: try text("raised_by"), raisedAt: try text("raised_at"),
            ageDays: Int(try text("age_days")) ?? 0, resolution: json["resolution"]?.string,
            resolutionNote: json["resolution_note"]?.string, resolvedBy: json["resolved_by"]?.string,
            resolvedAt: json["resolved_at"]?.string, quarantineDocument: try document("quarantine_document"),
            resolutionDocument: try document("resolution_document"), replayed: replayed)
    }

    /// Reads exception_json as text, the way a query returns it.
    init(text: String) throws(StoreError) {
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch { throw .bug("unreadable exception from the database") }
        try self.init(json: value)
    }

    /// Reads the reply of exception_raise and exception_resolve.
    init(_ reply: WorkflowReply) throws(StoreError) {
        guard let json = reply["exception"] else { throw .bug("an exception reply without its exception") }
        try self.init(json: json, replayed: reply.replayed)
    }
}
