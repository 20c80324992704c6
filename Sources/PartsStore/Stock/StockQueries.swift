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
        SELECT p.part_no, p.description, p.unit, l.code, b.on_hand, b.reserved, b.on_hand - b.reserved,
               on_order(b.part_id, b.location_id), b.avg_cost, round(b.on_hand * b.avg_cost, 2)
          FROM stock_balance b
          JOIN part p ON p.id = b.part_id
          JOIN location l ON l.id = b.location_id
        """

    /// Every location that holds or held the part, or has it on order (or just one), for
    /// `stock show`: a part ordered for a location it never was at shows there too.
    public func stock(partNo: String, location: String?) async throws(StoreError) -> [StockRow] {
        try await requirePart(partNo)
        if let location { try await requireLocation(location) }
        return try await read { connection throws(PostgresError) in
            try connection.query("""
                WITH wanted AS (SELECT id FROM part WHERE part_no = $1)
                SELECT p.part_no, p.description, p.unit, l.code, coalesce(b.on_hand, 0)::numeric(15,3),
                       coalesce(b.reserved, 0)::numeric(15,3), coalesce(b.on_hand - b.reserved, 0)::numeric(15,3),
                       on_order(k.part_id, k.location_id), coalesce(b.avg_cost, 0)::numeric(15,4),
                       coalesce(round(b.on_hand * b.avg_cost, 2), 0)::numeric(18,2)
                  FROM (SELECT part_id, location_id FROM stock_balance WHERE part_id = (SELECT id FROM wanted)
                        UNION
                        SELECT part_id, location_id FROM po_line WHERE part_id = (SELECT id FROM wanted) AND NOT closed) k
                  JOIN part p ON p.id = k.part_id
                  JOIN location l ON l.id = k.location_id
                  LEFT JOIN stock_balance b ON b.part_id = k.part_id AND b.location_id = k.location_id
                 WHERE $2::text IS NULL OR l.code = $2
                 ORDER BY l.code
                """, [partNo, location]).rows.map(Self.stockRow)
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
                """, [location, after, String(limit)]).rows.map(Self.stockRow)
        }
    }

    /// The part's movements, newest first, each with the balance right after it.
    public func ledger(partNo: String, location: String?, limit: Int) async throws(StoreError) -> [MovementRow] {
        try await requirePart(partNo)
        if let location { try await requireLocation(location) }
        return try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT m.posted_at, d.doc_no, l.code, m.quantity, m.balance_after, m.unit_cost
                  FROM stock_movement m
                  JOIN part p ON p.id = m.part_id
                  JOIN location l ON l.id = m.location_id
                  JOIN document d ON d.id = m.document_id
                 WHERE p.part_no = $1 AND ($2::text IS NULL OR l.code = $2)
                 ORDER BY m.id DESC LIMIT $3
                """, [partNo, location, String(limit)]).rows.map { row in
                MovementRow(postedAt: row[0]!, docNo: row[1]!, location: row[2]!, quantity: decimal(row[3]),
                            balanceAfter: decimal(row[4]), unitCost: decimal(row[5]))
            }
        }
    }

    /// Documents newest first, for `doc list`.
    public func documents(type: String?, since: String?, limit: Int) async throws(StoreError) -> [DocumentSummary] {
        try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT d.doc_no, d.doc_type, d.posted_at, l.code, tl.code, d.clerk,
                       (SELECT count(*) FROM document_line dl WHERE dl.document_id = d.id),
                       (SELECT coalesce(sum(value), 0) FROM document_line dl WHERE dl.document_id = d.id)
                  FROM document d
                  JOIN location l ON l.id = d.location_id
                  LEFT JOIN location tl ON tl.id = d.to_location_id
                 WHERE ($1::text IS NULL OR d.doc_type = $1) AND ($2::date IS NULL OR d.doc_date >= $2::date)
                 ORDER BY d.posted_at DESC, d.id DESC LIMIT $3
                """, [type, since, String(limit)]).rows.map { row in
                DocumentSummary(docNo: row[0]!, type: row[1]!, postedAt: row[2]!, location: row[3]!, toLocation: row[4],
                                clerk: row[5]!, lines: Int(row[6]!) ?? 0, total: decimal(row[7]))
            }
        }
    }

    /// Balances that disagree with the sum of their movements: always none.
    public func ledgerDiscrepancies() async throws(StoreError) -> Int {
        try await read { connection throws(PostgresError) in
            Int(try connection.query("SELECT count(*) FROM ledger_discrepancy").scalar ?? "0") ?? 0
        }
    }

    static func stockRow(_ row: [String?]) -> StockRow {
        StockRow(partNo: row[0]!, description: row[1]!, unit: row[2]!, location: row[3]!,
                 onHand: decimal(row[4]), reserved: decimal(row[5]), available: decimal(row[6]),
                 onOrder: decimal(row[7]), averageCost: decimal(row[8]), value: decimal(row[9]))
    }

    func requirePart(_ partNo: String) async throws(StoreError) {
        let exists = try await read { connection throws(PostgresError) in
            try connection.query("SELECT 1 FROM part WHERE part_no = $1", [partNo]).count
        }
        if exists == 0 { throw .notFound("unknown part \(partNo)") }
    }

    public func requireLocation(_ code: String) async throws(StoreError) {
        let exists = try await read { connection throws(PostgresError) in
            try connection.query("SELECT 1 FROM location WHERE code = $1", [code]).count
        }
        if exists == 0 { throw .notFound("unknown location \(code)") }
    }
}

/// Numeric columns arrive as text; the schema guarantees they parse.
func decimal(_ text: String?) -> ExactDecimal {
    text.flatMap { ExactDecimal($0) } ?? .zero
}
