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
    /// Demand lines in the window, in no particular order: day (days since 1970-01-01, as
    /// PlanningDate counts them) and quantity (negative for a return to stock).
    public var demand: [(day: Int, quantity: ExactDecimal)]
    /// The warehouse's (or the part category's) maximum days of supply, when a target is set.
    public var maxDaysOfSupply: Int?
}

/// The history a run reads: whole periods from `from` through `through`.
public struct PlanningWindow: Sendable, Equatable {
    /// "day", "week" or "month", as the proposal records it.
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

    /// Parameters: $1 location codes or NULL for every warehouse and branch, $2 part_no or NULL,
    /// $3 from, $4 through, $5 and $6 the ABC cut-offs.
    ///
    /// The database gathers each part-location's demand lines into two arrays in one pass over
    /// the history, with no sorting; the planner buckets them into periods. ABC classes come
    /// from the last year's issue value ranked within each location: for one part (`plan show`)
    /// that ranking still reads the whole location, so the part gets the class the nightly run
    /// gives it. Part-locations with neither demand in the window nor stock are not planned.
    static func sql(onePart: Bool) -> String {
        let yearly = onePart ? """
            yearly AS (
                SELECT d.part_id, d.location_id, sum(d.quantity) AS year_quantity
                  FROM demand_line d
                 WHERE d.location_id = ANY ((SELECT ids FROM scope)::integer[])
                   AND d.demand_date > $4::date - 365 AND d.demand_date <= $4::date
                 GROUP BY 1, 2),
            """ : """
            yearly AS (SELECT part_id, location_id, year_quantity FROM lines),
            """
        return """
            WITH scope AS (
                SELECT array_agg(id) AS ids FROM location
                 WHERE CASE WHEN $1::text[] IS NULL THEN \(PlannedLocations.predicate()) ELSE code = ANY ($1::text[]) END),
            lines AS (
                SELECT d.part_id, d.location_id, array_agg(d.demand_date - date '1970-01-01') AS days,
                       array_agg(d.quantity) AS quantities,
                       coalesce(sum(d.quantity) FILTER (WHERE d.demand_date > $4::date - 365), 0) AS year_quantity
                  FROM demand_line d
                 WHERE d.location_id = ANY ((SELECT ids FROM scope)::integer[])
                   AND ($2::text IS NULL OR d.part_id = (SELECT id FROM part WHERE part_no = $2::text))
                   AND d.demand_date BETWEEN $3::date AND $4::date
                 GROUP BY 1, 2),
            \(yearly)
            ranked AS (
                SELECT y.part_id, y.location_id, y.year_quantity * p.cost AS issue_value,
                       sum(greatest(y.year_quantity * p.cost, 0)) OVER (PARTITION BY y.location_id) AS total_value,
                       coalesce(sum(greatest(y.year_quantity * p.cost, 0)) OVER (
                           PARTITION BY y.location_id ORDER BY y.year_quantity * p.cost DESC, y.part_id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS value_before
                  FROM yearly y JOIN part p ON p.id = y.part_id),
            stocked AS (
                SELECT part_id, location_id FROM stock_balance
                 WHERE on_hand > 0 AND location_id = ANY ((SELECT ids FROM scope)::integer[])
                   AND ($2::text IS NULL OR part_id = (SELECT id FROM part WHERE part_no = $2::text))),
            planned AS (
                SELECT coalesce(s.part_id, k.part_id) AS part_id, coalesce(s.location_id, k.location_id) AS location_id,
                       s.days, s.quantities
                  FROM lines s FULL JOIN stocked k ON k.part_id = s.part_id AND k.location_id = s.location_id)
            SELECT p.id, p.part_no, l.id, l.code, p.unit, p.cost, p.pack, coalesce(p.lead_days, sup.lead_days),
                   coalesce(b.on_hand, 0), coalesce(b.reserved, 0), coalesce(oo.quantity, 0), coalesce(bo.quantity, 0),
                   CASE WHEN r.issue_value IS NULL OR r.issue_value <= 0 OR r.total_value = 0 THEN 'C'
                        WHEN r.value_before / r.total_value < $5::numeric THEN 'A'
                        WHEN r.value_before / r.total_value < $6::numeric THEN 'B'
                        ELSE 'C' END,
                   x.days, x.quantities, t.max_days
              FROM planned x
              JOIN part p ON p.id = x.part_id
              JOIN location l ON l.id = x.location_id
              LEFT JOIN ranked r ON r.part_id = x.part_id AND r.location_id = x.location_id
              LEFT JOIN stock_balance b ON b.part_id = x.part_id AND b.location_id = x.location_id
              LEFT JOIN open_order_quantity oo ON oo.part_id = x.part_id AND oo.location_id = x.location_id
              LEFT JOIN back_order_quantity bo ON bo.part_id = x.part_id AND bo.location_id = x.location_id
              LEFT JOIN supplier sup ON sup.code = p.supplier
              LEFT JOIN LATERAL (
                  SELECT max_days FROM turnover_target t
                   WHERE t.location_id = l.id AND t.category IN ('', coalesce(p.category, ''))
                   ORDER BY t.category DESC LIMIT 1) t ON true
            """
    }

