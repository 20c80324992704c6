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
        return try await report { connection throws(PostgresError) in
            let result = try connection.query("""
                WITH \(LatestReorderLines.cte(location: "$1")), excess AS (
                    SELECT p.part_no, l.code, b.on_hand, x.order_up_to, b.on_hand - x.order_up_to AS excess,
                           round((b.on_hand - x.order_up_to) * b.avg_cost, 2) AS value, x.proposal_no
                      FROM latest x
                      JOIN stock_balance b ON b.part_id = x.part_id AND b.location_id = x.location_id
                      JOIN part p ON p.id = x.part_id
                      JOIN location l ON l.id = x.location_id
                     WHERE b.on_hand > x.order_up_to
                )
                SELECT part_no, code AS location, on_hand, order_up_to, excess, value, proposal_no,
                       count(*) OVER () AS total_count, sum(value) OVER () AS total_value
                  FROM excess
                 ORDER BY value DESC, part_no, code
                 LIMIT $2::integer
                """, [location, String(limit)])
            let rows = try result.records.map { row throws(PostgresError) in
                ExcessStockRow(partNo: try row.text("part_no"), location: try row.text("location"),
                               onHand: try row.decimal("on_hand"), orderUpTo: try row.decimal("order_up_to"),
                               excess: try row.decimal("excess"), value: try row.decimal("value"),
                               proposalNo: try row.text("proposal_no"))
            }
            let first = result.records.first
            return ExcessStockReport(rows: rows, count: try first?.int("total_count") ?? 0,
                                     totalValue: try first?.decimal("total_value") ?? .zero)
        }
    }
}
