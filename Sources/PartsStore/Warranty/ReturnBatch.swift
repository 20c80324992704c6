import PartsDomain

/// A return batch (回运单): old parts of one maker shipped back together, with the return
/// list (旧件回运清单) its lines make.
public struct ReturnBatch: Sendable {
    public var rbNo: String
    public var oem: String
    public var oemName: String
    public var state: ReturnBatchState
    /// YYYY-MM, for a monthly cycle.
    public var claimMonth: String?
    /// consolidated | truck | rail | air | courier
    public var mode: String
    public var location: String
    public var note: String?
    public var createdBy: String
    public var createdAt: String
    public var approvedBy: String?
    public var approvedAt: String?
    public var shippedBy: String?
    public var shippedOn: String?
    public var carrier: String?
    public var tracking: String?
    /// The WS record document of its shipment.
    public var shipDocument: String?
    public var receivedBy: String?
    public var receivedOn: String?
    public var parts: Int
    public var boxes: Int
    public var amount: ExactDecimal
    /// By box, claim and line.
    public var lines: [OldPart]
}

/// A batch as the clerk asks for it in batch new.
public struct BatchDraft: Sendable {
    public var oem: String
    /// The claim month's first day (YYYY-MM-01), for a monthly cycle.
    public var month: String?
    /// Tags or claim numbers; none: what is due.
    public var tags: [String]
    public var mode: String?
    public var note: String?
    public var location: String?

    public init(oem: String, month: String? = nil, tags: [String] = [], mode: String? = nil, note: String? = nil,
                location: String? = nil) {
        self.oem = oem
        self.month = month
        self.tags = tags
        self.mode = mode
        self.note = note
        self.location = location
    }
}

/// What a batch workflow answered: the message and the batch as it is now; for a shipment,
/// the WS document too.
public struct BatchOutcome: Sendable {
    public var outcome: MutationOutcome
    public var batch: ReturnBatch
    public var document: PostedDocument?

    init(_ reply: WorkflowReply) throws(StoreError) {
        outcome = reply.outcome
        batch = try ReturnBatch(try reply.fields("batch"))
        document = try reply.optionalDocument()
    }
}

extension ReturnBatch {
    /// Reads return_batch_json.
    init(_ json: JSONFields) throws(StoreError) {
        guard let state = ReturnBatchState(rawValue: try json.text("state")) else { throw .bug("a batch in an unknown state") }
        self.init(
            rbNo: try json.text("rb_no"), oem: try json.text("oem"), oemName: try json.text("oem_name"), state: state,
            claimMonth: json.optionalText("claim_month"), mode: try json.text("mode"), location: try json.text("location"),
            note: json.optionalText("note"), createdBy: try json.text("created_by"), createdAt: try json.text("created_at"),
            approvedBy: json.optionalText("approved_by"), approvedAt: json.optionalText("approved_at"),
            shippedBy: json.optionalText("shipped_by"), shippedOn: json.optionalText("shipped_on"),
            carrier: json.optionalText("carrier"), tracking: json.optionalText("tracking"),
            shipDocument: json.optionalText("ship_doc"), receivedBy: json.optionalText("received_by"),
            receivedOn: json.optionalText("received_on"), parts: try json.int("parts"), boxes: try json.int("boxes"),
            amount: try json.decimal("amount"), lines: try OldPart.list(json.objects("lines")))
    }
}
