import PartsDomain
import PostgresClient

/// `report pool`: per rotation location and serialised part, what the pool should hold and
/// holds, what is out with customers and the cores owed for it, what is in repair, and how
/// often the pool served a request at once over the last 90 days: exchanges made, over
/// exchanges made plus requests answered 409 because the pool was empty (exchange_shortage).
public struct PoolRow: Sendable {
    public var location: String
    public var partNo: String
    public var target: Int?
    public var serviceable: Int
    /// Unserviceable units of ours in the pool: cores waiting for repair.
    public var coresIn: Int
    /// Open repair orders of units shipped from the pool.
    public var inRepair: Int
    /// Open exchanges: units out with customers, a core owed for each.
    public var out: Int
    public var overdue: Int
    /// The cores owed, at the part's price.
    public var coresValue: ExactDecimal
    public var oldestDays: Int?
    public var served: Int
    public var refused: Int
    public var availabilityPercent: ExactDecimal?
}

extension PartsStore {
    public func poolReport(location: String?) async throws(StoreError) -> [PoolRow] {
        if let location { try await requireLocation(location) }
        return try await report { connection throws(PostgresError) in
            try connection.query("""
                WITH pool AS (
                    SELECT l.id AS location_id, l.code, p.id AS part_id, p.part_no, p.cost
                      FROM location l JOIN part p ON p.serialized
                     WHERE l.kind = 'rotation' AND ($1::text IS NULL OR l.code = $1)
                       AND (EXISTS (SELECT 1 FROM pool_target t WHERE t.location_id = l.id AND t.part_id = p.id)
                            OR EXISTS (SELECT 1 FROM unit u WHERE u.part_id = p.id AND u.location_id = l.id)
                            OR EXISTS (SELECT 1 FROM exchange x WHERE x.part_id = p.id AND x.location_id = l.id)))
                SELECT k.code AS location, k.part_no, t.target,
                       (SELECT count(*) FROM stock_unit u WHERE u.part_id = k.part_id AND u.location_id = k.location_id) AS serviceable,
                       (SELECT count(*) FROM unit u WHERE u.part_id = k.part_id AND u.place = 'location' AND u.location_id = k.location_id
                           AND u.condition = 'unserviceable' AND u.owner = 'site') AS cores_in,
                       (SELECT count(*) FROM repair_order r WHERE r.part_id = k.part_id AND r.location_id = k.location_id
                           AND r.state <> 'returned') AS in_repair,
                       x.out, x.overdue, round(x.out * k.cost, 2) AS cores_value, x.oldest_days,
                       a.served, a.refused,
                       round(100.0 * a.served / nullif(a.served + a.refused, 0), 1) AS availability_pct
                  FROM pool k
                  LEFT JOIN pool_target t ON t.location_id = k.location_id AND t.part_id = k.part_id
                 CROSS JOIN LATERAL (
                     SELECT count(*) AS out, count(*) FILTER (WHERE e.state = 'overdue') AS overdue,
                            max(current_date - e.created_at::date) AS oldest_days
                       FROM exchange e WHERE e.part_id = k.part_id AND e.location_id = k.location_id AND e.state <> 'closed') x
                 CROSS JOIN LATERAL (
                     SELECT (SELECT count(*) FROM exchange e WHERE e.part_id = k.part_id AND e.location_id = k.location_id
                                AND e.created_at >= current_date - 90) AS served,
                            (SELECT count(*) FROM exchange_shortage s WHERE s.part_id = k.part_id AND s.location_id = k.location_id
                                AND s.asked_at >= current_date - 90) AS refused) a
                 ORDER BY k.code, k.part_no
                """, [location]).records.map { row throws(PostgresError) in
                PoolRow(location: try row.text("location"), partNo: try row.text("part_no"), target: try row.optionalInt("target"),
                        serviceable: try row.int("serviceable"), coresIn: try row.int("cores_in"), inRepair: try row.int("in_repair"),
                        out: try row.int("out"), overdue: try row.int("overdue"), coresValue: try row.decimal("cores_value"),
                        oldestDays: try row.optionalInt("oldest_days"), served: try row.int("served"), refused: try row.int("refused"),
                        availabilityPercent: try row.optionalDecimal("availability_pct"))
            }
        }
    }
}
