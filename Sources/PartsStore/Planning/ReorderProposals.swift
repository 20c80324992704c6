import PartsDomain
import PostgresClient

/// A reorder proposal's header with its totals.
public struct ReorderProposal: Sendable {
    public var number: String
    public var state: String
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
        p.proposal_no, p.state, p.scope, p.period, to_char(p.created_at, 'YYYY-MM-DD HH24:MI:SS'), p.job_id,
        p.approved_by, to_char(p.approved_at, 'YYYY-MM-DD HH24:MI:SS'),
        (SELECT count(*) FROM reorder_line l WHERE l.proposal_id = p.id),
        (SELECT count(*) FROM reorder_line l WHERE l.proposal_id = p.id AND l.quantity > 0),
        (SELECT count(*) FROM reorder_line l WHERE l.proposal_id = p.id AND l.flagged),
        (SELECT coalesce(sum(l.quantity * l.unit_cost), 0)::numeric(18,2) FROM reorder_line l WHERE l.proposal_id = p.id)
        """

    private static func proposal(_ row: [String?]) -> ReorderProposal {
        ReorderProposal(number: row[0]!, state: row[1]!, scope: row[2], period: row[3]!, createdAt: row[4]!,
                        jobID: Int64(row[5]!)!, approvedBy: row[6], approvedAt: row[7], planned: Int(row[8]!)!,
                        toOrder: Int(row[9]!)!, flagged: Int(row[10]!)!, orderValue: decimal(row[11]))
    }

    /// The proposal named, or the newest one.
    public func reorderProposal(_ number: String?) async throws(StoreError) -> ReorderProposal {
        let found = try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT \(Self.proposalColumns) FROM reorder_proposal p
                 WHERE $1::text IS NULL OR p.proposal_no = $1 ORDER BY p.id DESC LIMIT 1
                """, [number]).rows.first.map(Self.proposal)
        }
        guard let found else { throw .notFound(number.map { "no reorder proposal \($0)" } ?? "no reorder proposal yet: job run reorder makes one") }
        return found
    }

    public func reorderProposals(limit: Int) async throws(StoreError) -> [ReorderProposal] {
        try await read { connection throws(PostgresError) in
            try connection.query("SELECT \(Self.proposalColumns) FROM reorder_proposal p ORDER BY p.id DESC LIMIT $1",
                                 [String(limit)]).rows.map(Self.proposal)
        }
    }

    /// Per warehouse in the proposal: what it orders and the turnover that would follow.
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
                SELECT loc.code, x.to_order, x.flagged, x.order_value::numeric(18,2),
                       coalesce(s.value, 0)::numeric(18,2), x.annual_issue_value::numeric(18,2),
                       CASE WHEN coalesce(s.value, 0) + x.order_value > 0
                            THEN (x.annual_issue_value / (coalesce(s.value, 0) + x.order_value))::numeric(12,2) END,
                       t.turnover, t.max_days
                  FROM lines x JOIN location loc ON loc.id = x.location_id
                  LEFT JOIN stock s ON s.location_id = x.location_id
                  LEFT JOIN turnover_target t ON t.location_id = x.location_id AND t.category = ''
                 ORDER BY loc.code
                """, [number]).rows.map { row in
                ReorderLocationSummary(location: row[0]!, toOrder: Int(row[1]!)!, flagged: Int(row[2]!)!,
                                       orderValue: decimal(row[3]), stockValue: decimal(row[4]), annualIssueValue: decimal(row[5]),
                                       projectedTurnover: row[6].flatMap { ExactDecimal($0) },
                                       targetTurnover: row[7].flatMap { ExactDecimal($0) }, maxDays: row[8].flatMap { Int($0) })
            }
        }
    }

    /// Lines of a proposal: by default those that order something or are flagged.
    public func reorderLines(_ number: String, location: String?, all: Bool, orderedOnly: Bool = false,
                             limit: Int) async throws(StoreError) -> [ReorderProposalLine] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT pt.part_no, pt.description, loc.code, pt.unit, l.demand_class, l.abc_class, l.method, l.forecast,
                       l.safety_stock, l.reorder_point, l.order_up_to, l.position, l.suggested, l.quantity, l.unit_cost,
                       (l.quantity * l.unit_cost)::numeric(18,2), l.days_of_supply, l.flagged, l.why, pt.supplier,
                       (SELECT po_no FROM purchase_order po WHERE po.id = l.po_id)
                  FROM reorder_line l
                  JOIN reorder_proposal p ON p.id = l.proposal_id
                  JOIN part pt ON pt.id = l.part_id
                  JOIN location loc ON loc.id = l.location_id
                 WHERE p.proposal_no = $1 AND ($2::text IS NULL OR loc.code = $2)
                   AND ($3 OR l.quantity > 0 OR (l.flagged AND NOT $4))
                 ORDER BY pt.supplier NULLS LAST, loc.code, pt.part_no
                 LIMIT $5
                """, [number, location, all ? "t" : "f", orderedOnly ? "t" : "f", String(limit)]).rows.map { row in
                ReorderProposalLine(
                    partNo: row[0]!, description: row[1]!, location: row[2]!, unit: row[3]!, demandClass: row[4]!,
                    abcClass: row[5]!, method: row[6]!, forecast: decimal(row[7]), safetyStock: decimal(row[8]),
                    reorderPoint: decimal(row[9]), orderUpTo: decimal(row[10]), position: decimal(row[11]),
                    suggested: decimal(row[12]), quantity: decimal(row[13]), unitCost: decimal(row[14]), value: decimal(row[15]),
                    daysOfSupply: row[16].flatMap { ExactDecimal($0) }, flagged: row[17] == "t", why: row[18]!, supplier: row[19],
                    purchaseOrder: row[20])
            }
        }
    }

    /// The manager's quantities, all or none. Only an open proposal can change.
    public func setReorderQuantities(_ number: String, _ changes: [ReorderQuantityChange],
                                     _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            let proposalID = try Self.openProposal(number, connection)
            for change in changes {
                let updated = try connection.query("""
                    UPDATE reorder_line l SET quantity = $4, changed_by = $5
                      FROM part pt, location loc
                     WHERE l.proposal_id = $1 AND pt.id = l.part_id AND loc.id = l.location_id
                       AND pt.part_no = $2 AND ($3::text IS NULL OR loc.code = $3)
                    RETURNING loc.code
                    """, [proposalID, change.partNo, change.location, change.quantity.description, context.peer.userName]).rows
                let place = change.location.map { "\(change.partNo)@\($0)" } ?? change.partNo
                if updated.isEmpty { throw .server(ServerError(sqlState: "PS404", message: "\(number) has no line for \(place)")) }
                if updated.count > 1 {
                    throw .server(ServerError(sqlState: "PS422", message: "\(change.partNo) is in \(number) at "
                        + updated.map { $0[0]! }.sorted().joined(separator: ", ") + ": write \(change.partNo)@<location>:<qty>"))
                }
            }
            return MutationOutcome(code: 200, message: "\(number): \(changes.count) line\(changes.count == 1 ? "" : "s") changed")
        }
    }

    /// Approves an open proposal. Its lines become purchase orders, one per supplier, in the
    /// same transaction; lines whose part names no known supplier stay on the order list that
    /// `reorder export` prints.
    public func approveReorder(_ number: String, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await mutate(context) { connection throws(PostgresError) in
            let proposalID = try Self.openProposal(number, connection)
            try connection.query("""
                UPDATE reorder_proposal SET state = 'approved', approved_by = $2, approved_at = now() WHERE id = $1
                """, [proposalID, context.peer.userName])
            let orders = try connection.query("""
                WITH lines AS (
                    SELECT s.id AS supplier_id, s.lead_days, l.part_id, l.location_id, l.quantity, l.unit_cost
                      FROM reorder_line l JOIN part p ON p.id = l.part_id JOIN supplier s ON s.code = p.supplier
                     WHERE l.proposal_id = $1 AND l.quantity > 0),
                orders AS (
                    INSERT INTO purchase_order (po_no, supplier_id, expected, created_by)
                    SELECT next_doc_no('PO', current_date), supplier_id, current_date + lead_days, $2
                      FROM (SELECT DISTINCT supplier_id, lead_days FROM lines) x
                    RETURNING id, supplier_id, po_no),
                placed AS (
                    INSERT INTO po_line (po_id, line_no, part_id, location_id, quantity, price, expected)
                    SELECT o.id, row_number() OVER (PARTITION BY o.id ORDER BY l.location_id, l.part_id),
                           l.part_id, l.location_id, l.quantity, l.unit_cost, current_date + l.lead_days
                      FROM lines l JOIN orders o ON o.supplier_id = l.supplier_id
                    RETURNING po_id, part_id, location_id)
                UPDATE reorder_line r SET po_id = placed.po_id
                  FROM placed WHERE r.proposal_id = $1 AND r.part_id = placed.part_id AND r.location_id = placed.location_id
                RETURNING (SELECT po_no FROM orders WHERE orders.id = placed.po_id)
                """, [proposalID, context.peer.userName]).rows.map { $0[0]! }
            let totals = try connection.query("""
                SELECT count(*), coalesce(sum(quantity * unit_cost), 0)::numeric(18,2)::text, count(*) FILTER (WHERE po_id IS NULL)
                  FROM reorder_line WHERE proposal_id = $1 AND quantity > 0
                """, [proposalID]).rows[0]
            let numbers = Set(orders).sorted()
            // Placed all the same: the parts are needed, and the buyer tops the order up or
            // agrees the small order with the supplier (po new refuses one typed by hand).
            let belowMinimum = try connection.query("""
                SELECT o.po_no || ' (' || s.code || ' ' || sum(l.quantity * l.price)::numeric(18,2) || ' < ' || s.min_order || ')'
                  FROM purchase_order o JOIN supplier s ON s.id = o.supplier_id JOIN po_line l ON l.po_id = o.id
                 WHERE o.po_no = ANY ($1::text[]) AND s.min_order IS NOT NULL
                 GROUP BY o.po_no, s.code, s.min_order
                HAVING sum(l.quantity * l.price) < s.min_order
                 ORDER BY o.po_no
                """, [ArrayLiteral.quoted(numbers)]).rows.map { $0[0]! }
            var message = "\(number) approved: \(totals[0]!) lines to order, value \(totals[1]!)"
            if !numbers.isEmpty { message += "; purchase orders \(numbers.joined(separator: ", ")) (\(orders.count) lines)" }
            if !belowMinimum.isEmpty { message += "; below the supplier's minimum order: \(belowMinimum.joined(separator: ", "))" }
            if totals[2]! != "0" { message += "; \(totals[2]!) lines have no known supplier: reorder export \(number) lists them" }
            return MutationOutcome(code: 200, message: message)
        }
    }

    /// Locks an open proposal's row for the change; why not, when it is not open.
    private static func openProposal(_ number: String, _ connection: Connection) throws(PostgresError) -> String {
        guard let row = try connection.query("""
            SELECT id, state, approved_by, to_char(approved_at, 'YYYY-MM-DD HH24:MI') FROM reorder_proposal
             WHERE proposal_no = $1 FOR UPDATE
            """, [number]).rows.first else {
            throw .server(ServerError(sqlState: "PS404", message: "no reorder proposal \(number)"))
        }
        switch row[1]! {
        case "open": return row[0]!
        case "approved":
            throw .server(ServerError(sqlState: "PS409", message: "\(number) was already approved by \(row[2]!) at \(row[3]!)"))
        default:
            throw .server(ServerError(sqlState: "PS409", message: "\(number) was superseded by a newer reorder run: review that one"))
        }
    }
}
