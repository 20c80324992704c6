import PartsDomain

/// One warranty old part (旧件), under its tag number: the part replaced under a claim, kept
/// for its maker, never the site's stock.
public struct OldPart: Sendable {
    public var tagNo: String
    public var claimNo: String
    public var oem: String
    public var lineNo: Int
    public var partNo: String
    public var description: String
    public var unit: String
    /// The supplier responsible (the part's).
    public var supplier: String?
    /// The removed unit's serial, when the claim gave one.
    public var serial: String?
    public var quantity: ExactDecimal
    /// Its share of the claimed amount.
    public var amount: ExactDecimal
    public var location: String
    /// Wanted from the claim on: the maker takes every part back, or the part is marked.
    public var mustReturn: Bool
    public var state: OldPartState
    public var claimed: String
    public var requestBy: String?
    public var retainUntil: String
    public var shipBy: String?
    public var shipFrom: String?
    /// Days to the ship-by date while wanted and not shipped; negative when overdue.
    public var daysLeft: Int?
    public var calledOn: String?
    public var calledBy: String?
    public var batch: String?
    public var box: Int?
    public var packedBy: String?
    public var packedAt: String?
    public var shippedOn: String?
    public var shippedBy: String?
    public var receivedOn: String?
    public var overdueOn: String?
    public var expiredOn: String?
    public var remindedDays: Int?
    /// The factory's latest verdict.
    public var verdict: String?
    public var reason: String?
    public var reasonTitle: String?
    public var credit: ExactDecimal?
    public var chargeBack: ExactDecimal?
    public var decided: String?
    public var verdictBy: String?
    public var appealBy: String?
    public var appealedOn: String?
    public var scrapDocument: String?
    /// On a return list: the claim's VIN, mileage and failure code, and what was returned.
    public var vin: String?
    public var mileage: Int?
    public var failure: String?
    public var quantityReturned: ExactDecimal?
}

extension OldPart {
    /// Reads old_part_json (and the return list's additions).
    init(_ json: JSONFields) throws(StoreError) {
        guard let state = OldPartState(rawValue: try json.text("state")) else { throw .bug("old part in an unknown state") }
        self.init(
            tagNo: try json.text("tag_no"), claimNo: try json.text("claim_no"), oem: try json.text("oem"),
            lineNo: try json.int("line_no"), partNo: try json.text("part_no"), description: try json.text("description"),
            unit: try json.text("unit"), supplier: json.optionalText("supplier"), serial: json.optionalText("serial"),
            quantity: try json.decimal("quantity"), amount: try json.decimal("amount"), location: try json.text("location"),
            mustReturn: try json.bool("must_return"), state: state, claimed: try json.text("claimed"),
            requestBy: json.optionalText("request_by"), retainUntil: try json.text("retain_until"),
            shipBy: json.optionalText("ship_by"), shipFrom: json.optionalText("ship_from"), daysLeft: try json.optionalInt("days_left"),
            calledOn: json.optionalText("called_on"), calledBy: json.optionalText("called_by"), batch: json.optionalText("batch"),
            box: try json.optionalInt("box"), packedBy: json.optionalText("packed_by"), packedAt: json.optionalText("packed_at"),
            shippedOn: json.optionalText("shipped_on"), shippedBy: json.optionalText("shipped_by"),
            receivedOn: json.optionalText("received_on"),
            overdueOn: json.optionalText("overdue_on"), expiredOn: json.optionalText("expired_on"),
            remindedDays: try json.optionalInt("reminded_days"), verdict: json.optionalText("verdict"),
            reason: json.optionalText("reason"), reasonTitle: json.optionalText("reason_title"),
            credit: try json.optionalDecimal("credit"), chargeBack: try json.optionalDecimal("charge_back"),
            decided: json.optionalText("decided"), verdictBy: json.optionalText("verdict_by"),
            appealBy: json.optionalText("appeal_by"), appealedOn: json.optionalText("appealed_on"),
            scrapDocument: json.optionalText("scrap_doc"), vin: json.optionalText("vin"), mileage: try json.optionalInt("mileage"),
            failure: json.optionalText("failure"), quantityReturned: try json.optionalDecimal("quantity_returned"))
    }

    static func list(_ json: [JSONFields]) throws(StoreError) -> [OldPart] {
        try json.map { part throws(StoreError) in try OldPart(part) }
    }
}

/// What a workflow on old parts answered (claim call, claim appeal, verdict): the message and
/// the parts as they are now.
public struct OldPartsOutcome: Sendable {
    public var outcome: MutationOutcome
    public var parts: [OldPart]

    init(_ reply: WorkflowReply) throws(StoreError) {
        outcome = reply.outcome
        parts = try OldPart.list(try reply.fields("parts").elements)
    }
}
