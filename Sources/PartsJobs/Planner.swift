import PartsDomain
import PartsPlanning
import PartsStore

/// Turns what the store reads about a part-location into its plan. `plan show` and the
/// reorder run both plan through here, so the numbers a manager checks one part by are the
/// numbers the nightly run used.
public struct Planner: Sendable {
    /// Settings per location code; `fallback` for a location without its own row.
    let settings: [String: PlanningSettings]
    let fallback: PlanningSettings
    /// The history every plan reads.
    public let window: PlanningWindow
    let period: PlanningPeriod
    private let from: PlanningDate
    private let through: PlanningDate

    /// The window of whole periods before `today`, as long as the history setting says.
    public init(rows: [PlanningSettingRow], today: String) throws(PlanningSettingsError) {
        guard let day = PlanningDate(today) else { throw .unreadableDate(today) }
        fallback = try PlanningSettings.effective(rows, location: nil)
        var settings: [String: PlanningSettings] = [:]
        for case let location? in rows.map(\.location) {
            settings[location] = try PlanningSettings.effective(rows, location: location)
        }
        self.settings = settings
        period = fallback.period
        // Only complete periods: this week's demand so far would read as a drop.
        through = period.start(containing: day).adding(days: -1)
        from = period.start(containing: through.adding(days: 1 - fallback.historyDays))
        window = PlanningWindow(period: period.rawValue, from: from.description, through: through.description)
    }

    /// The planner for today's run, from the stored settings: `plan show` and the reorder job
    /// both start here.
    /// Throws the store's error, or the settings' when the stored ones cannot be used.
    public static func load(_ store: PartsStore) async throws -> Planner {
        let stored = try await store.planningSettingRowsAndToday()
        return try Planner(rows: stored.rows, today: stored.today)
    }

    public func settings(for location: String) -> PlanningSettings { settings[location] ?? fallback }

    /// A part-location's series of demand per period, from `start(_:)` to the end of the window.
    func series(_ row: PlanningRow) -> DemandSeries {
        var builder = DemandSeries.Builder(period: period, from: start(row), through: through)
        for line in row.demand {
            builder.add(dayNumber: line.day, quantity: number(line.quantity))
        }
        return builder.build()
    }

    /// Where a series starts: where the part's history does, which is its first demand or
    /// earlier where the history is known to start earlier (the part's creation, an imported
    /// history's since=), never before the window. So a part new to the catalogue is not
    /// charged with years of zeros it never had the chance to sell in, and a part that sold
    /// twice in three years is not taken for one that sold twice in the weeks after its first
    /// sale. Croston's first interval counts from here, as statsforecast counts it: a first
    /// demand in the series' k-th period is an interval of k.
    func start(_ row: PlanningRow) -> PlanningDate {
        let firstDemand = row.demand.lazy.filter { $0.quantity.isPositive }.map(\.day).min()
        guard let day = [firstDemand, row.introducedDay].compactMap({ $0 }).min() else { return through }
        return max(from, min(through, PlanningDate(dayNumber: day)))
    }

    /// Days from the part's last demand in the window to the window's end; with none, the
    /// days of its series (from where its history starts). Counted to the end of the last
    /// whole period, the end every plan sees, so `plan show` and the run agree all week.
    func daysWithoutDemand(_ row: PlanningRow) -> Int {
        guard let last = row.demand.lazy.filter({ $0.quantity.isPositive }).map(\.day).max() else {
            return start(row).days(until: through) + 1
        }
        return through.dayNumber - last
    }

    /// The time one part's plan may take. A sound plan takes a millisecond; one that takes
    /// this long is flagged for a person, not waited for.
    public static let partSeconds = 2.0

    /// What the part-location's plans are computed from, besides its series and stock.
    func inputs(_ row: PlanningRow) throws(PlanningError) -> PlanInputs {
        let settings = settings(for: row.location)
        let lead = PlannedLeadTime(row, settings)
        return PlanInputs(
            parameters: settings.parameters,
            leadTime: try LeadTime(days: lead.days, standardDeviationDays: lead.standardDeviationDays,
                                   reviewDays: settings.reviewDays, period: period),
            abcClass: ABCClass(rawValue: row.abcClass) ?? .c, fillRate: row.fillRate,
            constraints: try OrderConstraints(packMultiple: number(row.pack)), unitCost: number(row.cost))
    }

