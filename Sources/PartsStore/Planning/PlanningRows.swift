import PartsDomain
import PostgresClient

/// Everything planning reads about one part at one location: master data, stock position,
/// its ABC class at that location and its demand per period. `plan show` reads one; a reorder
/// run streams them all through a cursor.
public struct PlanningRow: Sendable {
    public var partID: Int
    public var partNo: String
    public var locationID: Int
    public var location: String
    public var unit: String
    public var cost: ExactDecimal
    public var pack: ExactDecimal
    public var leadDays: Int?
    public var onHand: ExactDecimal
    public var reserved: ExactDecimal
    public var onOrder: ExactDecimal
    public var backOrdered: ExactDecimal
    /// "A", "B" or "C" by issue value over the last year, ranked within the location.
    public var abcClass: String
    /// Demand per period start, oldest first; periods without demand are absent.
    public var demand: [(start: String, quantity: ExactDecimal)]
    /// The warehouse's (or the part category's) maximum days of supply, when a target is set.
    public var maxDaysOfSupply: Int?
}

/// The history a run reads: whole periods from `from` through `through`.
public struct PlanningWindow: Sendable, Equatable {
    /// "day", "week" or "month": how demand is bucketed in SQL.
    public var period: String
    public var from: String
    public var through: String

    public init(period: String, from: String, through: String) {
        self.period = period
        self.from = from
        self.through = through
    }
}

enum PlanningRows {
    /// ABC cut-offs on the cumulative share of issue value before a part (as
    /// `ABCClassification.classify` does it).
    static let abcCutoffs = (a: "0.80", b: "0.95")

    /// Parameters: $1 location code or NULL for every warehouse and branch, $2 part_no or NULL,
    /// $3 from, $4 through, $5 period, $6 and $7 the ABC cut-offs.
    ///
    /// Issue values for ABC are ranked over the whole location even when one part is asked
    /// for, so `plan show` and the nightly run give a part the same class. Part-locations with
    /// neither demand in the window nor stock are not planned.
    static let sql = """
        WITH scope AS (
            SELECT id FROM location
             WHERE CASE WHEN $1::text IS NULL THEN kind IN ('warehouse', 'branch') ELSE code = $1::text END),
        asked AS (SELECT id FROM part WHERE part_no = $2::text),
        yearly AS (
            SELECT d.part_id, d.location_id, sum(d.quantity) AS quantity
              FROM demand_line d
             WHERE d.location_id IN (SELECT id FROM scope)
               AND d.demand_date > $4::date - 365 AND d.demand_date <= $4::date
             GROUP BY 1, 2),
        ranked AS (
            SELECT y.part_id, y.location_id, y.quantity * p.cost AS issue_value,
                   sum(greatest(y.quantity * p.cost, 0)) OVER (PARTITION BY y.location_id) AS total_value,
                   coalesce(sum(greatest(y.quantity * p.cost, 0)) OVER (
                       PARTITION BY y.location_id ORDER BY y.quantity * p.cost DESC, y.part_id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS value_before
              FROM yearly y JOIN part p ON p.id = y.part_id),
        buckets AS (
            SELECT d.part_id, d.location_id,
                   CASE $5::text WHEN 'day' THEN d.demand_date
                                 WHEN 'month' THEN date_trunc('month', d.demand_date)::date
                                 ELSE date_trunc('week', d.demand_date)::date END AS period_start,
                   sum(d.quantity) AS quantity
              FROM demand_line d
             WHERE d.location_id IN (SELECT id FROM scope)
               AND ($2::text IS NULL OR d.part_id = (SELECT id FROM asked))
               AND d.demand_date BETWEEN $3::date AND $4::date
             GROUP BY 1, 2, 3),
        series AS (
            SELECT part_id, location_id, array_agg(period_start ORDER BY period_start) AS starts,
                   array_agg(quantity ORDER BY period_start) AS quantities
              FROM buckets GROUP BY 1, 2),
        stocked AS (
            SELECT part_id, location_id FROM stock_balance
             WHERE on_hand > 0 AND location_id IN (SELECT id FROM scope)
               AND ($2::text IS NULL OR part_id = (SELECT id FROM asked))),
        planned AS (
            SELECT coalesce(s.part_id, k.part_id) AS part_id, coalesce(s.location_id, k.location_id) AS location_id,
                   s.starts, s.quantities
              FROM series s FULL JOIN stocked k ON k.part_id = s.part_id AND k.location_id = s.location_id)
        SELECT p.id, p.part_no, l.id, l.code, p.unit, p.cost, p.pack, p.lead_days,
               coalesce(b.on_hand, 0), coalesce(b.reserved, 0), on_order(p.id, l.id), back_ordered(p.id, l.id),
               CASE WHEN r.issue_value IS NULL OR r.issue_value <= 0 OR r.total_value = 0 THEN 'C'
                    WHEN r.value_before / r.total_value < $6::numeric THEN 'A'
                    WHEN r.value_before / r.total_value < $7::numeric THEN 'B'
                    ELSE 'C' END,
               x.starts, x.quantities, t.max_days
          FROM planned x
          JOIN part p ON p.id = x.part_id
          JOIN location l ON l.id = x.location_id
          LEFT JOIN ranked r ON r.part_id = x.part_id AND r.location_id = x.location_id
          LEFT JOIN stock_balance b ON b.part_id = x.part_id AND b.location_id = x.location_id
          LEFT JOIN LATERAL (
              SELECT max_days FROM turnover_target t
               WHERE t.location_id = l.id AND t.category IN ('', coalesce(p.category, ''))
               ORDER BY t.category DESC LIMIT 1) t ON true
         ORDER BY l.code, p.part_no
        """

