import PartsDomain
import PostgresClient

/// One order in `repair list` and `repair batch`.
public struct RepairSummary: Sendable, Equatable {
    public var roNo: String
    public var state: String
    public var vendor: String
    public var partNo: String
    public var description: String
    public var serial: String?
    public var quantity: ExactDecimal
    public var fault: String
    public var vendorRMA: String?
    public var shippedOn: String
    public var daysAtVendor: Int
    public var promised: String?
    /// Days past the promised date (moved back by the days on hold); nil when on time or
    /// nothing was promised.
    public var lateDays: Int?
    public var onHold: Bool
}

/// A vendor's open repair orders, the list a shop prints or sends it.
public struct RepairBatch: Sendable {
    public var vendor: String
    public var vendorName: String
    public var date: String
    public var orders: [RepairSummary]
}

extension PartsStore {
    public func repairOrder(_ roNo: String) async throws(StoreError) -> RepairOrder {
        try RepairOrder(try await record("repair order", missing: "unknown repair order \(roNo)",
                                         "SELECT repair_order_json(id) AS record FROM repair_order WHERE ro_no = $1", [roNo]))
    }

    /// Orders oldest first: in one state, or (openOnly) every one not returned, of one vendor,
    /// or only those past their promised date.
    public func repairOrders(state: RepairOrderState?, openOnly: Bool, vendor: String?, overdue: Bool,
                             limit: Int) async throws(StoreError) -> [RepairSummary] {
        if let vendor { try await requireVendor(vendor) }
        return try await read { connection throws(PostgresError) in
            try connection.query("""
                SELECT r.ro_no, r.state, s.code AS vendor, p.part_no, p.description, u.serial, r.quantity, r.fault, r.vendor_rma,
                       r.shipped_at::date AS shipped_on, coalesce(r.returned_at::date, current_date) - r.shipped_at::date AS days_at_vendor,
                       r.promised, nullif(repair_late_days(r, current_date), 0) AS late_days,
                       EXISTS (SELECT 1 FROM repair_hold h WHERE h.repair_order_id = r.id AND h.resumed_at IS NULL) AS on_hold
                  FROM repair_order r
                  JOIN supplier s ON s.id = r.vendor_id
                  JOIN part p ON p.id = r.part_id
                  LEFT JOIN unit u ON u.id = r.unit_id
                 WHERE ($1::text IS NULL OR r.state = $1) AND (NOT $2::boolean OR r.state <> 'returned')
                   AND ($3::text IS NULL OR s.code = $3) AND (NOT $4::boolean OR repair_late_days(r, current_date) > 0)
                 ORDER BY r.shipped_at, r.id LIMIT $5
                """, [state?.rawValue, openOnly ? "true" : "false", vendor, overdue ? "true" : "false", String(limit)])
                .records.map { row throws(PostgresError) in
                    RepairSummary(roNo: try row.text("ro_no"), state: try row.text("state"), vendor: try row.text("vendor"),
                                  partNo: try row.text("part_no"), description: try row.text("description"),
                                  serial: try row.optionalText("serial"), quantity: try row.decimal("quantity"),
                                  fault: try row.text("fault"), vendorRMA: try row.optionalText("vendor_rma"),
                                  shippedOn: try row.text("shipped_on"), daysAtVendor: try row.int("days_at_vendor"),
                                  promised: try row.optionalText("promised"), lateDays: try row.optionalInt("late_days"),
                                  onHold: try row.bool("on_hold"))
                }
        }
    }

    /// The vendor's open orders, oldest first, for the list a shop sends it.
    public func repairBatch(vendor: String) async throws(StoreError) -> RepairBatch {
        let (name, date) = try await vendorHeading(vendor)
        let orders = try await repairOrders(state: nil, openOnly: true, vendor: vendor, overdue: false, limit: 10_000)
        return RepairBatch(vendor: vendor, vendorName: name, date: date, orders: orders)
    }

    /// A supplier's name by code, and today's date as the database knows it; an unknown
    /// vendor is not found.
    private func vendorHeading(_ code: String) async throws(StoreError) -> (String, String) {
        let row = try await read { connection throws(PostgresError) in
            try connection.query("SELECT name, current_date::text AS today FROM supplier WHERE code = $1", [code]).singleRow()
                .map { row throws(PostgresError) in (try row.text("name"), try row.text("today")) }
        }
        guard let row else { throw .notFound("unknown vendor \(code): a repair vendor is a supplier (supplier add)") }
        return row
    }

    func requireVendor(_ code: String) async throws(StoreError) {
        _ = try await vendorHeading(code)
    }
}
