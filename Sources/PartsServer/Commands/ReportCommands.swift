import PartsDomain
import PartsProtocol
import PartsStore

/// report turnover | dead | obsolete | excess | abc: what the parts manager reads to keep turnover in
/// range and dead stock down. Every figure is computed and rounded in SQL numeric.
enum ReportCommands {
    static let daysRange = 1...3660
    static let defaultDays = 365

    static let specs: [CommandSpec] = [
        CommandSpec("report turnover", "report turnover [location=<code>] [days=<n>] [by=category] [limit=<n>]",
                    "turnover and days of supply per warehouse (or category) against target; in text mode a bar a row with the target marked",
                    role: .viewer, named: ["location", "days", "by", "limit"]) { invocation, environment in
            let days = try days(invocation) ?? defaultDays
            let limit = try invocation.listLimit()
            let byCategory: Bool
            switch invocation[named: "by"] {
            case nil: byCategory = false
            case "category": byCategory = true
            case let other?: throw CommandFailure.invalid("by takes category, got \(other)")
            }
            let report = try await environment.store.turnoverReport(location: invocation[named: "location"], days: days,
                                                                    byCategory: byCategory, limit: limit)
            var columns = [Table.Column("location")]
            if byCategory { columns.append(Table.Column("category")) }
            columns += [Table.Column("cogs", "COGS", .right), Table.Column("average_value", "AVG VALUE", .right),
                        Table.Column("basis"), Table.Column("turnover", nil, .right),
                        Table.Column("days_of_supply", "DAYS", .right), Table.Column("target_turnover", "TARGET", .right),
                        Table.Column("max_days", nil, .right), Table.Column("status")]
            let rows: [[Value]] = report.rows.map { row in
                var cells: [Value] = [.text(row.location)]
                if byCategory { cells.append(.optional(row.category)) }
                cells += [.money(row.costOfGoodsIssued), .money(row.averageValue), .text(row.basis),
                          row.turnoverCell, row.daysOfSupply.map(Value.decimal) ?? .null,
                          row.targetCell, row.maxDays.map(Value.integer) ?? .null,
                          .text(row.status)]
                return cells
            }
            return Reply(.ok, "\(shown(report.rows.count, of: report.total, "rows")), \(days) days from \(report.from) to \(report.through)",
                         blocks: [.record([Field("from", .text(report.from)), Field("through", .text(report.through)),
                                           Field("days", .integer(days))]),
                                  .table(Table(columns: columns, rows: rows))] + turnoverBars(report.rows, byCategory: byCategory))
        },
        CommandSpec("report dead", "report dead [days=<n>] [location=<code>] [limit=<n>]",
                    "stock with no demand in the last days (default: the location's dead_days setting, else 180), highest value first",
                    role: .viewer, named: ["days", "location", "limit"]) { invocation, environment in
            let days = try days(invocation)
            let limit = try invocation.listLimit()
            let report = try await environment.store.deadStock(location: invocation[named: "location"], days: days, limit: limit)
            let windows = Set(report.windows.map(\.days))
            let window: Value = windows.count == 1 ? .integer(windows.first!)
                : .text(report.windows.map { "\($0.location) \($0.days)" }.joined(separator: ", "))
            return idleStock(report, "dead", extra: [Field("days", window), Field("dead_parts", .integer(report.count))])
        },
        CommandSpec("report obsolete", "report obsolete [location=<code>] [limit=<n>]",
                    "stock of parts whose demand has stopped (no demand for obsolete_after_days, or decaying below obsolete_probability), as the latest reorder run found them: candidates for return to the supplier or write-down, highest value first",
                    role: .viewer, named: ["location", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let report = try await environment.store.obsoleteStock(location: invocation[named: "location"], limit: limit)
            return idleStock(report, "obsolete", extra: [Field("obsolete_parts", .integer(report.count))])
        },
        CommandSpec("report excess", "report excess [location=<code>] [limit=<n>]",
                    "stock above the order-up-to level of the latest reorder proposal, highest value first",
                    role: .viewer, named: ["location", "limit"]) { invocation, environment in
            let limit = try invocation.listLimit()
            let report = try await environment.store.excessStock(location: invocation[named: "location"], limit: limit)
            let table = Table(
                columns: [Table.Column("part_no"), Table.Column("location"), Table.Column("on_hand", nil, .right),
                          Table.Column("order_up_to", nil, .right), Table.Column("excess", nil, .right),
                          Table.Column("value", nil, .right), Table.Column("proposal_no", "PROPOSAL")],
                rows: report.rows.map { row in
                    [.text(row.partNo), .text(row.location), .decimal(row.onHand), .decimal(row.orderUpTo),
                     .decimal(row.excess), .money(row.value), .text(row.proposalNo)]
                })
            return Reply(.ok, "\(report.count) part-locations in excess worth \(report.totalValue.formatted(minimumScale: 2))\(shownNote(report.rows.count, of: report.count))",
                         blocks: [.table(table),
                                  .record([Field("excess_parts", .integer(report.count)),
                                           Field("total_value", .money(report.totalValue))])])
        },
        CommandSpec("report abc", "report abc [location=<code>] [days=<n>] [limit=<n>]",
                    "ABC classes per location by demand value at standard cost (A to 80 %, B to 95 %, then C)",
                    role: .viewer, named: ["location", "days", "limit"]) { invocation, environment in
            let days = try days(invocation) ?? defaultDays
            let limit = try invocation.listLimit()
            let report = try await environment.store.abcReport(location: invocation[named: "location"], days: days, limit: limit)
            let parts = Table(
                columns: [Table.Column("location"), Table.Column("part_no"), Table.Column("issue_value", nil, .right),
                          Table.Column("share", nil, .right), Table.Column("cumulative_share", "CUMULATIVE", .right),
                          Table.Column("class")],
                rows: report.rows.map { row in
                    [.text(row.location), .text(row.partNo), .money(row.issueValue),
                     row.share.map(Value.decimal) ?? .null, row.cumulativeShare.map(Value.decimal) ?? .null, .text(row.abcClass)]
                })
            let classes = Table(
                key: "classes",
                columns: [Table.Column("location"), Table.Column("class"), Table.Column("parts", nil, .right),
                          Table.Column("issue_value", nil, .right)],
                rows: report.classes.map { count in
                    [.text(count.location), .text(count.abcClass), .integer(count.parts), .money(count.issueValue)]
                })
            return Reply(.ok, "\(shown(report.rows.count, of: report.total, "part-locations")) classified over \(days) days",
                         blocks: [.table(parts), .table(classes)])
        },
    ]

    /// Dead and obsolete stock print alike: the same columns, obsolete stock with why and the
    /// proposal whose run said so; a summary line, and the count and total as fields.
    private static func idleStock(_ report: IdleStockReport, _ kind: String, extra: [Field]) -> Reply {
        let obsolete = kind == "obsolete"
        var columns = [Table.Column("part_no"), Table.Column("description"), Table.Column("location"),
                       Table.Column("on_hand", nil, .right), Table.Column("unit"), Table.Column("value", nil, .right),
                       Table.Column("last_issue"), Table.Column("days_idle", "IDLE", .right)]
        if obsolete { columns += [Table.Column("why"), Table.Column("proposal_no", "PROPOSAL")] }
        let table = Table(columns: columns, rows: report.rows.map { row in
            var cells: [Value] = [.text(row.partNo), .text(row.description), .text(row.location), .decimal(row.onHand),
                                  .text(row.unit), .money(row.value), .text(row.lastIssue ?? "never"),
                                  row.daysIdle.map(Value.integer) ?? .null]
            if obsolete { cells += [.optional(row.why), .optional(row.proposalNo)] }
            return cells
        })
        return Reply(.ok, "\(report.count) \(kind) part-locations worth \(report.totalValue.formatted(minimumScale: 2))\(shownNote(report.rows.count, of: report.count))",
                     blocks: [.table(table), .record(extra + [Field("total_value", .money(report.totalValue))])])
    }

    /// Each row's turnover against its target as a bar, for text mode only, set apart by a
    /// blank line; the figures beside the bars are the table's, as it prints them.
    private static func turnoverBars(_ rows: [TurnoverRow], byCategory: Bool) -> [Block] {
        guard !rows.isEmpty else { return [] }
        let bars = rows.map { row in
            TextChart.Bar(byCategory ? "\(row.location) \(row.category ?? "-")" : row.location, row.turnover,
                          target: row.targetTurnover,
                          note: TextRenderer.text(row.turnoverCell) + " / " + TextRenderer.text(row.targetCell))
        }
        return [.form([""] + TextChart.bars(bars, value: "turnover per year", target: "target"), [])]
    }

    /// days= within bounds, or nil when not given.
    private static func days(_ invocation: Invocation) throws(CommandFailure) -> Int? {
        guard let text = invocation[named: "days"] else { return nil }
        guard let days = Int(text), daysRange.contains(days) else {
            throw CommandFailure.invalid("days must be a whole number from \(daysRange.lowerBound) to \(daysRange.upperBound), got \(text)")
        }
        return days
    }

    /// "3 rows" or "50 of 120 rows".
    private static func shown(_ count: Int, of total: Int, _ noun: String) -> String {
        count < total ? "\(count) of \(total) \(noun)" : "\(total) \(noun)"
    }

    private static func shownNote(_ count: Int, of total: Int) -> String {
        count < total ? " (\(count) shown)" : ""
    }
}

/// The table's cells that the bars repeat beside them, in one place so both print alike.
private extension TurnoverRow {
    var turnoverCell: Value { turnover.map(Value.money) ?? .null }
    var targetCell: Value { targetTurnover.map(Value.decimal) ?? .null }
}
