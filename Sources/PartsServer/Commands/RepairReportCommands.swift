import PartsDomain
import PartsProtocol
import PartsStore

/// report repair: the repair loop per vendor and part (配件周期控制): turnaround median and
/// p90 in total and per step, on time against the promise, no fault found, beyond economic
/// repair, repair cost against the price, and what is at the vendors by age.
enum RepairReportCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("report repair", "report repair [days=<n>] [vendor=<code>] [part=<part_no>]",
                    "per vendor and part: turnaround median and p90 in days (total and per step, hold time excluded), on time %, no fault found %, BER %, repair cost against price, value at vendors by age",
                    role: .viewer, named: ["days", "vendor", "part"]) { invocation, environment in
            let days = try invocation.wholeNumber("days", in: ReportCommands.daysRange) ?? ReportCommands.defaultDays
            let report = try await environment.store.repairReport(days: days, vendor: invocation[named: "vendor"],
                                                                  partNo: invocation[named: "part"])
            func figure(_ value: ExactDecimal?) -> Value { value.map(Value.decimal) ?? .null }
            let key: [Table.Column] = [.init("vendor"), .init("part_no")]
            return Reply(.ok, "\(report.rows.count) vendor-parts over \(days) days, \(report.atVendors.count) with units at the vendor", blocks: [
                .record([Field("days", .integer(days))]),
                .table(Table(key: "turnaround", columns: key + [
                    .init("orders", nil, .right), .init("returned", "BACK", .right), .init("total_median", "MEDIAN", .right),
                    .init("total_p90", "P90", .right), .init("on_time_pct", "ON TIME %", .right), .init("nff_pct", "NFF %", .right),
                    .init("ber_pct", "BER %", .right),
                ], rows: report.rows.map { row in
                    [.text(row.vendor), .text(row.partNo), .integer(row.orders), .integer(row.returned), figure(row.total.median),
                     figure(row.total.p90), figure(row.onTimePercent), figure(row.noFaultFoundPercent), figure(row.beyondRepairPercent)]
                })),
                .table(Table(key: "steps", columns: key + [
                    .init("to_vendor_median", "TO VENDOR", .right), .init("to_vendor_p90", "P90", .right),
                    .init("quote_median", "QUOTE", .right), .init("quote_p90", "P90", .right),
                    .init("repair_median", "REPAIR", .right), .init("repair_p90", "P90", .right),
                    .init("back_median", "BACK", .right), .init("back_p90", "P90", .right),
                ], rows: report.rows.map { row in
                    [.text(row.vendor), .text(row.partNo)]
                        + [row.toVendor, row.quote, row.repair, row.back].flatMap { [figure($0.median), figure($0.p90)] }
                })),
                .table(Table(key: "costs", columns: key + [
                    .init("average_cost", "AVG COST", .right), .init("price", nil, .right), .init("cost_pct", "COST %", .right),
                ], rows: report.rows.map { row in
                    [.text(row.vendor), .text(row.partNo), row.averageCost.map(Value.money) ?? .null, .money(row.price),
                     figure(row.costPercent)]
                })),
                .table(Table(key: "at_vendors", columns: key + [
                    .init("orders", "OPEN", .right), .init("days_0_30", "0-30", .right), .init("days_31_60", "31-60", .right),
                    .init("days_61_90", "61-90", .right), .init("over_90", "> 90", .right), .init("total", nil, .right),
                ], rows: report.atVendors.map { row in
                    [.text(row.vendor), .text(row.partNo), .integer(row.orders), .money(row.days0to30), .money(row.days31to60),
                     .money(row.days61to90), .money(row.over90), .money(row.total)]
                })),
            ])
        },
    ]
}
