import PartsDomain
import PostgresClient

/// `report repair`: per vendor and part, the repair loop's figures over the orders shipped
/// in the window, and what is at the vendors now, by age. Computed in SQL numeric from the
/// repair_turnaround view; days are calendar days without the days on hold, medians and p90
/// interpolated (percentile_cont) and rounded to 1 decimal, shares in percent to 1 decimal.
public struct RepairReport: Sendable {
    /// Median and 90th percentile of days; nil when nothing was measured.
    public struct Spread: Sendable, Equatable {
        public var median: ExactDecimal?
        public var p90: ExactDecimal?
    }

    public struct Row: Sendable {
        public var vendor: String
        public var partNo: String
        /// Orders shipped in the window, and those of them returned.
        public var orders: Int
        public var returned: Int
        public var total: Spread
        public var toVendor: Spread
        public var quote: Spread
        public var repair: Spread
        public var back: Spread
        /// Returned by the promised date (moved back by the days on hold), of those with one.
        public var onTimePercent: ExactDecimal?
        /// Unrepaired with no decline against them, of those returned.
        public var noFaultFoundPercent: ExactDecimal?
        /// Beyond economic repair (a flagged quote, or scrapped), of those returned.
        public var beyondRepairPercent: ExactDecimal?
        /// Mean cost per unit of the orders repaired or replaced.
        public var averageCost: ExactDecimal?
        public var price: ExactDecimal
        public var costPercent: ExactDecimal?
    }

    /// Open orders of our own units at a vendor, valued at the part's price, by days since shipped.
    public struct AtVendor: Sendable {
        public var vendor: String
        public var partNo: String
        public var orders: Int
        public var days0to30: ExactDecimal
        public var days31to60: ExactDecimal
        public var days61to90: ExactDecimal
        public var over90: ExactDecimal
        public var total: ExactDecimal
    }

    public var days: Int
    public var rows: [Row]
    public var atVendors: [AtVendor]
}

extension PartsStore {
    public func repairReport(days: Int, vendor: String?, partNo: String?) async throws(StoreError) -> RepairReport {
        if let vendor { try await requireVendor(vendor) }
        if let partNo { try await requirePart(partNo) }
        return try await report { connection throws(PostgresError) in
            let spreads = ["total", "to_vendor", "quote", "repair", "back"].map { step in
                """
                round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.\(step)_days)::numeric, 1) AS \(step)_median,
                round(percentile_cont(0.9) WITHIN GROUP (ORDER BY t.\(step)_days)::numeric, 1) AS \(step)_p90
                """
            }.joined(separator: ",\n")
            let rows = try connection.query("""
                SELECT s.code AS vendor, p.part_no, count(*) AS orders, count(t.returned_at) AS returned, \(spreads),
                       round(100.0 * count(*) FILTER (WHERE t.on_time) / nullif(count(t.on_time), 0), 1) AS on_time_pct,
                       round(100.0 * count(*) FILTER (WHERE t.no_fault_found) / nullif(count(t.returned_at), 0), 1) AS nff_pct,
                       round(100.0 * count(*) FILTER (WHERE t.beyond_repair AND t.returned_at IS NOT NULL)
                             / nullif(count(t.returned_at), 0), 1) AS ber_pct,
                       round(avg(t.cost / t.quantity) FILTER (WHERE t.outcome IN ('repaired', 'replaced')), 2) AS average_cost,
                       p.cost::numeric(15,2) AS price,
                       round(100 * avg(t.cost / t.quantity) FILTER (WHERE t.outcome IN ('repaired', 'replaced')) / nullif(p.cost, 0), 1)
                           AS cost_pct
                  FROM repair_turnaround t
                  JOIN supplier s ON s.id = t.vendor_id
                  JOIN part p ON p.id = t.part_id
                 WHERE t.shipped_at >= current_date - $1::integer
                   AND ($2::text IS NULL OR s.code = $2) AND ($3::text IS NULL OR p.part_no = $3)
                 GROUP BY s.code, p.part_no, p.cost ORDER BY s.code, p.part_no
                """, [String(days), vendor, partNo]).records.map { row throws(PostgresError) in
                func spread(_ step: String) throws(PostgresError) -> RepairReport.Spread {
                    RepairReport.Spread(median: try row.optionalDecimal("\(step)_median"), p90: try row.optionalDecimal("\(step)_p90"))
                }
                return RepairReport.Row(
                    vendor: try row.text("vendor"), partNo: try row.text("part_no"), orders: try row.int("orders"),
                    returned: try row.int("returned"), total: try spread("total"), toVendor: try spread("to_vendor"),
                    quote: try spread("quote"), repair: try spread("repair"), back: try spread("back"),
                    onTimePercent: try row.optionalDecimal("on_time_pct"), noFaultFoundPercent: try row.optionalDecimal("nff_pct"),
                    beyondRepairPercent: try row.optionalDecimal("ber_pct"), averageCost: try row.optionalDecimal("average_cost"),
                    price: try row.decimal("price"), costPercent: try row.optionalDecimal("cost_pct"))
            }
            let atVendors = try connection.query("""
                SELECT s.code AS vendor, p.part_no, count(*) AS orders,
                       coalesce(sum(a.value) FILTER (WHERE a.age <= 30), 0)::numeric(18,2) AS days_0_30,
                       coalesce(sum(a.value) FILTER (WHERE a.age BETWEEN 31 AND 60), 0)::numeric(18,2) AS days_31_60,
                       coalesce(sum(a.value) FILTER (WHERE a.age BETWEEN 61 AND 90), 0)::numeric(18,2) AS days_61_90,
                       coalesce(sum(a.value) FILTER (WHERE a.age > 90), 0)::numeric(18,2) AS over_90, sum(a.value)::numeric(18,2) AS total
                  FROM repair_order r
                  JOIN supplier s ON s.id = r.vendor_id
                  JOIN part p ON p.id = r.part_id
                 CROSS JOIN LATERAL (SELECT current_date - r.shipped_at::date AS age, round(r.quantity * p.cost, 2) AS value) a
                 WHERE r.state <> 'returned' AND r.origin <> 'customer'
                   AND ($1::text IS NULL OR s.code = $1) AND ($2::text IS NULL OR p.part_no = $2)
                 GROUP BY s.code, p.part_no ORDER BY s.code, p.part_no
                """, [vendor, partNo]).records.map { row throws(PostgresError) in
                RepairReport.AtVendor(vendor: try row.text("vendor"), partNo: try row.text("part_no"), orders: try row.int("orders"),
                                      days0to30: try row.decimal("days_0_30"), days31to60: try row.decimal("days_31_60"),
                                      days61to90: try row.decimal("days_61_90"), over90: try row.decimal("over_90"),
                                      total: try row.decimal("total"))
            }
            return RepairReport(days: days, rows: rows, atVendors: atVendors)
        }
    }
}
