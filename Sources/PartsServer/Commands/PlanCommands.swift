import PartsDomain
import PartsJobs
import PartsPlanning
import PartsProtocol
import PartsStore

/// history add (past demand brought from another system), plan show (one part's planning
/// numbers, explained) and the planning settings.
enum PlanCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("history add", "history add <location> <part_no> [<date>:<qty> ...] [since=<date>]",
                    "records past demand that planning reads like goods issues, and where that history starts",
                    role: .manager, changesData: true, positional: 2...2, lines: .optional, named: ["since"],
                    independentBy: { $0.count >= 2 ? $0[0] + " " + $0[1] : nil }) { invocation, environment in
            let entries = try historyEntries(Array(invocation.arguments.dropFirst(2)))
            let since = try invocation.date("since")
            guard !entries.isEmpty || since != nil else {
                throw CommandFailure.badRequest("history add needs <date>:<qty> lines, since=<date>, or both")
            }
            let outcome = try await environment.store.addHistory(location: invocation.argument(0)!, partNo: invocation.argument(1)!,
                                                                 entries: entries, since: since, invocation.context)
            return Reply(outcome)
        },
        CommandSpec("plan show", "plan show <part_no> [location=<code>]",
                    "one part's demand series, class, forecast, demand model, reorder point for its fill-rate (or cycle service) target with the fill rate it is expected to reach, order-up-to and suggestion, explained; in text mode the series drawn as a chart with both levels marked",
                    role: .viewer, positional: 1...1, named: ["location"]) { invocation, environment in
            let partNo = invocation.argument(0)!
            let location = try await planningLocation(partNo, invocation[named: "location"], environment.store)
            let planner = try await Planner.load(environment.store)
            guard let row = try await environment.store.planningRow(partNo: partNo, location: location, window: planner.window) else {
                throw CommandFailure.notFound("\(partNo) has no stock and no demand at \(location): nothing to plan")
            }
            return try await show(row, planner)
        },
        CommandSpec("plan set", "plan set [location=<code>] <setting>=<value|default> ...",
                    "planning settings for every location, or one (service_measure=fill|cycle says which targets count: fill_rate_a/b/c or service_a/b/c; "
                        + "demand_model=analytic|bootstrap, Willemain's bootstrap for intermittent and lumpy parts; "
                        + "method_choice=class|simulation, the method by demand class or by job run method-trial's replay): "
                        + PlanningSettingKey.allCases.map(\.rawValue).joined(separator: " "),
                    role: .manager, changesData: true,
                    named: Set(PlanningSettingKey.allCases.map(\.rawValue)).union(["location"])) { invocation, environment in
            let location = invocation[named: "location"]
            let changes = PlanningSettingKey.allCases.compactMap { key in invocation[named: key.rawValue].map { (key: key, value: $0) } }
            guard !changes.isEmpty else {
                throw CommandFailure.badRequest("name at least one setting; usage: plan set [location=<code>] <setting>=<value> ...")
            }
            // The maths' own check, before the change is stored: it must leave every location plannable.
            try PlanningSettings.check(changes, location: location, against: try await environment.store.planningSettingRows())
            return Reply(try await environment.store.setPlanningSettings(location: location, changes, invocation.context))
        },
        CommandSpec("plan settings", "plan settings [location=<code>]",
                    "the planning settings in force, and where each comes from", role: .viewer,
                    named: ["location"]) { invocation, environment in
            let location = invocation[named: "location"]
            let rows = try await environment.store.planningSettingRows()
            let settings = try PlanningSettings.effective(rows, location: location)
            let own = rows.first { $0.location == location }?.values ?? [:]
            let inherited = location == nil ? [:] : rows.first { $0.location == nil }?.values ?? [:]
            let table = Table(columns: [.init("setting"), .init("value", nil, .right), .init("source")],
                              rows: PlanningSettingKey.allCases.map { key in
                                  let source = own[key] != nil ? (location ?? "all locations") : inherited[key] != nil ? "all locations" : "built-in"
                                  return [.text(key.rawValue), .text(settings.value(of: key)), .text(source)]
                              })
            return Reply(.ok, "planning settings for \(location ?? "every location")", blocks: [.table(table)])
        },
    ]

    /// The location asked for, or the only one the part is at.
    private static func planningLocation(_ partNo: String, _ asked: String?, _ store: PartsStore) async throws -> String {
        if let asked { return asked }
        let candidates = try await store.planningLocations(partNo: partNo)
        switch candidates.count {
        case 0: throw CommandFailure.notFound("\(partNo) has no stock and no demand anywhere: nothing to plan")
        case 1: return candidates[0]
        default:
            throw CommandFailure.badRequest("\(partNo) is planned per location: give location= one of \(candidates.joined(separator: ", "))")
        }
    }

    static func show(_ row: PlanningRow, _ planner: Planner) async throws -> Reply {
        let plan = try await planner.plan(row)
        let settings = planner.settings(for: row.location)
        let lead = PlannedLeadTime(row, settings)
        var fields = [
            Field("part_no", .text(row.partNo)), Field("location", .text(row.location)), Field("unit", .text(row.unit)),
            Field("lead_days", .text(leadDays(lead, settings))), Field("lead_days_from", .text(lead.description)),
            Field("on_hand", .decimal(row.onHand)), Field("on_order", .decimal(row.onOrder)),
            Field("reserved", .decimal(row.reserved)), Field("back_ordered", .decimal(row.backOrdered)),
            Field("series", .text(plan.series.values.map { quantityString($0) }.joined(separator: " "))),
        ]
        fields += plan.lines.map { Field(key($0.name), .text($0.value)) }
        if plan.serviceMeasure == .fill {
            fields.append(Field("target_from", .text(row.fillRate == nil ? "class \(row.abcClass)" : "part")))
        }
        if plan.methodChoice.replay != nil, let day = row.methodTrial?.triedOn {
            fields.append(Field("replayed_on", .text(day)))
        }
        if let days = planner.daysOfSupply(plan) {
            fields.append(Field("days_of_supply_after_order", .text(decimalString(days, places: 1))))
        }
        return Reply(.ok, blocks: [.record(fields)] + demandChart(plan))
    }

    /// Whole days as the master data has them, measured ones to a tenth (their spread is the
    /// plan's `lead time sd`).
    private static func leadDays(_ lead: PlannedLeadTime, _ settings: PlanningSettings) -> String {
        switch lead.source {
        case .receipts: decimalString(lead.days, places: 1)
        case .masterData: plainNumber(lead.days)
        case .setting: "\(settings.defaultLeadDays) (default)"
        }
    }

    /// The series drawn, for text mode only: the numbers are the fields above, as printed
    /// (three decimals), so the chart shows what the lines say. A blank line sets it apart.
    static func demandChart(_ plan: PartPlan) -> [Block] {
        let series = plan.series
        let values = series.values.compactMap { ExactDecimal(quantityString($0)) }
        guard !values.isEmpty, values.count == series.count,
              let reorderPoint = ExactDecimal(quantityString(plan.reorderPoint)),
              let orderUpTo = ExactDecimal(quantityString(plan.orderUpTo)) else { return [] }
        let chart = TextChart.columns(values, levels: [TextChart.Level("reorder point", reorderPoint, mark: "─"),
                                                       TextChart.Level("order-up-to", orderUpTo, mark: "═")])
        let period = series.period.rawValue
        let which = chart.shown < series.count ? "the last \(chart.shown) of \(series.count) \(period)s"
            : "\(series.count) \(period)\(series.count == 1 ? "" : "s")"
        let title = "demand per \(period), \(which) from \(series.periodStart(at: series.count - chart.shown)), oldest left"
        return [.form(["", title] + chart.lines, [])]
    }

    /// "forecast per week" → forecast_per_week, "order quantity (eoq)" → order_quantity_eoq.
    static func key(_ name: String) -> String {
        var out = ""
        for character in name.lowercased() {
            if character.isLetter || character.isNumber {
                out.append(character)
            } else if !out.isEmpty, out.last != "_" {
                out.append("_")
            }
        }
        while out.last == "_" { out.removeLast() }
        return out
    }

    private static func historyEntries(_ words: [String]) throws(CommandFailure) -> [(date: String, quantity: ExactDecimal)] {
        var entries: [(date: String, quantity: ExactDecimal)] = []
        for word in words {
            guard let colon = word.firstIndex(of: ":") else { throw CommandFailure.badRequest("'\(word)' is not <date>:<qty>") }
            let date = String(word[..<colon])
            guard IsoDate.isValid(date) else { throw CommandFailure.invalid("'\(date)' is not a date like 2026-11-22") }
            do {
                entries.append((date, try ExactDecimal.quantity(word[word.index(after: colon)...])))
            } catch {
                throw CommandFailure(error)
            }
        }
        return entries
    }
}