    static func parameters(location: String?, partNo: String?, window: PlanningWindow) -> [String?] {
        [location, partNo, window.from, window.through, window.period, abcCutoffs.a, abcCutoffs.b]
    }

    static func parse(_ row: [String?]) -> PlanningRow {
        let starts = arrayElements(row[13])
        let quantities = arrayElements(row[14])
        return PlanningRow(
            partID: Int(row[0]!)!, partNo: row[1]!, locationID: Int(row[2]!)!, location: row[3]!, unit: row[4]!,
            cost: decimal(row[5]), pack: decimal(row[6]), leadDays: row[7].flatMap { Int($0) },
            onHand: decimal(row[8]), reserved: decimal(row[9]), onOrder: decimal(row[10]), backOrdered: decimal(row[11]),
            abcClass: row[12]!,
            demand: zip(starts, quantities).map { (start: String($0.0), quantity: decimal(String($0.1))) },
            maxDaysOfSupply: row[15].flatMap { Int($0) })
    }

    /// The elements of a one-dimensional array of dates or numbers in PostgreSQL's text form
    /// (`{2026-01-05,2026-01-12}`): no element needs quoting.
    private static func arrayElements(_ text: String?) -> [Substring] {
        guard let text, text.count > 2 else { return [] }
        return text.dropFirst().dropLast().split(separator: ",")
    }
}

extension PartsStore {
    /// The database's date today: planning windows end at the periods before it.
    public func today() async throws(StoreError) -> String {
        try await read { connection throws(PostgresError) in try connection.query("SELECT current_date::text").scalar! }
    }

    /// One part at one location, for `plan show`; nil when it has neither stock nor demand there.
    public func planningRow(partNo: String, location: String, window: PlanningWindow) async throws(StoreError) -> PlanningRow? {
        try await requirePart(partNo)
        return try await read { connection throws(PostgresError) in
            guard try connection.query("SELECT 1 FROM location WHERE code = $1", [location]).count == 1 else {
                throw .server(ServerError(sqlState: "PS404", message: "unknown location \(location)"))
            }
            return try connection.query(PlanningRows.sql, PlanningRows.parameters(location: location, partNo: partNo, window: window))
                .rows.first.map(PlanningRows.parse)
        }
    }
}
