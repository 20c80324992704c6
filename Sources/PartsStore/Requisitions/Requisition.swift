import PartsDomain

/// A requisition's header as `req show` and `req list` print it.
public struct RequisitionHeader: Sendable {
    public var number: String
    public var state: String
    public var location: String
    public var requester: String?
    public var purpose: String?
    public var neededBy: String?
    public var createdBy: String
    public var createdAt: String
    public var approvedBy: String?
    public var approvedAt: String?
    public var rejectionReason: String?
    public var finishedAt: String?
    public var ageDays: Int
    public var lines: Int
    public var value: ExactDecimal
}

/// One line with what the approver checks before approving it.
public struct RequisitionLineDetail: Sendable {
    public var lineNo: Int
    public var partNo: String
    public var description: String
    public var unit: String
    public var quantity: ExactDecimal
    public var reserved: ExactDecimal
    public var issued: ExactDecimal
    public var backOrdered: ExactDecimal
    public var onHand: ExactDecimal
    public var available: ExactDecimal
    public var onOrder: ExactDecimal
    public var issuedLast30Days: ExactDecimal
    public var issuedLast90Days: ExactDecimal
    public var unitCost: ExactDecimal
    public var value: ExactDecimal
}

/// One recorded transition.
public struct RequisitionEvent: Sendable {
    public var at: String
    public var from: String?
    public var to: String
    public var by: String
    public var note: String?
}

/// Everything `req show` prints.
public struct RequisitionDetail: Sendable {
    public var header: RequisitionHeader
    public var lines: [RequisitionLineDetail]
    public var events: [RequisitionEvent]
    /// The goods issues posted against it, oldest first.
    public var issues: [String]
}