    static func parameters(locations: [String]?, partNo: String?, window: PlanningWindow) -> [String?] {
        [locations.map(ArrayLiteral.quoted), partNo, window.from, window.through, abcCutoffs.a, abcCutoffs.b]
    }

    static func parse(_ row: [String?]) -> PlanningRow {
        PlanningRow(
            partID: Int(row[0]!)!, partNo: row[1]!, locationID: Int(row[2]!)!, location: row[3]!, unit: row[4]!,
            cost: number(row[5]), pack: number(row[6]), leadDays: row[7].flatMap { Int($0) },
            onHand: number(row[8]), reserved: number(row[9]), onOrder: number(row[10]), backOrdered: number(row[11]),
            abcClass: row[12]!, demand: demandLines(days: row[13], quantities: row[14]),
            maxDaysOfSupply: row[15].flatMap { Int($0) })
    }

    /// Zips the two arrays of a row. A run reads millions of these elements, so they are
    /// scanned as bytes: PostgreSQL writes integers and numerics in arrays unquoted
    /// (`{20390,20417}`, `{1.000,2.500}`).
    static func demandLines(days: String?, quantities: String?) -> [(day: Int, quantity: ExactDecimal)] {
        guard let days, let quantities else { return [] }
        var lines: [(day: Int, quantity: ExactDecimal)] = []
        var dayBytes = days.utf8.dropFirst().makeIterator()
        var quantityBytes = quantities.utf8.dropFirst().makeIterator()
        while let day = nextNumber(&dayBytes), let quantity = nextNumber(&quantityBytes) {
            lines.append((Int(day.units), quantity))
        }
        return lines
    }

    /// A numeric column, scanned like an array element.
    private static func number(_ text: String?) -> ExactDecimal {
        guard let text else { return .zero }
        var bytes = (text + "}").utf8.makeIterator()
        return nextNumber(&bytes) ?? .zero
    }

    /// The next element up to `,` or `}`: an optional minus, digits, an optional fraction.
    private static func nextNumber(_ bytes: inout some IteratorProtocol<UInt8>) -> ExactDecimal? {
        var units: Int64 = 0
        var scale = 0
        var negative = false
        var fraction = false
        var digits = 0
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): fraction = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                units = units &* 10 &+ Int64(byte &- UInt8(ascii: "0"))
                digits += 1
                if fraction { scale += 1 }
            default:
                guard digits > 0, scale <= 9 else { return nil }
                return ExactDecimal(units: negative ? -units : units, scale: scale)
            }
        }
        return nil
    }
}

extension PartsStore {
    /// The locations a run over every location plans: warehouses and branches.
    public func planningLocationCodes() async throws(StoreError) -> [String] {
        try await read { connection throws(PostgresError) in
            try connection.query("SELECT code FROM location WHERE \(PlannedLocations.predicate()) ORDER BY id").rows.map { $0[0]! }
        }
    }

    /// One part at one location, for `plan show`; nil when it has neither stock nor demand there.
    public func planningRow(partNo: String, location: String, window: PlanningWindow) async throws(StoreError) -> PlanningRow? {
        try await requirePart(partNo)
        return try await read { connection throws(PostgresError) in
            guard try connection.query("SELECT 1 FROM location WHERE code = $1", [location]).count == 1 else {
                throw .server(ServerError(sqlState: "PS404", message: "unknown location \(location)"))
            }
            return try connection.query(PlanningRows.sql(onePart: true), PlanningRows.parameters(locations: [location], partNo: partNo, window: window))
                .rows.first.map(PlanningRows.parse)
        }
    }
}
