import PartsDomain
import PartsPlanning
import PartsProtocol
import PartsStore

/// history add (past demand brought from another system) and plan show (one part's planning
/// numbers, explained).
enum PlanCommands {
    /// Two years of weekly history, as the methods for intermittent demand want.
    static let historyDays = 728
    /// Lead time for parts whose master data names none.
    static let defaultLeadDays = 14

    static let specs: [CommandSpec] = [
        CommandSpec("history add", "history add <location> <part_no> <date>:<qty> ...",
                    "records past demand that planning reads like goods issues", role: .manager, changesData: true,
                    positional: 3...10_002) { invocation, environment throws(CommandFailure) in
            let entries = try historyEntries(Array(invocation.arguments.dropFirst(2)), maxLines: invocation.limits.maxDocumentLines)
            let outcome = try await environment.store.run { store throws(StoreError) in
                try await store.addHistory(location: invocation.argument(0)!, partNo: invocation.argument(1)!,
                                           entries: entries, invocation.context)
            }
            return Reply(outcome)
        },
        CommandSpec("plan show", "plan show <part_no> [location=<code>]",
                    "one part's demand series, class, forecast, reorder point, order-up-to and suggestion, explained",
                    role: .viewer, positional: 1...1, named: ["location"]) { invocation, environment throws(CommandFailure) in
            let partNo = invocation.argument(0)!
            let location = try await planningLocation(partNo, invocation[named: "location"], environment.store)
            let input = try await environment.store.run { store throws(StoreError) in
                try await store.planningInput(partNo: partNo, location: location, days: historyDays)
            }
            return try plan(input)
        },
    ]

    /// The location asked for, or the only one the part is at.
    private static func planningLocation(_ partNo: String, _ asked: String?, _ store: PartsStore) async throws(CommandFailure) -> String {
        if let asked { return asked }
        let candidates = try await store.run { store throws(StoreError) in try await store.planningLocations(partNo: partNo) }
        switch candidates.count {
        case 0: throw .notFound("\(partNo) has no stock and no demand anywhere: nothing to plan")
        case 1: return candidates[0]
        default: throw .badRequest("\(partNo) is planned per location: give location= one of \(candidates.joined(separator: ", "))")
        }
    }

    static func plan(_ input: PlanningInput) throws(CommandFailure) -> Reply {
        guard let today = PlanningDate(input.today) else { throw .init(.internalError, "unreadable date \(input.today)") }
        // The series runs over complete weeks only, from the week of the first demand (a part
        // new to the catalogue is not charged with years of zeros) to last week.
        let through = today.adding(days: -7)
        let firstDemand = input.demand.first.flatMap { PlanningDate($0.date) }
        let from = firstDemand.map { $0 } ?? through
        let series = DemandSeries(period: .week, from: from, through: through,
                                  demand: input.demand.compactMap { line in
                                      PlanningDate(line.date).map { (date: $0, quantity: number(line.quantity)) }
                                  })
        let leadDays = input.leadDays ?? defaultLeadDays
        let result: PartPlan
        do {
            result = try PartPlan.compute(
                series: series, parameters: PlanningParameters(),
                leadTime: try LeadTime(days: Double(leadDays), period: .week),
                stock: StockPosition(onHand: number(input.onHand), onOrder: number(input.onOrder), reserved: number(input.reserved)),
                constraints: try OrderConstraints(packMultiple: number(input.pack)),
                unitCost: number(input.cost))
        } catch {
            throw .invalid(error.description)
        }
        var fields = [
            Field("part_no", .text(input.partNo)), Field("location", .text(input.location)), Field("unit", .text(input.unit)),
            Field("lead_days", .text(input.leadDays.map(String.init) ?? "\(defaultLeadDays) (default)")),
            Field("series", .text(series.values.map { quantityString($0) }.joined(separator: " "))),
        ]
        fields += result.lines.map { Field(key($0.name), .text($0.value)) }
        return Reply(.ok, blocks: [.record(fields)])
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

    /// Statistics work in binary floating point; quantities come back as exact decimals.
    private static func number(_ value: ExactDecimal) -> Double {
        Double(value.description) ?? 0
    }

    private static func historyEntries(_ words: [String], maxLines: Int) throws(CommandFailure) -> [(date: String, quantity: ExactDecimal)] {
        guard words.count <= maxLines else { throw .invalid("\(words.count) lines; one command takes at most \(maxLines)") }
        var entries: [(date: String, quantity: ExactDecimal)] = []
        for word in words {
            guard let colon = word.firstIndex(of: ":") else { throw .badRequest("'\(word)' is not <date>:<qty>") }
            let date = String(word[..<colon])
            guard IsoDate.isValid(date) else { throw .invalid("'\(date)' is not a date like 2026-11-22") }
            do {
                entries.append((date, try ExactDecimal.quantity(word[word.index(after: colon)...])))
            } catch {
                throw CommandFailure(error)
            }
        }
        return entries
    }
}