    /// One part's plan, in the calling thread; past `budget` it throws and the part is
    /// flagged.
    public func plan(_ row: PlanningRow, budget: PlanningBudget) throws(PlanningError) -> PartPlan {
        let series = series(row)
        return try inputs(row).plan(
            series, stock: StockPosition(onHand: number(row.onHand), onOrder: number(row.onOrder),
                                         reserved: number(row.reserved), backOrdered: number(row.backOrdered)),
            daysWithoutDemand: daysWithoutDemand(row), method: methodSelection(row, series), budget: budget)
    }

    /// How old a replay's choice may be and still be used: five weeks, so a weekly trial may
    /// miss a run or two (a machine off, a failed run) without the run falling back to the
    /// class rule, while a choice made on a history more than a month older is not kept.
    public static let trialDays = 35

    /// Who picks the part's method: the stored replay's choice when the setting asks for it
    /// and the choice is recent, else the class rule, saying why not the replay.
    func methodSelection(_ row: PlanningRow, _ series: DemandSeries) -> MethodSelection {
        guard settings(for: row.location).methodChoice == .simulation else { return .byClass(note: nil) }
        if let trial = row.methodTrial, let choice = Self.choice(trial) {
            guard let age = trial.ageDays, age > Self.trialDays else { return .replay(choice) }
            return .byClass(note: "the replay of \(trial.triedOn ?? "-") is \(age) days old, more than \(Self.trialDays): "
                            + "job run method-trial replays again")
        }
        return .byClass(note: SimulatedMethodChoice.refusal(series.values, period: period)
                        ?? "not replayed yet: job run method-trial replays it")
    }

    /// The stored trial as the plan uses it; nil when a value cannot be read (never, for a
    /// row the schema's checks let in).
    static func choice(_ trial: MethodTrial) -> SimulatedMethodChoice? {
        func result(_ method: String?, _ fill: String?, _ onHand: String?, _ value: String?) -> SimulatedMethodChoice.Result? {
            guard let candidate = method.flatMap(MethodCandidate.init(rawValue:)), let fill = fill.flatMap(Double.init),
                  let onHand = onHand.flatMap(Double.init), let value = value.flatMap(Double.init) else { return nil }
            return SimulatedMethodChoice.Result(candidate: candidate, fillRate: fill, averageOnHand: onHand, averageValue: value)
        }
        guard let target = Double(trial.target),
              let chosen = result(trial.method, trial.fillRate, trial.averageOnHand, trial.averageValue) else { return nil }
        return SimulatedMethodChoice(
            chosen: chosen, runnerUp: result(trial.runnerUp, trial.runnerUpFillRate, trial.runnerUpOnHand, trial.runnerUpValue),
            target: target)
    }

    /// The time one part's replay may take: it makes up to `SimulatedMethodChoice.plans` plans,
    /// a millisecond or a few each.
    public static let trialSeconds = 10.0

    /// The part-location's replay for the method-trial job, in the calling thread: nil when
    /// its history cannot be replayed, the error when its replay failed or went past its
    /// budget (either way the part keeps the class rule, and `plan show` says why).
    public func trial(_ row: PlanningRow) -> Result<MethodTrial?, PlanningError> {
        let budget = PlanningBudget(steps: PlanningBudget.standardSteps * SimulatedMethodChoice.plans(period: period),
                                    seconds: Self.trialSeconds)
        let choice: SimulatedMethodChoice
        do {
            guard let chosen = try SimulatedMethodChoice.run(series: series(row), inputs: inputs(row), budget: budget) else {
                return .success(nil)
            }
            choice = chosen
        } catch {
            return .failure(error)
        }
        func fill(_ x: Double) -> String { decimalString(x, places: 6) }
        func value(_ x: Double) -> String { decimalString(x, places: 2) }
        let runnerUp = choice.runnerUp
        return .success(MethodTrial(
            partID: row.partID, locationID: row.locationID, target: fill(choice.target),
            method: choice.chosen.candidate.rawValue, fillRate: fill(choice.chosen.fillRate),
            averageOnHand: quantityString(choice.chosen.averageOnHand), averageValue: value(choice.chosen.averageValue),
            runnerUp: runnerUp?.candidate.rawValue, runnerUpFillRate: runnerUp.map { fill($0.fillRate) },
            runnerUpOnHand: runnerUp.map { quantityString($0.averageOnHand) }, runnerUpValue: runnerUp.map { value($0.averageValue) }))
    }

