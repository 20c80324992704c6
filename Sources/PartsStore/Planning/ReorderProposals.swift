import PartsDomain
import PostgresClient

/// A reorder proposal's header with its totals.
public struct ReorderProposal: Sendable {
    public var number: String
    public var state: ReorderProposalState
    public var scope: String?
    public var period: String
    public var createdAt: String
    public var jobID: Int64
    public var approvedBy: String?
    public var approvedAt: String?
    public var planned: Int
    public var toOrder: Int
    public var flagged: Int
    public var orderValue: ExactDecimal
}

/// What a proposal does to one warehouse: the turnover it would produce against the target.
public struct ReorderLocationSummary: Sendable {
    public var location: String
    public var toOrder: Int
    public var flagged: Int
    public var orderValue: ExactDecimal
    public var stockValue: ExactDecimal
    /// Forecast cost of the parts issued in a year, at today's unit costs.
    public var annualIssueValue: ExactDecimal
    /// annualIssueValue / (stockValue + orderValue): the turnover once the orders arrive.
    public var projectedTurnover: ExactDecimal?
    public var targetTurnover: ExactDecimal?
    public var maxDays: Int?
}

/// One line as the manager reviews it.
public struct ReorderProposalLine: Sendable {
    public var partNo: String
    public var description: String
    public var location: String
    public var unit: String
    public var demandClass: String
    public var abcClass: String
    public var method: String
    public var forecast: ExactDecimal
    public var safetyStock: ExactDecimal
    public var reorderPoint: ExactDecimal
    public var orderUpTo: ExactDecimal
    public var position: ExactDecimal
    public var suggested: ExactDecimal
    public var quantity: ExactDecimal
    public var unitCost: ExactDecimal
    public var value: ExactDecimal
    public var daysOfSupply: ExactDecimal?
    public var flagged: Bool
    public var why: String
    public var supplier: String?
    /// The purchase order an approved line became, when its supplier is known.
    public var purchaseOrder: String?
}

/// One change a manager makes to a proposal line.
public struct ReorderQuantityChange: Sendable {
    public var partNo: String
    public var location: String?
    public var quantity: ExactDecimal

    public init(partNo: String, location: String?, quantity: ExactDecimal) {
        self.partNo = partNo
        self.location = location
        self.quantity = quantity
    }
}

extension PartsStore {
    private static let proposalColumns = """
        p.proposal_no, p.state, p.scope, p.period, to_char(p.created_at, 'YYYY-MM-DD HH24:MI:SS') AS created_at, p.job_id,
        p.approved_by, to_char(p.approved_at, 'YYYY-MM-DD HH24:MI:SS') AS approved_at,
        (SELECT count(*) FROM reorder_line l WHERE l.proposal_id = p.id) AS planned,
        (SELECT count(*) FROM reorder_line l WHERE l.proposal_id = p.id AND l.quantity > 0) AS to_order,
        (SELECT count(*) FROM reorder_line l WHERE l.proposal_id = p.id AND l.flagged) AS flagged,
        (SELECT coalesce(sum(l.quantity * l.unit_cost), 0)::numeric(18,2) FROM reorder_line l WHERE l.proposal_id = p.id)
            AS order_value
        """

    private static func proposal(_ row: Row) throws(PostgresError) -> ReorderProposal {
        let state = try row.text("state")
        guard let known = ReorderProposalState(rawValue: state) else { throw .decoding("unknown proposal state \(state)") }
        return ReorderProposal(number: try row.text("proposal_no"), state: known, scope: try row.optionalText("scope"),
                               period: try row.text("period"), createdAt: try row.text("created_at"),
                               jobID: try row.int64("job_id"), approvedBy: try row.optionalText("approved_by"),
                               approvedAt: try row.optionalText("approved_at"), planned: try row.int("planned"),
                               toOrder: try row.int("to_order"), flagged: try row.int("flagged"),
                               orderValue: try row.decimal("order_value"))
    }

