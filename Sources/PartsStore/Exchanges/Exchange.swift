import PartsDomain

/// One exchange of the pool's send/receive log (周转仓收发货登记): the serviceable unit that
/// went out and the customer's core that came back, or is due, on one record.
public struct Exchange: Sendable {
    public var xcNo: String
    public var state: ExchangeState
    public var location: String
    public var partNo: String
    public var description: String
    /// The unit the customer got.
    public var serial: String
    public var customer: String
    public var expectedCore: String?
    public var due: String
    public var deposit: ExactDecimal?
    public var price: ExactDecimal
    public var createdAt: String
    public var createdBy: String
    public var daysOut: Int
    /// Days past the due date while the core is outstanding.
    public var daysLate: Int?
    public var coreSerial: String?
    public var coreGrade: String?
    /// What the customer owes for a damaged or missing core, and why that amount.
    public var charge: ExactDecimal?
    public var chargeBasis: String?
    public var closedAt: String?
    public var closedBy: String?
    public var outDocument: String
    public var coreDocument: String?
}

/// An exchange step's outcome: the exchange after it and the document it posted.
public struct ExchangePosting: Sendable {
    public var exchange: Exchange
    public var document: PostedDocument?
    public var message: String
    public var replayed: Bool
}

/// What `exchange out` got: the exchange, or the answer that the pool had no serviceable
/// unit to give, which the database keeps (with the request counted as one the pool could
/// not serve) so that a retry gets it again.
public enum ExchangeRequestOutcome: Sendable {
    case served(ExchangePosting)
    case poolEmpty(MutationOutcome)
}

extension Exchange {
    /// Reads exchange_json.
    init(_ fields: JSONFields) throws(StoreError) {
        guard let state = ExchangeState(rawValue: try fields.text("state")) else { throw .bug("exchange in an unknown state") }
        self.init(
            xcNo: try fields.text("xc_no"), state: state, location: try fields.text("location"), partNo: try fields.text("part_no"),
            description: try fields.text("description"), serial: try fields.text("serial"), customer: try fields.text("customer"),
            expectedCore: fields.optionalText("expected_core"), due: try fields.text("due"),
            deposit: try fields.optionalDecimal("deposit"), price: try fields.decimal("price"),
            createdAt: try fields.text("created_at"), createdBy: try fields.text("created_by"), daysOut: try fields.int("days_out"),
            daysLate: try fields.optionalInt("days_late"), coreSerial: fields.optionalText("core_serial"),
            coreGrade: fields.optionalText("core_grade"), charge: try fields.optionalDecimal("charge"),
            chargeBasis: fields.optionalText("charge_basis"), closedAt: fields.optionalText("closed_at"),
            closedBy: fields.optionalText("closed_by"), outDocument: try fields.text("out_doc"),
            coreDocument: fields.optionalText("core_doc"))
    }
}

extension ExchangePosting {
    init(_ reply: WorkflowReply) throws(StoreError) {
        self.init(exchange: try Exchange(try reply.fields("exchange")), document: try reply.optionalDocument(),
                  message: reply.message, replayed: reply.replayed)
    }
}
