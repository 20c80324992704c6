import PartsDomain
import PostgresClient

/// One line of a reorder proposal as the planner computed it. Numbers are decimal text,
/// rounded by the planner, so the database stores exactly what the manager is shown.
public struct ReorderLine: Sendable {
    public var partID: Int
    public var locationID: Int
    public var demandClass: String
    public var abcClass: String
    public var method: String
    public var forecast: String
    public var safetyStock: String
    public var reorderPoint: String
    public var orderUpTo: String
    public var position: String
    public var suggested: String
    public var unitCost: String
    public var daysOfSupply: String?
    public var flagged: Bool
    /// Why demand has stopped, when it has: nothing is suggested, and `report obsolete`
    /// lists the stock.
    public var obsoleteWhy: String?
    public var why: String

    public init(partID: Int, locationID: Int, demandClass: String, abcClass: String, method: String, forecast: String,
                safetyStock: String, reorderPoint: String, orderUpTo: String, position: String, suggested: String,
                unitCost: String, daysOfSupply: String?, flagged: Bool, obsoleteWhy: String?, why: String) {
        self.partID = partID
        self.locationID = locationID
        self.demandClass = demandClass
        self.abcClass = abcClass
        self.method = method
        self.forecast = forecast
        self.safetyStock = safetyStock
        self.reorderPoint = reorderPoint
        self.orderUpTo = orderUpTo
        self.position = position
        self.suggested = suggested
        self.unitCost = unitCost
        self.daysOfSupply = daysOfSupply
        self.flagged = flagged
        self.obsoleteWhy = obsoleteWhy
        self.why = why
    }
}

/// What a finished reorder run produced.
public struct ReorderRunOutcome: Sendable {
    public var proposalNo: String
    public var planned: Int
    public var toOrder: Int
    public var flagged: Int
    public var orderValue: String
    public var superseded: [String]
}

/// A proposal a reorder run is writing, in the run's transaction: nobody sees it, or any of
/// its lines, until that commits.
public struct ProposalDraft: Sendable {
    public let number: String
    let id: String
    let location: String?
    let scope: TransactionScope
}

/// A reader's cursor over the planning rows of its locations, in a read-only transaction;
/// `snapshot` is the moment it reads, for the other readers to share.
public struct PlanningCursor: Sendable {
    public let snapshot: String?
    let scope: TransactionScope
}

/// The steps of a reorder run that touch the database; the run itself (PartsJobs) decides
/// what happens between them. Each runs in the transaction its scope pinned, so a lost
/// connection fails the step instead of running it in autocommit elsewhere.
extension PartsStore {
    /// A new, empty proposal for the run `jobID` over `location` (nil: every warehouse and branch).
    public func startProposal(in scope: TransactionScope, jobID: Int64, location: String?,
                              period: String) async throws(StoreError) -> ProposalDraft {
        let row = try await Self.run(scope) { connection throws(PostgresError) in
            try connection.query("""
                INSERT INTO reorder_proposal (proposal_no, job_id, scope, period)
                VALUES ('RP-' || extract(year FROM current_date) || '-' || lpad(nextval('reorder_proposal_seq')::text, 6, '0'), $1, $2, $3)
                RETURNING id, proposal_no
                """, [String(jobID), location, period]).records[0]
        }
        do {
            return ProposalDraft(number: try row.text("proposal_no"), id: try row.text("id"), location: location, scope: scope)
        } catch {
            throw StoreError(postgres: error)
        }
    }

