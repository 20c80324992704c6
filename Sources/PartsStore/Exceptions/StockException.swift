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
    /// Reads exception_json.
    init(_ fields: JSONFields, replayed: Bool = false) throws(StoreError) {
        func document(_ key: String) throws(StoreError) -> PostedDocument? {
            guard let value = fields.json[key], value != .null else { return nil }
            return try PostedDocument(json: value)
        }
        self.init(
            number: try fields.text("ex_no"), kind: try fields.text("kind"), state: try fields.text("state"),
            docNo: try fields.text("doc_no"), docType: try fields.text("doc_type"), partNo: try fields.text("part_no"),
            description: try fields.text("description"), unit: try fields.text("unit"), quantity: try fields.decimal("quantity"),
            note: fields.optionalText("note"), location: try fields.text("location"), quarantine: fields.optionalText("quarantine"),
            raisedBy: try fields.text("raised_by"), raisedAt: try fields.text("raised_at"), ageDays: try fields.int("age_days"),
            resolution: fields.optionalText("resolution"), resolutionNote: fields.optionalText("resolution_note"),
            resolvedBy: fields.optionalText("resolved_by"), resolvedAt: fields.optionalText("resolved_at"),
            quarantineDocument: try document("quarantine_document"), resolutionDocument: try document("resolution_document"),
            replayed: replayed)
    }

    /// Reads the reply of exception_raise and exception_resolve.
    init(_ reply: WorkflowReply) throws(StoreError) {
        try self.init(try reply.fields("exception"), replayed: reply.replayed)
    }
}
