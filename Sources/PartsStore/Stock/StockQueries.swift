import PartsDomain
import PostgresClient

/// One part at one location, as `stock show` and `stock list` print it.
public struct StockRow: Sendable, Equatable {
    public var partNo: String
    public var description: String
    public var unit: String
    public var location: String
    public var onHand: ExactDecimal
    public var reserved: ExactDecimal
    public var available: ExactDecimal
    public var onOrder: ExactDecimal
    public var averageCost: ExactDecimal
    public var value: ExactDecimal
}

/// A part and its stock by location, as `stock show` prints it.
public struct PartStock: Sendable, Equatable {
    public var partNo: String
    public var description: String
    public var unit: String
    public var rows: [StockRow]
}

/// One ledger movement with the running balance right after it.
public struct MovementRow: Sendable, Equatable {
    public var postedAt: String
    public var docNo: String
    public var location: String
    public var quantity: ExactDecimal
    public var balanceAfter: ExactDecimal
    public var unitCost: ExactDecimal
}

/// A document's header line in `doc list`.
public struct DocumentSummary: Sendable, Equatable {
    public var docNo: String
    public var type: String
    public var postedAt: String
    public var location: String
    public var toLocation: String?
    public var clerk: String
    public var lines: Int
    public var total: ExactDecimal
}

extension PartsStore {
    static let stockSelect = """
        SELECT p.part_no, p.description, p.unit, l.code AS location, b.on_hand, b.reserved, b.on_hand - b.reserved AS available,
               on_order(b.part_id, b.location_id) AS on_order, b.avg_cost, round(b.on_hand * b.avg_cost, 2) AS value
          FROM stock_balance b
          JOIN part p ON p.id = b.part_id
          JOIN location l ON l.id = b.location_id
        """

    /// Every location that holds or held the part, or has it on order (or just one), for
    /// `stock show`: a part ordered for a location it never was at shows there too.
    ///
    /// One statement (with partAndPlace), whose first row names the part even where no
    /// location has it: a clerk's most frequent look-up, and each statement is a round trip to
    /// the database's thread and back, which cost more than the query itself.
    public func stock(partNo: String, location: String?) async throws(StoreError) -> PartStock {
        try await read { connection throws(PostgresError) in
            let records = try connection.query(Self.partAndPlace + """
                SELECT w.part_no, w.description, w.unit, l.code AS location, coalesce(b.on_hand, 0)::numeric(15,3) AS on_hand,
                       coalesce(b.reserved, 0)::numeric(15,3) AS reserved,
                       coalesce(b.on_hand - b.reserved, 0)::numeric(15,3) AS available,
                       on_order(k.part_id, k.location_id) AS on_order, coalesce(b.avg_cost, 0)::numeric(15,4) AS avg_cost,
                       coalesce(round(b.on_hand * b.avg_cost, 2), 0)::numeric(18,2) AS value
                  FROM wanted w CROSS JOIN place
                  LEFT JOIN LATERAL (SELECT part_id, location_id FROM stock_balance
                                      WHERE part_id = w.id AND (place.id IS NULL OR location_id = place.id)
                                     UNION
                                     SELECT part_id, location_id FROM po_line
                                      WHERE part_id = w.id AND NOT closed AND (place.id IS NULL OR location_id = place.id)) k ON true
                  LEFT JOIN location l ON l.id = k.location_id
                  LEFT JOIN stock_balance b ON b.part_id = k.part_id AND b.location_id = k.location_id
                 ORDER BY l.code
                """, [partNo, location]).records
            guard let first = records.first else { throw .decoding("stock show read no row for part \(partNo)") }
            var rows: [StockRow] = []
            for record in records where try record.optionalText("location") != nil { rows.append(try Self.stockRow(record)) }
            return PartStock(partNo: try first.text("part_no"), description: try first.text("description"),
                             unit: try first.text("unit"), rows: rows)
        }
    }

    /// Balances with stock or reservations, by location then part, for `stock list`.
    public func stockList(location: String?, after: String?, limit: Int) async throws(StoreError) -> [StockRow] {
        if let location { try await requireLocation(location) }
        return try await read { connection throws(PostgresError) in
            try connection.query(Self.stockSelect + """
                 WHERE ($1::text IS NULL OR l.code = $1) AND (b.on_hand > 0 OR b.reserved > 0)
                   AND ($2::text IS NULL OR p.part_no > $2)
                 ORDER BY l.code, p.part_no LIMIT $3
                """, [location, after, String(limit)]).records.map(Self.stockRow)
        }
    }

    /// Balances with stock, by location then part, paged by (location, part) so that one
    /// export can walk every location: `stock export`, the opening stock of another system.
    public func stockExport(location: String?, after: (location: String, partNo: String)?, limit: Int) async throws(StoreError) -> [StockRow] {
        if let location { try await requireLocation(location) }
        return try await read { connection throws(PostgresError) in
            try connection.query(Self.stockSelect + """
                 WHERE ($1::text IS NULL OR l.code = $1) AND b.on_hand > 0
                   AND ($2::text IS NULL OR (l.code, p.part_no) > ($2, $3::text))
                 ORDER BY l.code, p.part_no LIMIT $4
                """, [location, after?.location, after?.partNo, String(limit)]).records.map(Self.stockRow)
        }
    }

    /// The part's movements, newest first, each with the balance right after it: one
    /// statement, as `stock show` (see there), whose part row comes with no movement when the
    /// part has none.
    public func ledger(partNo: String, location: String?, limit: Int) async throws(StoreError) -> [MovementRow] {
        try await read { connection throws(PostgresError) in
            var rows: [MovementRow] = []
            for row in try connection.query(Self.partAndPlace + """
                SELECT mv.* FROM wanted w CROSS JOIN place
                  LEFT JOIN LATERAL (SELECT m.id, m.posted_at, d.doc_no, l.code AS location, m.quantity, m.balance_after, m.unit_cost
                                       FROM stock_movement m
                                       JOIN location l ON l.id = m.location_id
                                       JOIN document d ON d.id = m.document_id
                                      WHERE m.part_id = w.id AND (place.id IS NULL OR m.location_id = place.id)
                                      ORDER BY m.id DESC LIMIT $3) mv ON true
                 ORDER BY mv.id DESC
                """, [partNo, location, String(limit)]).records where try row.optionalText("doc_no") != nil {
                rows.append(MovementRow(postedAt: try row.text("posted_at"), docNo: try row.text("doc_no"),
                                        location: try row.text("location"), quantity: try row.decimal("quantity"),
                                        balanceAfter: try row.decimal("balance_after"), unitCost: try row.decimal("unit_cost")))
            }
            return rows
        }
    }

    /// The part `$1` and the location `$2` (when given) a look-up is of, refused as part_named
    /// and location_named refuse them, in that order (place reads wanted). Both are scanned
    /// first, by a query that selects from them and joins the rest laterally: a join could
    /// skip them when the other side is empty, and then an unknown name would read as nothing.
    static let partAndPlace = """
        WITH wanted AS MATERIALIZED (SELECT id, part_no, description, unit FROM part_named($1)),
             place AS MATERIALIZED (SELECT CASE WHEN $2::text IS NOT NULL THEN (location_named($2)).id END AS id FROM wanted)

        """

    /// Documents newest first, for `doc list`.
    public func documents(type: String?, since: String?, limit: Int) async throws(StoreError) -> [DocumentSummary] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT d.doc_no, d.doc_type, d.posted_at, l.code AS location, tl.code AS to_location, d.clerk,
                       (SELECT count(*) FROM document_line dl WHERE dl.document_id = d.id) AS lines,
                       (SELECT coalesce(sum(value), 0) FROM document_line dl WHERE dl.document_id = d.id) AS total
                  FROM document d
                  JOIN location l ON l.id = d.location_id
                  LEFT JOIN location tl ON tl.id = d.to_location_id
                 WHERE ($1::text IS NULL OR d.doc_type = $1) AND ($2::date IS NULL OR d.doc_date >= $2::date)
                 ORDER BY d.posted_at DESC, d.id DESC LIMIT $3
                """, [type, since, String(limit)]).records.map { row throws(PostgresError) in
                DocumentSummary(docNo: try row.text("doc_no"), type: try row.text("doc_type"), postedAt: try row.text("posted_at"),
                                location: try row.text("location"), toLocation: try row.optionalText("to_location"),
                                clerk: try row.text("clerk"), lines: try row.int("lines"), total: try row.decimal("total"))
            }
        }
    }

    /// Balances that disagree with the sum of their movements: always none.
    public func ledgerDiscrepancies() async throws(StoreError) -> Int {
        try await read { connection throws(PostgresError) in
            try connection.query("SELECT count(*) AS discrepancies FROM ledger_discrepancy").records[0].int("discrepancies")
        }
    }

    static func stockRow(_ row: Row) throws(PostgresError) -> StockRow {
        StockRow(partNo: try row.text("part_no"), description: try row.text("description"), unit: try row.text("unit"),
                 location: try row.text("location"), onHand: try row.decimal("on_hand"), reserved: try row.decimal("reserved"),
                 available: try row.decimal("available"), onOrder: try row.decimal("on_order"),
                 averageCost: try row.decimal("avg_cost"), value: try row.decimal("value"))
    }

    /// Refuses a part number no part has, with part_named's refusal: a report on an unknown
    /// part says so as a workflow would.
    func requirePart(_ partNo: String) async throws(StoreError) {
        _ = try await read { connection throws(PostgresError) in
            try connection.query("SELECT (part_named($1)).id AS id", [partNo])
        }
    }

    /// Refuses an unknown location code, with location_named's refusal.
    public func requireLocation(_ code: String) async throws(StoreError) {
        _ = try await read { connection throws(PostgresError) in
            try connection.query("SELECT (location_named($1)).id AS id", [code])
        }
    }
}
