import PartsDomain
import PostgresClient

/// report warranty (see warranty_report).
public struct WarrantyReport: Sendable {
    /// Old parts and their claimed amount in one state, or one days-left bucket.
    public struct Count: Sendable {
        public var name: String
        public var parts: Int
        public var amount: ExactDecimal
    }

    public struct Month: Sendable {
        public var month: String
        public var accepted: Int
        public var credited: ExactDecimal
        public var chargedBackParts: Int
        public var chargedBack: ExactDecimal
    }

    public struct Rejection: Sendable {
        public var reason: String
        public var title: String
        public var titleZh: String
        public var parts: Int
        public var amount: ExactDecimal
    }

    public var claims: Int
    public var parts: Int
    public var states: [Count]
    /// overdue, 0-3, 4-7, 8-14, later.
    public var atRisk: [Count]
    public var atRiskAmount: ExactDecimal
    public var wanted: Int
    public var shipped: Int
    /// Percent, one decimal; nil when nothing was wanted.
    public var returnRate: ExactDecimal?
    public var decided: Int
    public var accepted: Int
    public var acceptanceRate: ExactDecimal?
    public var credited: ExactDecimal
    public var chargedBack: ExactDecimal
    public var months: [Month]
    public var rejections: [Rejection]
}

/// report defects (物料不良汇总, see defect_report).
public struct DefectReport: Sendable {
    public struct Row: Sendable {
        /// The part number, supplier or failure code.
        public var key: String
        public var description: String?
        public var supplier: String?
        public var claims: Int
        public var parts: Int
        public var quantity: ExactDecimal
        public var amount: ExactDecimal
        public var credited: ExactDecimal
        public var chargedBack: ExactDecimal
        public var rejected: Int
    }

    public var from: String
    public var through: String
    public var by: String
    public var rows: [Row]
}

extension PartsStore {
    /// Of one maker and one claim month (YYYY-MM-01) when given.
    public func warrantyReport(oem: String?, month: String?, _ calendar: SiteCalendar) async throws(StoreError) -> WarrantyReport {
        if let oem { _ = try await self.oem(oem, calendar) }
        let text = try await report { connection throws(PostgresError) in
            try connection.query("SELECT warranty_report($1, $2::date, site_today_in($3)) AS report",
                                 [oem, month, calendar.timeZone]).records[0].text("report")
        }
        let json = try JSONFields(parsing: text, "warranty report")
        func counts(_ key: String, _ name: String) throws(StoreError) -> [WarrantyReport.Count] {
            try json.objects(key).map { row throws(StoreError) in
                WarrantyReport.Count(name: try row.text(name), parts: try row.int("parts"), amount: try row.decimal("amount"))
            }
        }
        return WarrantyReport(
            claims: try json.int("claims"), parts: try json.int("parts"), states: try counts("states", "state"),
            atRisk: try counts("at_risk", "days_left"), atRiskAmount: try json.decimal("at_risk_amount"),
            wanted: try json.int("wanted"), shipped: try json.int("shipped"), returnRate: try json.optionalDecimal("return_rate"),
            decided: try json.int("decided"), accepted: try json.int("accepted"),
            acceptanceRate: try json.optionalDecimal("acceptance_rate"), credited: try json.decimal("credited"),
            chargedBack: try json.decimal("charged_back"),
            months: try json.objects("months").map { row throws(StoreError) in
                WarrantyReport.Month(month: try row.text("month"), accepted: try row.int("accepted"),
                                     credited: try row.decimal("credited"), chargedBackParts: try row.int("charged_back_parts"),
                                     chargedBack: try row.decimal("charged_back"))
            },
            rejections: try json.objects("rejections").map { row throws(StoreError) in
                WarrantyReport.Rejection(reason: try row.text("reason"), title: try row.text("title"),
                                         titleZh: try row.text("title_zh"), parts: try row.int("parts"),
                                         amount: try row.decimal("amount"))
            })
    }

    /// Claims of the last `days` days, grouped `by` part, supplier or failure.
    public func defectReport(days: Int, by: String, _ calendar: SiteCalendar) async throws(StoreError) -> DefectReport {
        let text = try await report { connection throws(PostgresError) in
            try connection.query("SELECT defect_report($1::integer, $2, site_today_in($3)) AS report",
                                 [String(days), by, calendar.timeZone]).records[0].text("report")
        }
        let json = try JSONFields(parsing: text, "defect report")
        return DefectReport(
            from: try json.text("from"), through: try json.text("through"), by: try json.text("by"),
            rows: try json.objects("rows").map { row throws(StoreError) in
                DefectReport.Row(key: try row.text("key"), description: row.optionalText("description"),
                                 supplier: row.optionalText("supplier"), claims: try row.int("claims"), parts: try row.int("parts"),
                                 quantity: try row.decimal("quantity"), amount: try row.decimal("amount"),
                                 credited: try row.decimal("credited"), chargedBack: try row.decimal("charged_back"),
                                 rejected: try row.int("rejected"))
            })
    }
}
