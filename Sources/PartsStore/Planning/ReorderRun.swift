import Dispatch
import Foundation
import PartsDomain
import PostgresClient
import Synchronization
import AsyncAlgorithms

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
    public var why: String

    public init(partID: Int, locationID: Int, demandClass: String, abcClass: String, method: String, forecast: String,
                safetyStock: String, reorderPoint: String, orderUpTo: String, position: String, suggested: String,
                unitCost: String, daysOfSupply: String?, flagged: Bool, why: String) {
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

extension JobSession {
    /// Plans every part-location in scope and writes the proposal, all in one transaction:
    /// a run that fails part-way leaves no half proposal.
    ///
    /// Each reader streams the history of its group of locations through a cursor `chunkSize`
    /// part-locations at a time, in a read-only transaction that shares one snapshot with the
    /// others, while this session plans the chunks as they come and writes their lines. So
    /// PostgreSQL groups the locations' histories on as many cores as there are readers, and
    /// reading, planning and writing overlap; each reader holds at most one chunk waiting, so
    /// memory stays bounded however large the catalogue. ABC classes rank parts within a
    /// location, so splitting by location changes no number. `plan` runs on the sessions'
    /// threads and Dispatch's workers, next to the data, never on the cooperative pool.
    ///
    /// `readers`: one session per group; a nil group means every warehouse and branch.
    public func reorder(
        jobID: Int64, location: String?, window: PlanningWindow, chunkSize: Int,
        readers: [(session: DatabaseSession, locations: [String]?)],
        plan: @escaping @Sendable (PlanningRow) -> ReorderLine,
        progress: @escaping @Sendable (Int) async -> Void
    ) async throws(StoreError) -> ReorderRunOutcome {
        do {
            let proposal = try await run { connection throws(PostgresError) in
                try connection.execute("BEGIN")
                let row = try connection.query("""
                    INSERT INTO reorder_proposal (proposal_no, job_id, scope, period)
                    VALUES ('RP-' || extract(year FROM current_date) || '-' || lpad(nextval('reorder_proposal_seq')::text, 6, '0'), $1, $2, $3)
                    RETURNING id, proposal_no
                    """, [String(jobID), location, window.period]).rows[0]
                return (id: row[0]!, number: row[1]!)
            }
            var snapshot: String?
            for reader in readers {
                let shared = snapshot
                let exported = try await reader.session.run { connection throws(PostgresError) in
                    try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    // Every reader sees the same moment: the first exports it, the others import it.
                    if let shared {
                        try connection.queryOnce("SET TRANSACTION SNAPSHOT '\(shared)'")
                    }
                    // The history is grouped once; give that room to happen in memory.
                    try connection.execute("SET LOCAL work_mem = '256MB'")
                    // A cursor is planned for its first rows by default, which picks nested loops
                    // that are quadratic over a whole catalogue. This one is read to the end.
                    try connection.execute("SET LOCAL cursor_tuple_fraction = 1.0")
                    try connection.queryOnce("DECLARE planning NO SCROLL CURSOR FOR " + PlanningRows.sql(onePart: false),
                                             PlanningRows.parameters(locations: reader.locations, partNo: nil, window: window))
                    return shared == nil ? try connection.query("SELECT pg_export_snapshot()").scalar : nil
                }
                if snapshot == nil { snapshot = exported }
            }
            let planned = try await withThrowingTaskGroup(of: Int.self) { group in
                let chunks = AsyncThrowingChannel<[[String?]], any Error>()
                group.addTask {
                    do {
                        try await withThrowingTaskGroup(of: Void.self) { reading in
                            for reader in readers {
                                reading.addTask {
                                    while true {
                                        if Task.isCancelled { throw StoreError.unavailable("the daemon is stopping; the run was rolled back") }
                                        let rows = try await reader.session.run { connection throws(PostgresError) in
                                            try connection.execute("FETCH \(chunkSize) FROM planning").rows
                                        }
                                        // Waits until the writer took it: memory stays bounded.
                                        if !rows.isEmpty { await chunks.send(rows) }
                                        if rows.count < chunkSize { return }
                                    }
                                }
                            }
                            try await reading.waitForAll()
                        }
                        chunks.finish()
                    } catch {
                        chunks.fail(error)
                        throw error
                    }
                    return 0
                }
                group.addTask {
                    var planned = 0
                    for try await rows in chunks {
                        _ = try await self.run { connection throws(PostgresError) in
                            try Self.insert(Self.planEach(rows, plan), proposal: proposal.id, connection)
                        }
                        planned += rows.count
                        await progress(planned)
                    }
                    return planned
                }
                return try await group.reduce(0, +)
            }
            for reader in readers {
                _ = try await reader.session.run { connection throws(PostgresError) in try connection.execute("COMMIT") }
            }
            return try await run { connection throws(PostgresError) in
                let superseded = try connection.query("""
                    UPDATE reorder_proposal SET state = 'superseded'
                     WHERE state = 'open' AND id <> $1 AND ($2::text IS NULL OR scope IS NULL OR scope = $2)
                    RETURNING proposal_no
                    """, [proposal.id, location]).rows.map { $0[0]! }
                let totals = try connection.query("""
                    SELECT count(*) FILTER (WHERE quantity > 0), count(*) FILTER (WHERE flagged),
                           coalesce(sum(quantity * unit_cost), 0)::numeric(18,2)::text
                      FROM reorder_line WHERE proposal_id = $1
                    """, [proposal.id]).rows[0]
                try connection.execute("COMMIT")
                return ReorderRunOutcome(proposalNo: proposal.number, planned: planned, toOrder: Int(totals[0]!)!,
                                         flagged: Int(totals[1]!)!, orderValue: totals[2]!, superseded: superseded.sorted())
            }
        } catch {
            for reader in readers {
                _ = try? await reader.session.run { connection throws(PostgresError) in try connection.execute("ROLLBACK") }
            }
            _ = try? await run { connection throws(PostgresError) in try connection.execute("ROLLBACK") }
            throw StoreError(error)
        }
    }

    /// Plans a chunk on every core. The database waits meanwhile, so the session's own
    /// thread would otherwise leave the other cores idle. This runs on the job's dedicated
    /// thread and Dispatch's workers, never on Swift's cooperative pool.
    private static func planEach(_ rows: [[String?]], _ plan: @escaping @Sendable (PlanningRow) -> ReorderLine) -> [ReorderLine] {
        let slices = min(ProcessInfo.processInfo.activeProcessorCount, rows.count / 64)
        guard slices > 1 else { return rows.map { plan(PlanningRows.parse($0)) } }
        let results = Mutex<[[ReorderLine]]>(Array(repeating: [], count: slices))
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let lower = rows.count * slice / slices
            let upper = rows.count * (slice + 1) / slices
            let lines = rows[lower..<upper].map { plan(PlanningRows.parse($0)) }
            results.withLock { $0[slice] = lines }
        }
        return results.withLock { $0.flatMap { $0 } }
    }

    private static func insert(_ lines: [ReorderLine], proposal: String, _ connection: Connection) throws(PostgresError) {
        try connection.query("""
            INSERT INTO reorder_line (proposal_id, part_id, location_id, demand_class, abc_class, method, forecast,
                                      safety_stock, reorder_point, order_up_to, position, suggested, quantity, unit_cost,
                                      days_of_supply, flagged, why)
            SELECT $1, part_id, location_id, demand_class, abc_class, method, forecast, safety_stock, reorder_point,
                   order_up_to, position, suggested, suggested, unit_cost, days_of_supply, flagged, why
              FROM unnest($2::integer[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::numeric[],
                          $9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[],
                          $15::boolean[], $16::text[])
                AS t(part_id, location_id, demand_class, abc_class, method, forecast, safety_stock, reorder_point,
                     order_up_to, position, suggested, unit_cost, days_of_supply, flagged, why)
            """, [
                proposal,
                ArrayLiteral.plain(lines.map { String($0.partID) }), ArrayLiteral.plain(lines.map { String($0.locationID) }),
                ArrayLiteral.quoted(lines.map(\.demandClass)), ArrayLiteral.quoted(lines.map(\.abcClass)),
                ArrayLiteral.quoted(lines.map(\.method)), ArrayLiteral.plain(lines.map(\.forecast)),
                ArrayLiteral.plain(lines.map(\.safetyStock)), ArrayLiteral.plain(lines.map(\.reorderPoint)),
                ArrayLiteral.plain(lines.map(\.orderUpTo)), ArrayLiteral.plain(lines.map(\.position)),
                ArrayLiteral.plain(lines.map(\.suggested)), ArrayLiteral.plain(lines.map(\.unitCost)),
                ArrayLiteral.plain(lines.map { $0.daysOfSupply ?? "NULL" }), ArrayLiteral.plain(lines.map { $0.flagged ? "t" : "f" }),
                ArrayLiteral.quoted(lines.map(\.why)),
            ])
    }
}

/// PostgreSQL array literals for passing a column of values as one text parameter.
enum ArrayLiteral {
    /// Numbers, booleans and NULL: nothing to quote.
    static func plain(_ values: [String]) -> String {
        "{" + values.joined(separator: ",") + "}"
    }

    /// Text, each element quoted with `"` and `\` escaped. Built as bytes: a run writes
    /// hundreds of thousands of explanations.
    static func quoted(_ values: [String]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(values.reduce(2) { $0 + $1.utf8.count + 3 })
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
