import PartsDomain

/// The grade a returned core gets on arrival.
public enum CoreGrade: String, Sendable, CaseIterable {
    case full, damaged, none
}

/// An exchange as the clerk typed it, checked for shape only.
public struct ExchangeDraft: Sendable {
    public var location: String
    public var partNo: String
    /// nil: the unit longest in the pool.
    public var serial: String?
    public var customer: String
    public var expectedCore: String?
    public var due: String?
    public var deposit: ExactDecimal?

    public init(location: String, partNo: String, serial: String?, customer: String, expectedCore: String?, due: String?,
                deposit: ExactDecimal?) {
        self.location = location
        self.partNo = partNo
        self.serial = serial
        self.customer = customer
        self.expectedCore = expectedCore
        self.due = due
        self.deposit = deposit
    }
}

extension PartsStore {
    /// A serviceable unit from the pool to the customer, a core due by `draft.due`, else in
    /// `coreDueDays` (exchange_out). An empty pool is answered, not thrown: that answer is
    /// committed with the request counted as unserved.
    public func exchangeOut(_ draft: ExchangeDraft, coreDueDays: Int, _ context: CommandContext) async throws(StoreError) -> ExchangeRequestOutcome {
        var input = WorkflowInput(context)
        input.set("location", draft.location)
        input.set("part_no", draft.partNo)
        input.set("serial", draft.serial)
        input.set("customer", draft.customer)
        input.set("core", draft.expectedCore)
        input.set("due", draft.due)
        input.set("deposit", draft.deposit)
        input.set("core_due_days", coreDueDays)
        let reply = try await perform(.exchangeOut, input)
        guard reply.code != 409 else { return .poolEmpty(reply.outcome) }
        return .served(try ExchangePosting(reply))
    }

    /// The customer's core comes back, graded (exchange_core); damaged or none is charged,
    /// by default the deposit, else `coreChargePercent` of the part's price.
    public func exchangeCore(_ xcNo: String, serial: String?, grade: CoreGrade, charge: ExactDecimal?, coreChargePercent: ExactDecimal,
                             note: String?, _ context: CommandContext) async throws(StoreError) -> ExchangePosting {
        var input = WorkflowInput(context)
        input.set("xc_no", xcNo)
        input.set("serial", serial)
        input.set("grade", grade.rawValue)
        input.set("charge", charge)
        input.set("core_charge_pct", coreChargePercent)
        input.set("note", note)
        return try ExchangePosting(try await perform(.exchangeCore, input))
    }

    /// How many serviceable units of a part the pool should hold (pool_set).
    public func setPoolTarget(_ location: String, partNo: String, target: Int, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("location", location)
        input.set("part_no", partNo)
        input.set("target", target)
        return try await perform(.poolSet, input).outcome
    }
}
