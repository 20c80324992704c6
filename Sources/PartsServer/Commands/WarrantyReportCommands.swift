import PartsDomain
import PartsProtocol
import PartsStore

/// report warranty | defects: what warranty old parts are worth and where they stand, and
/// the defect summary (物料不良汇总).
enum WarrantyReportCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("report warranty", "report warranty [oem=<code>] [month=<YYYY-MM>]",
                    "claims and old parts by state, value at risk by days left, return and acceptance rates, credits and "
                        + "charge-backs per month, rejections by reason",
                    role: .viewer, named: ["oem", "month"]) { invocation, environment in
            let report = try await environment.store.warrantyReport(oem: invocation[named: "oem"],
                                                                    month: try WarrantyArguments.month(invocation),
                                                                    environment.configuration.siteCalendar)
            func counts(_ key: String, _ name: String, _ rows: [WarrantyReport.Count]) -> Block {
                NarrowTable(key: key, columns: [.init(name, width: 10), .init("parts", nil, .right, width: 6),
                                                .init("amount", nil, .right, width: 14)],
                            rows: rows.map { [.text($0.name), .integer($0.parts), .money($0.amount)] }).block
            }
            return Reply(.ok, "\(report.claims) claims, \(report.parts) old parts, \(report.atRiskAmount.formatted(minimumScale: 2)) at risk",
                         blocks: [
                .record([Field("claims", .integer(report.claims)), Field("parts", .integer(report.parts)),
                         Field("at_risk", .money(report.atRiskAmount)), Field("wanted", .integer(report.wanted)),
                         Field("shipped", .integer(report.shipped)), Field("return_rate_pct", report.returnRate.map(Value.decimal) ?? .null),
                         Field("decided", .integer(report.decided)), Field("accepted", .integer(report.accepted)),
                         Field("acceptance_rate_pct", report.acceptanceRate.map(Value.decimal) ?? .null), Field("credited", .money(report.credited)),
                         Field("charged_back", .money(report.chargedBack))]),
                counts("states", "state", report.states),
                counts("at_risk_by_days_left", "days_left", report.atRisk),
                NarrowTable(key: "months", columns: [
                    .init("month", width: 7), .init("accepted", nil, .right, width: 8), .init("credited", nil, .right, width: 14),
                    .init("charged_back_parts", "CHARGED", .right, width: 7), .init("charged_back", nil, .right, width: 14),
                ], rows: report.months.map { month in
                    [.text(month.month), .integer(month.accepted), .money(month.credited), .integer(month.chargedBackParts),
                     .money(month.chargedBack)]
                }).block,
                NarrowTable(key: "rejections", columns: [
                    .init("reason", width: 20), .init("title", width: 30), .init("title_zh", width: nil),
                    .init("parts", nil, .right, width: 5), .init("amount", nil, .right, width: 14),
                ], rows: report.rejections.map { row in
                    [.text(row.reason), .text(row.title), .text(row.titleZh), .integer(row.parts), .money(row.amount)]
                }).block,
            ])
        },
        CommandSpec("report defects", "report defects [days=<n>] [by=part|supplier|failure] [limit=<n>]",
                    "the defect summary (物料不良汇总): which parts fail, how often, from which supplier, with claim amounts "
                        + "(claims of the last days, default 365)",
                    role: .viewer, named: ["days", "by", "limit"]) { invocation, environment in
            let days = try invocation.wholeNumber("days", in: ReportCommands.daysRange, "a whole number of days")
                ?? ReportCommands.defaultDays
            let by = try invocation.choice("by", of: ["part", "supplier", "failure"]) ?? "part"
            let limit = try invocation.listLimit()
            let report = try await environment.store.defectReport(days: days, by: by, environment.configuration.siteCalendar)
            let rows = report.rows.prefix(limit)
            return Reply(.ok, "\(report.rows.count) \(by == "part" ? "parts" : by == "supplier" ? "suppliers" : "failure codes"), "
                             + "claims from \(report.from) to \(report.through)",
                         blocks: [NarrowTable(columns: [
                .init("key", by.uppercased(), width: 14), .init("description", width: by == "part" ? 16 : nil),
                .init("supplier", width: by == "part" ? 8 : nil), .init("claims", nil, .right, width: 6),
                .init("parts", nil, .right, width: 5), .init("quantity", width: nil), .init("amount", nil, .right, width: 11),
                .init("credited", width: nil), .init("charged_back", width: nil), .init("rejected", nil, .right, width: 8),
            ], rows: rows.map { row in
                [.text(row.key), .optional(row.description), .optional(row.supplier), .integer(row.claims), .integer(row.parts),
                 .decimal(row.quantity), .money(row.amount), .money(row.credited), .money(row.chargedBack), .integer(row.rejected)]
            }).block])
        },
    ]
}