    /// Opens the planning rows of `locations` (nil: every warehouse and branch) for reading in
    /// chunks. The scope's transaction must be new. With `snapshot`, the cursor reads the
    /// moment another reader exported; without, it exports its own.
    public func openPlanningCursor(in scope: TransactionScope, locations: [String]?, window: PlanningWindow,
                                   sharing snapshot: String?) async throws(StoreError) -> PlanningCursor {
        if let snapshot, !snapshot.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
            throw .bug("not a snapshot name: \(snapshot)")
        }
        let exported = try await Self.run(scope) { connection throws(PostgresError) -> String? in
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            if let snapshot {
                try connection.queryOnce("SET TRANSACTION SNAPSHOT '\(snapshot)'")
            }
            // The history is grouped once; give that room to happen in memory.
            try connection.execute("SET LOCAL work_mem = '256MB'")
            // A cursor is planned for its first rows by default, which picks nested loops that
            // are quadratic over a whole catalogue. This one is read to the end.
            try connection.execute("SET LOCAL cursor_tuple_fraction = 1.0")
            // Its cost estimate is far past jit_above_cost, but its work is grouping and
            // joining rows, not evaluating expressions: compiling its 237 expressions took
            // 139 ms a reader (EXPLAIN ANALYZE) and bought nothing back.
            try connection.execute("SET LOCAL jit = off")
            try connection.queryOnce("DECLARE planning NO SCROLL CURSOR FOR " + PlanningRows.locationsSQL,
                                     PlanningRows.parameters(locations: locations, partNo: nil, window: window))
            guard snapshot == nil else { return nil }
            return try connection.query("SELECT pg_export_snapshot() AS snapshot").records[0].text("snapshot")
        }
        return PlanningCursor(snapshot: snapshot ?? exported, scope: scope)
    }

    /// The next `count` planning rows, parsed on the reader's own thread; fewer at the end.
    public func fetch(_ count: Int, from cursor: PlanningCursor) async throws(StoreError) -> [PlanningRow] {
        try await Self.run(cursor.scope) { connection throws(PostgresError) in
            try PlanningRows.parse(connection.execute("FETCH \(count) FROM planning"))
        }
    }

    /// Writes planned lines into the draft, each with the quantity the planner suggests.
    ///
    /// By COPY: a proposal holds a line for every part-location planned, and an INSERT of
    /// arrays cost 10.5 µs of the server's CPU a line against COPY's 7 (2,000 lines of a real
    /// run, in psql), most of it parsing the arrays. COPY fires the statement trigger that
    /// checks the lines' proposal, as the INSERT did.
    public func insert(_ lines: [ReorderLine], into draft: ProposalDraft) async throws(StoreError) {
        let rows = Self.lineRows(lines, proposal: draft.id)
        _ = try await Self.run(draft.scope) { connection throws(PostgresError) in
            try connection.copyIn("""
                COPY reorder_line (proposal_id, part_id, location_id, demand_class, abc_class, method, forecast,
                                   safety_stock, reorder_point, order_up_to, position, suggested, quantity, unit_cost,
                                   days_of_supply, flagged, obsolete_why, why) FROM STDIN
                """, rows)
        }
    }

    /// The last step, before the run commits: the open proposals this one replaces are
    /// superseded (reorder_proposal_finish), and the draft's totals come back.
    public func finish(_ draft: ProposalDraft) async throws(StoreError) -> ReorderRunOutcome {
        let row = try await Self.run(draft.scope) { [id = draft.id, location = draft.location] connection throws(PostgresError) in
            try connection.query("""
                SELECT array_to_string(superseded, ',') AS superseded, planned, to_order, flagged, order_value
                  FROM reorder_proposal_finish($1::bigint, $2::text)
                """, [id, location]).records[0]
        }
        do {
            let superseded = try row.text("superseded")
            return ReorderRunOutcome(proposalNo: draft.number, planned: try row.int("planned"), toOrder: try row.int("to_order"),
                                     flagged: try row.int("flagged"), orderValue: try row.text("order_value"),
                                     superseded: superseded.isEmpty ? [] : superseded.split(separator: ",").map(String.init))
        } catch {
            throw StoreError(postgres: error)
        }
    }

    static func run<T: Sendable>(_ scope: TransactionScope,
                                         _ body: @escaping @Sendable (Connection) throws(PostgresError) -> T) async throws(StoreError) -> T {
        do { return try await scope.run(body) } catch { throw StoreError(postgres: error) }
    }

    private static func lineRows(_ lines: [ReorderLine], proposal: String) -> CopyRows {
        var rows = CopyRows(reservingBytes: lines.count * 400)
        for line in lines {
            rows.add(proposal)
            rows.add(line.partID)
            rows.add(line.locationID)
            rows.add(line.demandClass)
            rows.add(line.abcClass)
            rows.add(line.method)
            rows.add(line.forecast)
            rows.add(line.safetyStock)
            rows.add(line.reorderPoint)
            rows.add(line.orderUpTo)
            rows.add(line.position)
            rows.add(line.suggested)
            rows.add(line.suggested)  // the quantity to order starts as the suggestion
            rows.add(line.unitCost)
            rows.add(line.daysOfSupply)
            rows.add(line.flagged ? "t" : "f")
            rows.add(line.obsoleteWhy)
            rows.add(line.why)
            rows.endRow()
        }
        return rows
    }
}