    /// The proposal named, or the newest one.
    public func reorderProposal(_ number: String?) async throws(StoreError) -> ReorderProposal {
        let found = try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT \(Self.proposalColumns) FROM reorder_proposal p
                 WHERE $1::text IS NULL OR p.proposal_no = $1 ORDER BY p.id DESC LIMIT 1
                """, [number]).singleRow().map(Self.proposal)
        }
        guard let found else { throw .notFound(number.map { "no reorder proposal \($0)" } ?? "no reorder proposal yet: job run reorder makes one") }
        return found
    }

    public func reorderProposals(limit: Int) async throws(StoreError) -> [ReorderProposal] {
        try await read { connection throws(PostgresError) in
            try connection.query("SELECT \(Self.proposalColumns) FROM reorder_proposal p ORDER BY p.id DESC LIMIT $1",
                                 [String(limit)]).records.map(Self.proposal)
        }
    }

    /// Per warehouse in the proposal: what it orders and the turnover that would follow, by
    /// the turnover report's formula (turnover_figures) over a year of forecast issues.
    public func reorderSummary(_ number: String) async throws(StoreError) -> [ReorderLocationSummary] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                WITH lines AS (
                    SELECT l.location_id, count(*) FILTER (WHERE l.quantity > 0) AS to_order,
                           count(*) FILTER (WHERE l.flagged) AS flagged,
                           sum(l.quantity * l.unit_cost) AS order_value,
                           sum(l.forecast * l.unit_cost) * CASE p.period WHEN 'day' THEN 365 WHEN 'month' THEN 12 ELSE 365 / 7.0 END
                               AS annual_issue_value
                      FROM reorder_line l JOIN reorder_proposal p ON p.id = l.proposal_id
                     WHERE p.proposal_no = $1
                     GROUP BY l.location_id, p.period),
                stock AS (
                    SELECT location_id, sum(on_hand * avg_cost) AS value FROM stock_balance
                     WHERE location_id IN (SELECT location_id FROM lines) GROUP BY location_id)
                SELECT loc.code AS location, x.to_order, x.flagged, x.order_value::numeric(18,2) AS order_value,
                       coalesce(s.value, 0)::numeric(18,2) AS stock_value,
                       x.annual_issue_value::numeric(18,2) AS annual_issue_value,
                       round(f.turnover, 2) AS projected_turnover, t.turnover AS target_turnover, t.max_days
                  FROM lines x JOIN location loc ON loc.id = x.location_id
                  LEFT JOIN stock s ON s.location_id = x.location_id
                 CROSS JOIN LATERAL turnover_figures(x.annual_issue_value, coalesce(s.value, 0) + x.order_value, 365) f
                  LEFT JOIN turnover_target t ON t.location_id = x.location_id AND t.category = ''
                 ORDER BY loc.code
                """, [number]).records.map { row throws(PostgresError) in
                ReorderLocationSummary(location: try row.text("location"), toOrder: try row.int("to_order"),
                                       flagged: try row.int("flagged"), orderValue: try row.decimal("order_value"),
                                       stockValue: try row.decimal("stock_value"),
                                       annualIssueValue: try row.decimal("annual_issue_value"),
                                       projectedTurnover: try row.optionalDecimal("projected_turnover"),
                                       targetTurnover: try row.optionalDecimal("target_turnover"),
                                       maxDays: try row.optionalInt("max_days"))
            }
        }
    }

    /// Lines of a proposal: by default those that order something or are flagged.
    public func reorderLines(_ number: String, location: String?, all: Bool, orderedOnly: Bool = false,
                             limit: Int) async throws(StoreError) -> [ReorderProposalLine] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT pt.part_no, pt.description, loc.code AS location, pt.unit, l.demand_class, l.abc_class, l.method,
                       l.forecast, l.safety_stock, l.reorder_point, l.order_up_to, l.position, l.suggested, l.quantity,
                       l.unit_cost, (l.quantity * l.unit_cost)::numeric(18,2) AS value, l.days_of_supply, l.flagged, l.why,
                       pt.supplier, (SELECT po_no FROM purchase_order po WHERE po.id = l.po_id) AS po_no
                  FROM reorder_line l
                  JOIN reorder_proposal p ON p.id = l.proposal_id
                  JOIN part pt ON pt.id = l.part_id
                  JOIN location loc ON loc.id = l.location_id
                 WHERE p.proposal_no = $1 AND ($2::text IS NULL OR loc.code = $2)
                   AND ($3 OR l.quantity > 0 OR (l.flagged AND NOT $4))
                 ORDER BY pt.supplier NULLS LAST, loc.code, pt.part_no
                 LIMIT $5
                """, [number, location, all ? "t" : "f", orderedOnly ? "t" : "f", String(limit)]).records.map { row throws(PostgresError) in
                ReorderProposalLine(
                    partNo: try row.text("part_no"), description: try row.text("description"), location: try row.text("location"),
                    unit: try row.text("unit"), demandClass: try row.text("demand_class"), abcClass: try row.text("abc_class"),
                    method: try row.text("method"), forecast: try row.decimal("forecast"),
                    safetyStock: try row.decimal("safety_stock"), reorderPoint: try row.decimal("reorder_point"),
                    orderUpTo: try row.decimal("order_up_to"), position: try row.decimal("position"),
                    suggested: try row.decimal("suggested"), quantity: try row.decimal("quantity"),
                    unitCost: try row.decimal("unit_cost"), value: try row.decimal("value"),
                    daysOfSupply: try row.optionalDecimal("days_of_supply"), flagged: try row.bool("flagged"),
                    why: try row.text("why"), supplier: try row.optionalText("supplier"), purchaseOrder: try row.optionalText("po_no"))
            }
        }
    }

    /// The manager's quantities, all or none; only an open proposal changes (reorder_set).
    public func setReorderQuantities(_ number: String, _ changes: [ReorderQuantityChange],
                                     _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("proposal_no", number)
        input.set("part_nos", changes.map(\.partNo))
        // "" for a change that names no location: a location code is never empty.
        input.set("locations", changes.map { $0.location ?? "" })
        input.set("quantities", changes.map(\.quantity.description))
        return try await perform(.reorderSet, input).outcome
    }

    /// Approves an open proposal, whose lines become purchase orders (reorder_approve).
    public func approveReorder(_ number: String, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("proposal_no", number)
        return try await perform(.reorderApprove, input).outcome
    }
}