    /// One part's plan for a request (`plan show`): off the cooperative pool that serves the
    /// clients, within `partSeconds`, and stopped as soon as the request is cancelled (its
    /// client went away).
    public func plan(_ row: PlanningRow) async throws(PlanningError) -> PartPlan {
        let budget = PlanningBudget(seconds: Self.partSeconds)
        let outcome = await withTaskCancellationHandler {
            await OffPool.run { Result { () throws(PlanningError) in try self.plan(row, budget: budget) } }
        } onCancel: {
            budget.cancel()
        }
        return try outcome.get()
    }

    /// Days the stock would last after the suggested order arrives, at the forecast rate.
    public func daysOfSupply(_ plan: PartPlan) -> Double? {
        let perDay = plan.forecastPerPeriod / period.averageDays
        guard perDay > 0 else { return nil }
        return max(0, plan.inventoryPosition + plan.suggestedOrder) / perDay
    }

    /// The proposal line for a part-location. A part whose order would push its days of supply
    /// past the warehouse's maximum is flagged for the manager, never silently cut.
    public func line(_ row: PlanningRow) -> ReorderLine {
        let plan: PartPlan
        do {
            plan = try self.plan(row, budget: PlanningBudget(seconds: Self.partSeconds))
        } catch {
            return ReorderLine(partID: row.partID, locationID: row.locationID, demandClass: "error", abcClass: row.abcClass,
                               method: "-", forecast: "0", safetyStock: "0", reorderPoint: "0", orderUpTo: "0",
                               position: "0", suggested: "0", unitCost: row.cost.description, daysOfSupply: nil,
                               flagged: true, obsoleteWhy: nil, why: "not planned: \(error.description)")
        }
        let days = daysOfSupply(plan)
        // The full explanation is most of a plan's cost: written for the lines a manager
        // reviews, a short reason for the rest.
        var why = plan.suggestedOrder > 0 || row.maxDaysOfSupply != nil || plan.isObsolete ? plan.why
            : "no order: position \(plainNumber(plan.inventoryPosition)) above reorder point \(plainNumber(plan.reorderPoint))"
        var flagged = false
        if plan.suggestedOrder > 0, let limit = row.maxDaysOfSupply {
            if let days, days > Double(limit) {
                flagged = true
                why += "; flagged: \(plainNumber(days, places: 1)) days of supply after this order, the maximum is \(limit)"
            } else if days == nil {
                flagged = true
                why += "; flagged: no forecast demand, so this order is never used up (maximum \(limit) days of supply)"
            }
        }
        return ReorderLine(
            partID: row.partID, locationID: row.locationID, demandClass: plan.demandClass.rawValue, abcClass: plan.abcClass.rawValue,
            method: plan.method.rawValue, forecast: quantityString(plan.forecastPerPeriod),
            safetyStock: quantityString(max(0, plan.safetyStock)), reorderPoint: quantityString(plan.reorderPoint),
            orderUpTo: quantityString(plan.orderUpTo), position: quantityString(plan.inventoryPosition),
            suggested: quantityString(plan.suggestedOrder), unitCost: row.cost.description,
            daysOfSupply: days.map { decimalString(min($0, 99_999_999), places: 1) }, flagged: flagged,
            obsoleteWhy: plan.isObsolete ? plan.obsolescence.reason(period: period) : nil, why: why)
    }
}

/// Statistics work in binary floating point; quantities come back as exact decimals. One
/// division by a power of ten rounds correctly for any quantity the schema can hold.
func number(_ value: ExactDecimal) -> Double {
    Double(value.units) / powersOfTen[value.scale]
}

private let powersOfTen: [Double] = (0...9).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }
