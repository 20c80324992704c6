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
    /// "A", "B" or "C" by the value of the last year's demand, ranked within the location
    /// (abc_ranking).
    public var abcClass: String
    /// Demand lines in the window, in no particular order: day (days since 1970-01-01, as
    /// PlanningDate counts them) and quantity (negative for a return to stock).
    public var demand: [(day: Int, quantity: ExactDecimal)]
    /// The warehouse's (or the part category's) maximum days of supply, when a target is set.
    public var maxDaysOfSupply: Int?
    /// The day (as `demand` counts them) the part's history at the location starts, when it
    /// is known to start before its first demand: the part's creation, or the `since=` of an
    /// imported history, whichever is earlier. The periods from there to the first demand
    /// are periods without demand.
    public var introducedDay: Int?
    /// Lead times seen on the part's purchase orders from its supplier, when there are any.
    public var receivedLeadTime: ReceivedLeadTime? = nil
    /// The part's own fill-rate target (`part set fill_rate=`), over its class's.
    public var fillRate: Double? = nil
    /// The method the last `job run method-trial` chose for the part-location, when it chose one.
    public var methodTrial: MethodTrial? = nil
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
    /// Every part-location of the locations ($2 NULL): the ABC classes rank the year's demand
    /// the query sums in the same pass that gathers the lines, so the history is read once.
    /// Stock held without demand is not ranked: it would rank last at no value, as C, and the
    /// final select gives every unranked part-location C.
    static let locationsSQL = sql(ranked: """
        SELECT r.location_id, r.part_id, r.abc_class
          FROM (SELECT array_agg(location_id) AS location_ids, array_agg(part_id) AS part_ids,
                       array_agg(year_quantity) AS quantities
                  FROM lines WHERE year_quantity IS NOT NULL) demand,
               abc_ranking_of(demand.location_ids, demand.part_ids, demand.quantities) r
        """)

    /// One part ($2): its lines are all the query gathers, so its class comes from the
    /// location's ranking read on its own (abc_ranking over the same year). The locations are
    /// passed as a column, not a subquery: PostgreSQL inlines a SQL function only when no
    /// argument is a subquery, and run on its own with the locations unknown when planned,
    /// abc_ranking took 1.2 s for a location of 50,000 part-locations against 0.3 inlined.
    static let partSQL = sql(ranked: """
        SELECT r.location_id, r.part_id, r.abc_class FROM scope, abc_ranking(scope.ids, $4::date - 364, $4::date) r
        """)

    /// Parameters: $1 location codes or NULL for every warehouse and branch, $2 part_no or NULL,
    /// $3 from, $4 through.
    ///
    /// The database gathers each part-location's demand lines into two arrays in one pass over
    /// the history, location by location (the imported history in the order of
    /// demand_history_location_idx, so with no sorting, the ledger's apart, joined to it by
    /// part-location), reading only the locations asked for; the planner buckets them into
    /// periods. The same pass sums each part-location's demand over the year up to `through`,
    /// which the window may not cover. ABC classes are abc_ranking's over that year, ranked
    /// within each location (`ranked`: a query giving location_id, part_id, abc_class): for one
    /// part (`plan show`) that ranking still reads the whole location, so the part gets the
    /// class the nightly run gives it and `report abc` shows. Part-locations with neither
    /// demand in the window nor stock are not planned.
    private static func sql(ranked: String) -> String {
        """
        WITH scope AS (
            SELECT array_agg(id) AS ids FROM location
             WHERE CASE WHEN $1::text[] IS NULL THEN \(PlannedLocations.predicate()) ELSE code = ANY ($1::text[]) END),
        lines AS (
            SELECT coalesce(h.part_id, g.part_id) AS part_id, coalesce(h.location_id, g.location_id) AS location_id,
                   h.days || g.days AS days, h.quantities || g.quantities AS quantities,
                   CASE WHEN g.year_quantity IS NULL THEN h.year_quantity WHEN h.year_quantity IS NULL THEN g.year_quantity
                        ELSE h.year_quantity + g.year_quantity END AS year_quantity
              FROM (\(grouped("demand_history"))) h
              FULL JOIN (\(grouped("document_demand_line"))) g ON g.location_id = h.location_id AND g.part_id = h.part_id),
        ranked AS (
        \(ranked)),
        stocked AS (
            SELECT part_id, location_id FROM stock_balance
             WHERE on_hand > 0 AND location_id = ANY ((SELECT ids FROM scope)::integer[])
               AND ($2::text IS NULL OR part_id = (SELECT id FROM part WHERE part_no = $2::text))),
        received AS (
            -- Each order line once, at its first receipt: ordered date to received date.
            SELECT part_id, supplier_id, count(*) AS receipts, avg(days) AS mean_days,
                   coalesce(stddev_samp(days), 0) AS sd_days
              FROM (SELECT l.part_id, o.supplier_id, min(d.doc_date) - o.created_at::date AS days,
                           row_number() OVER (PARTITION BY l.part_id, o.supplier_id ORDER BY o.created_at DESC, o.id DESC) AS recent
                      FROM po_line l
                      JOIN purchase_order o ON o.id = l.po_id
                      JOIN po_receipt r ON r.po_id = o.id
                      JOIN document d ON d.id = r.document_id AND d.location_id = l.location_id
                     WHERE EXISTS (SELECT 1 FROM document_line dl WHERE dl.document_id = d.id AND dl.part_id = l.part_id)
                       AND ($2::text IS NULL OR l.part_id = (SELECT id FROM part WHERE part_no = $2::text))
                     GROUP BY l.po_id, l.line_no, l.part_id, o.supplier_id, o.created_at, o.id) x
             WHERE recent <= \(ReceivedLeadTime.latest)
             GROUP BY 1, 2),
        planned AS (
            SELECT coalesce(s.part_id, k.part_id) AS part_id, coalesce(s.location_id, k.location_id) AS location_id,
                   s.days, s.quantities
              FROM (SELECT * FROM lines WHERE days IS NOT NULL) s FULL JOIN stocked k ON k.part_id = s.part_id AND k.location_id = s.location_id)
        SELECT p.id AS part_id, p.part_no, l.id AS location_id, l.code AS location, p.unit, p.cost, p.pack, p.fill_rate,
               coalesce(p.lead_days, sup.lead_days) AS lead_days,
               coalesce(b.on_hand, 0) AS on_hand, coalesce(b.reserved, 0) AS reserved,
               coalesce(oo.quantity, 0) AS on_order, coalesce(bo.quantity, 0) AS back_ordered,
               coalesce(r.abc_class, 'C') AS abc_class, x.days, x.quantities, t.max_days,
               least(hs.since, p.created_at::date) - date '1970-01-01' AS introduced_day,
               rc.receipts AS lead_receipts, rc.mean_days AS received_lead_days, rc.sd_days AS received_lead_days_sd,
               \(MethodTrial.columns("mt"))
          FROM planned x
          JOIN part p ON p.id = x.part_id
          JOIN location l ON l.id = x.location_id
          LEFT JOIN ranked r ON r.part_id = x.part_id AND r.location_id = x.location_id
          LEFT JOIN stock_balance b ON b.part_id = x.part_id AND b.location_id = x.location_id
          LEFT JOIN open_order_quantity oo ON oo.part_id = x.part_id AND oo.location_id = x.location_id
          LEFT JOIN back_order_quantity bo ON bo.part_id = x.part_id AND bo.location_id = x.location_id
          LEFT JOIN supplier sup ON sup.code = p.supplier
          LEFT JOIN demand_history_start hs ON hs.part_id = x.part_id AND hs.location_id = x.location_id
          LEFT JOIN received rc ON rc.part_id = x.part_id AND rc.supplier_id = sup.id
          LEFT JOIN method_trial mt ON mt.part_id = x.part_id AND mt.location_id = x.location_id
          LEFT JOIN LATERAL (
              SELECT max_days FROM turnover_target t
               WHERE t.location_id = l.id AND t.category IN ('', coalesce(p.category, ''))
               ORDER BY t.category DESC LIMIT 1) t ON true
        """
    }

    /// One part-location a row: its demand lines in `source` (demand_line's two halves, which
    /// `lines` groups apart: merging their rows in the view's union cost a quarter of the
    /// grouping) as two arrays, and its sum over the year up to `through`.
    private static func grouped(_ source: String) -> String {
        """
        SELECT d.part_id, d.location_id,
                       array_agg(d.demand_date - date '1970-01-01') FILTER (WHERE d.demand_date >= $3::date) AS days,
                       array_agg(d.quantity) FILTER (WHERE d.demand_date >= $3::date) AS quantities,
                       sum(d.quantity) FILTER (WHERE d.demand_date >= $4::date - 364) AS year_quantity
                  FROM \(source) d
                 WHERE d.location_id = ANY ((SELECT ids FROM scope)::integer[])
                   AND ($2::text IS NULL OR d.part_id = (SELECT id FROM part WHERE part_no = $2::text))
                   AND d.demand_date BETWEEN least($3::date, $4::date - 364) AND $4::date
                 GROUP BY d.location_id, d.part_id
        """
    }

    static func parameters(locations: [String]?, partNo: String?, window: PlanningWindow) -> [String?] {
        [locations.map(ArrayLiteral.quoted), partNo, window.from, window.through]
    }

    /// Where each column is, resolved once per result: a run parses hundreds of thousands of
    /// rows, and looking every name up again for each would cost as much as the parsing.
    struct Columns {
        let partID, partNo, locationID, location, unit, cost, pack, leadDays: Int
        let onHand, reserved, onOrder, backOrdered, abcClass, days, quantities, maxDays, introducedDay: Int
        let leadReceipts, receivedLeadDays, receivedLeadDaysSD, fillRate: Int
        let trial: MethodTrial.Columns

        init(_ names: ColumnNames) throws(PostgresError) {
            partID = try names.position("part_id")
            partNo = try names.position("part_no")
            locationID = try names.position("location_id")
            location = try names.position("location")
            unit = try names.position("unit")
            cost = try names.position("cost")
            pack = try names.position("pack")
            leadDays = try names.position("lead_days")
            onHand = try names.position("on_hand")
            reserved = try names.position("reserved")
            onOrder = try names.position("on_order")
            backOrdered = try names.position("back_ordered")
            abcClass = try names.position("abc_class")
            days = try names.position("days")
            quantities = try names.position("quantities")
            maxDays = try names.position("max_days")
            introducedDay = try names.position("introduced_day")
            leadReceipts = try names.position("lead_receipts")
            receivedLeadDays = try names.position("received_lead_days")
            receivedLeadDaysSD = try names.position("received_lead_days_sd")
            fillRate = try names.position("fill_rate")
            trial = try MethodTrial.Columns(names)
        }
    }

    /// Every row of a result, parsed.
    static func parse(_ result: QueryResult) throws(PostgresError) -> [PlanningRow] {
        guard let first = result.records.first else { return [] }
        let columns = try Columns(first.names)
        return try result.records.map { row throws(PostgresError) in try parse(row.values, columns) }
    }

    static func parse(_ values: [String?], _ at: Columns) throws(PostgresError) -> PlanningRow {
        func text(_ position: Int, _ name: String) throws(PostgresError) -> String {
            guard let value = values[position] else { throw .decoding("column \(name) is NULL") }
            return value
        }
        func whole(_ position: Int, _ name: String) throws(PostgresError) -> Int {
            let value = try text(position, name)
            guard let number = Int(value) else { throw .decoding("column \(name) is not a whole number: \(value)") }
            return number
        }
        return PlanningRow(
            partID: try whole(at.partID, "part_id"), partNo: try text(at.partNo, "part_no"),
            locationID: try whole(at.locationID, "location_id"), location: try text(at.location, "location"),
            unit: try text(at.unit, "unit"), cost: number(values[at.cost]), pack: number(values[at.pack]),
            leadDays: values[at.leadDays].flatMap { Int($0) },
            onHand: number(values[at.onHand]), reserved: number(values[at.reserved]), onOrder: number(values[at.onOrder]),
            backOrdered: number(values[at.backOrdered]), abcClass: try text(at.abcClass, "abc_class"),
            demand: demandLines(days: values[at.days], quantities: values[at.quantities]),
            maxDaysOfSupply: values[at.maxDays].flatMap { Int($0) },
            introducedDay: values[at.introducedDay].flatMap { Int($0) },
            receivedLeadTime: receivedLeadTime(values, at), fillRate: values[at.fillRate].flatMap { Double($0) },
            methodTrial: MethodTrial.parse(values, at.trial))
    }

    private static func receivedLeadTime(_ values: [String?], _ at: Columns) -> ReceivedLeadTime? {
        guard let receipts = values[at.leadReceipts].flatMap({ Int($0) }),
              let mean = values[at.receivedLeadDays].flatMap({ Double($0) }),
              let spread = values[at.receivedLeadDaysSD].flatMap({ Double($0) })
        else { return nil }
        return ReceivedLeadTime(receipts: receipts, meanDays: mean, standardDeviationDays: spread)
    }

    /// Zips the two arrays of a row. A run reads millions of these elements, so they are
    /// scanned as bytes: PostgreSQL writes integers and numerics in arrays unquoted
    /// (`{20390,20417}`, `{1.000,2.500}`).
    static func demandLines(days: String?, quantities: String?) -> [(day: Int, quantity: ExactDecimal)] {
        guard var days, var quantities else { return [] }
        return days.withUTF8 { dayBytes in
            quantities.withUTF8 { quantityBytes in
                var lines: [(day: Int, quantity: ExactDecimal)] = []
                // One element a comma, and one more.
                lines.reserveCapacity(dayBytes.reduce(1) { $1 == UInt8(ascii: ",") ? $0 + 1 : $0 })
                var dayAt = 1  // past the "{"
                var quantityAt = 1
                while let day = nextNumber(dayBytes, &dayAt), let quantity = nextNumber(quantityBytes, &quantityAt) {
                    lines.append((Int(day.units), quantity))
                }
                return lines
            }
        }
    }

    /// A numeric column, scanned like an array element.
    private static func number(_ text: String?) -> ExactDecimal {
        guard var text else { return .zero }
        return text.withUTF8 { bytes in
            var at = 0
            return nextNumber(bytes, &at) ?? .zero
        }
    }

    /// The element at `index` up to `,`, `}` or the end: an optional minus, digits, an
    /// optional fraction; `index` moves past it.
    private static func nextNumber(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> ExactDecimal? {
        var units: Int64 = 0
        var scale = 0
        var negative = false
        var fraction = false
        var digits = 0
        scan: while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): fraction = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                units = units &* 10 &+ Int64(byte &- UInt8(ascii: "0"))
                digits += 1
                if fraction { scale += 1 }
            default:
                break scan
            }
        }
        return digits > 0 && scale <= 9 ? ExactDecimal(units: negative ? -units : units, scale: scale) : nil
    }
}

extension PartsStore {
    /// The locations a run over every location plans: warehouses and branches.
    public func planningLocationCodes() async throws(StoreError) -> [String] {
        try await read { connection throws(PostgresError) in
            try connection.query("SELECT code FROM location WHERE \(PlannedLocations.predicate()) ORDER BY id")
                .records.map { row throws(PostgresError) in try row.text("code") }
        }
    }

    /// Every part-location planned at `location`, by part number, at most `limit` of them
    /// (`plan budget` asks for one more than it takes, to tell a location that is too large).
    public func planningRows(location: String, window: PlanningWindow, limit: Int) async throws(StoreError) -> [PlanningRow] {
        try await requireLocation(location)
        return try await report { connection throws(PostgresError) in
            try PlanningRows.parse(connection.query(PlanningRows.locationsSQL + " ORDER BY p.part_no LIMIT $5::integer",
                                                    PlanningRows.parameters(locations: [location], partNo: nil, window: window)
                                                        + [String(limit)]))
        }
    }

    /// One part at one location, for `plan show`; nil when it has neither stock nor demand there.
    public func planningRow(partNo: String, location: String, window: PlanningWindow) async throws(StoreError) -> PlanningRow? {
        try await requirePart(partNo)
        try await requireLocation(location)
        return try await report { connection throws(PostgresError) in
            try PlanningRows.parse(connection.query(PlanningRows.partSQL,
                                                    PlanningRows.parameters(locations: [location], partNo: partNo, window: window))).first
        }
    }
}
