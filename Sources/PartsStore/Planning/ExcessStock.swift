import PartsDomain
import PostgresClient

/// Stock above the order-up-to level the latest reorder proposal set for it.
public struct ExcessStockRow: Sendable, Equatable {
    public var partNo: String
    public var location: String
    public var onHand: ExactDecimal
    public var orderUpTo: ExactDecimal
    public var excess: ExactDecimal
    public var value: ExactDecimal
    public var proposalNo: String
}

public struct ExcessStockReport: Sendable {
    public var rows: [ExcessStockRow]
    /// Over every part-location in excess, not only the rows shown.
    public var count: Int
    public var totalValue: ExactDecimal
}

extension PartsStore {
    /// Part-locations holding more than the order-up-to level of the newest open or approved
    /// proposal that has a line for them, highest excess value first. A superseded proposal's
    /// levels are not the plan any more and count for nothing.
    public func excessStock(location: String?, limit: Int) async throws(StoreError) -> ExcessStockReport {
        if let location { try await requireLocation(location) }
        return try await read { connection throws(PostgresError) in
            let result = try connection.query("""
                WITH latest AS (
                    SELECT DISTINCT ON (rl.part_id, rl.location_id) rl.part_id, rl.location_id, rl.order_up_to, rp.proposal_no
                      FROM reorder_line rl JOIN reorder_proposal rp ON rp.id = rl.proposal_id
                     WHERE rp.state IN ('open', 'approved')
                       AND ($1::text IS NULL OR rl.location_id = (SELECT id FROM location WHERE code = $1::text))
                     ORDER BY rl.part_id, rl.location_id, rp.id DESC
                ), excess AS (
                    SELECT p.part_no, l.code, b.on_hand, x.order_up_to, b.on_hand - x.order_up_to AS excess,
                           round((b.on_hand - x.order_up_to) * b.avg_cost, 2) AS value, x.proposal_no
                      FROM latest x
                      JOIN stock_balance b ON b.part_id = x.part_id AND b.location_id = x.location_id
                      JOIN part p ON p.id = x.part_id
                      JOIN location l ON l.id = x.location_id
                     WHERE b.on_hand > x.order_up_to
                )
                SELECT part_no, code, on_hand, order_up_to, excess, value, proposal_no,
                       count(*) OVER (), sum(value) OVER ()
                  FROM excess
                 ORDER BY value DESC, part_no, code
                 LIMIT $2::integer
                """, [location, String(limit)])
            let rows = result.rows.map { row in
                ExcessStockRow(partNo: row[0]!, location: row[1]!, onHand: decimal(row[2]), orderUpTo: decimal(row[3]),
                               excess: decimal(row[4]), value: decimal(row[5]), proposalNo: row[6]!)
            }
            return ExcessStockReport(rows: rows, count: result.rows.first.flatMap { Int($0[7] ?? "") } ?? 0,
                                     totalValue: decimal(result.rows.first?[8]))
        }
    }
}
