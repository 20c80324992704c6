import PartsDomain
import PostgresClient

/// One unit in `unit list`.
public struct UnitSummary: Sendable, Equatable {
    public var serial: String
    public var condition: String
    public var owner: String
    /// Where it is, in words (see UnitRecord.whereabouts).
    public var whereabouts: String
    public var movedAt: String
}

extension PartsStore {
    /// The unit <part_no>#<serial> with its history (unit_json).
    public func unit(partNo: String, serial: String) async throws(StoreError) -> UnitRecord {
        try await requirePart(partNo)
        return try UnitRecord(try await record("unit", missing: "unknown unit \(partNo)#\(serial)", """
            SELECT unit_json(u.id) AS record FROM unit u JOIN part p ON p.id = u.part_id WHERE p.part_no = $1 AND u.serial = $2
            """, [partNo, serial]))
    }

    /// A serialised part's units by serial, all of them or those at one location, or in one
    /// condition.
    public func units(partNo: String, location: String?, condition: UnitCondition?, limit: Int) async throws(StoreError) -> [UnitSummary] {
        let part = try await self.part(partNo)
        guard part.serialized else { throw .invalid("\(partNo) is not serialised: its stock is counted, not named by serial") }
        if let location { try await requireLocation(location) }
        return try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT u.serial, u.condition, u.owner, unit_where(u) AS whereabouts, u.moved_at
                  FROM unit u
                  JOIN part p ON p.id = u.part_id
                  LEFT JOIN location l ON l.id = u.location_id
                 WHERE p.part_no = $1 AND ($2::text IS NULL OR l.code = $2) AND ($3::text IS NULL OR u.condition = $3)
                 ORDER BY u.serial LIMIT $4
                """, [partNo, location, condition?.rawValue, String(limit)]).records.map { row throws(PostgresError) in
                UnitSummary(serial: try row.text("serial"), condition: try row.text("condition"), owner: try row.text("owner"),
                            whereabouts: try row.text("whereabouts"), movedAt: try row.text("moved_at"))
            }
        }
    }
}
