/// One labelled number of a plan, as `plan show` prints it.
public struct PlanLine: Sendable, Equatable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Everything planning decides for one part at one location, with the numbers behind it.
///
/// Managers trust what they can check, so the plan keeps every intermediate value:
/// series → ADI/CV² → class → method → forecast and its error → lead-time demand → safety
/// stock → reorder point → order quantity → order-up-to → position → suggestion, and `why`
/// says it in one line.
///
/// `compute` works on one part and keeps nothing between calls, so a reorder run can stream
/// parts from the database one at a time in constant memory.
public struct PartPlan: Sendable, Equatable {
    public let series: DemandSeries
    public let classification: DemandClassification
    public let methodChoice: MethodChoice
    public let forecast: Forecast
    /// σ_D used for safety stock: the forecast RMSE, or the population standard deviation
    /// of the series when there is no one-step error yet (a single period).
    public let demandStandardDeviation: Double
    public let leadTime: LeadTime
    public let abcClass: ABCClass
    public let levels: ReorderLevels
    public let orderQuantity: OrderQuantity
    public let replenishment: Replenishment
    /// The parameters the plan was computed with.
    public let parameters: PlanningParameters
    /// The stock the position was computed from.
    public let stock: StockPosition
    /// The supplier's minimum and pack multiple.
    public let constraints: OrderConstraints
    /// Whether demand has stopped; an obsolete part is never ordered.
    public let obsolescence: Obsolescence

    /// One line for a person: the chain of reasons, with the numbers a manager can check
    /// ("intermittent (ADI 3.25 ≥ 1.32, CV² 0.252 < 0.49); SBA (α 0.1): 0.824 per week; …").
    /// Formatted when asked for (most of a plan's cost is this text), so a run that only
    /// stores lines with a suggestion does not pay for the others.
    public var why: String {
        PartPlan.explain(
            period: series.period, parameters: parameters, classification: classification,
            choice: methodChoice, forecast: forecast, leadTime: leadTime, levels: levels,
            orderQuantity: orderQuantity.quantity, constraints: constraints, replenishment: replenishment,
            obsolescence: obsolescence)
    }

    // MARK: The numbers `plan show` explains, by name.

    public var adi: Double? { classification.adi }
    public var cv2: Double? { classification.cv2 }
    public var demandClass: DemandClass { classification.demandClass }
    public var method: ForecastMethod { forecast.method }
    public var forecastPerPeriod: Double { forecast.perPeriod }
    public var mae: Double? { forecast.error?.mae }
    public var mse: Double? { forecast.error?.mse }
    public var rmse: Double? { forecast.error?.rmse }
    /// The target, in `serviceMeasure`.
    public var serviceLevel: Double { levels.serviceLevel }
    public var serviceMeasure: ServiceMeasure { levels.measure }
    /// β of the reorder point and order quantity under the demand model.
    public var expectedFillRate: Double? { levels.expectedFillRate }
    public var leadTimeDemand: Double { levels.meanLeadTimeDemand }
    public var leadTimeDemandStandardDeviation: Double { levels.leadTimeDemandStandardDeviation }
    public var safetyStock: Double { levels.safetyStock }
    public var reorderPoint: Double { levels.reorderPoint }
    public var orderUpTo: Double { replenishment.orderUpTo }
    public var inventoryPosition: Double { replenishment.inventoryPosition }
    public var suggestedOrder: Double { replenishment.suggestedOrder }
    public var isObsolete: Bool { obsolescence.isObsolete }

    /// Plans one part.
    ///
    /// - Parameters:
    ///   - series: the part's netted demand per period; its period must be `parameters.period`.
    ///   - parameters: validated here too (cheap), so a bad setting never yields a plan.
    ///   - leadTime: in periods (see `LeadTime.init(days:standardDeviationDays:period:)`).
    ///   - abcClass: picks the service level (A/B/C); C when unknown.
    ///   - fillRate: the part's own fill-rate target, over its class's (under the fill measure).
    ///   - stock: on hand, on order, reserved, back-ordered.
    ///   - constraints: supplier minimum and pack multiple.
    ///   - unitCost: with `parameters.orderingCost` and `annualHoldingRate`, enables EOQ
    ///     (h = rate × unit cost).
    ///   - budget: the work the plan may take; past it the plan throws, and the caller flags
    ///     the part instead of waiting for it.
    ///   - daysWithoutDemand: days from the last demand (or the start of the history) to the
    ///     end of the series, for `Obsolescence`; nil when unknown.
    ///   - method: who picks the forecasting method (`MethodSelection`): the class rule by
    ///     default.
    public static func compute(
        series: DemandSeries,
        parameters: PlanningParameters,
        leadTime: LeadTime,
        abcClass: ABCClass = .c,
        fillRate: Double? = nil,
        stock: StockPosition = StockPosition(),
        constraints: OrderConstraints = .units,
        unitCost: Double? = nil,
        budget: PlanningBudget = PlanningBudget(),
        daysWithoutDemand: Int? = nil,
        method: MethodSelection = .byClass(note: nil)
    ) throws(PlanningError) -> PartPlan {
        try parameters.validate()
        guard series.period == parameters.period else {
            throw .periodMismatch(series: series.period, parameters: parameters.period)
        }
        if let unitCost { try Check.nonNegative(unitCost, "unitCost") }
        if let fillRate { try Check.fillRate(fillRate, "fillRate") }
        try Check.finite(stock.onHand, "onHand")
        try Check.finite(stock.onOrder, "onOrder")
        try Check.finite(stock.reserved, "reserved")
        try Check.finite(stock.backOrdered, "backOrdered")

        let values = series.values
        let classification = DemandClassification(
            values: values, minimumPeriods: parameters.minimumHistoryPeriods,
            adiCutoff: parameters.adiCutoff, cv2Cutoff: parameters.cv2Cutoff)
        let choice = MethodChoice(classification: classification, values: values, parameters: parameters, selection: method)
        let forecast = choice.forecast(values, parameters: parameters)
        // The forecasts walk the series a few times: its length is their cost.
        try budget.spend(values.count)
        let sigmaD = forecast.error?.rmse ?? populationStandardDeviation(values)

        var holding: Double?
        if let rate = parameters.annualHoldingRate, let unitCost, unitCost > 0 { holding = rate * unitCost }
        let quantity = OrderQuantity(
            demandPerPeriod: forecast.perPeriod, periodsPerYear: series.period.periodsPerYear,
            reviewPeriods: parameters.reviewPeriods, orderingCost: parameters.orderingCost,
            holdingCostPerUnitYear: holding, constraints: constraints)

        // The order quantity comes first: a fill rate counts the shortage per order.
        let levels: ReorderLevels
        switch parameters.serviceMeasure {
        case .cycle:
            levels = try ReorderLevels(
                demandPerPeriod: forecast.perPeriod, demandStandardDeviation: sigmaD, leadTime: leadTime,
                serviceLevel: parameters.serviceLevel(for: abcClass), slowMoverThreshold: parameters.slowMoverThreshold,
                orderQuantity: quantity.quantity, budget: budget)
        case .fill:
            levels = try ReorderLevels(
                demandPerPeriod: forecast.perPeriod, demandStandardDeviation: sigmaD, leadTime: leadTime,
                fillRate: fillRate ?? parameters.fillRate(for: abcClass), orderQuantity: quantity.quantity,
                classification: classification, history: values, period: series.period,
                slowMoverThreshold: parameters.slowMoverThreshold, demandModel: choice.demandModel ?? parameters.demandModel,
                budget: budget)
        }
        let obsolescence = Obsolescence(
            daysWithoutDemand: daysWithoutDemand, decay: choice.decay, afterDays: parameters.obsoleteAfterDays,
            probability: parameters.obsoleteProbability)
        let replenishment = Replenishment(
            reorderPoint: levels.reorderPoint, orderQuantity: quantity.quantity, stock: stock,
            constraints: constraints, withheld: obsolescence.isObsolete)

        return PartPlan(
            series: series, classification: classification, methodChoice: choice, forecast: forecast,
            demandStandardDeviation: sigmaD, leadTime: leadTime, abcClass: abcClass, levels: levels,
            orderQuantity: quantity, replenishment: replenishment, parameters: parameters, stock: stock,
            constraints: constraints, obsolescence: obsolescence)
    }

    /// The plan's numbers as labelled lines, quantities to three decimals
    /// (`decimalString(_:places:)`), undefined values as `-`.
    public var lines: [PlanLine] {
        func q(_ x: Double?) -> String { x.map(quantityString) ?? "-" }
        let period = series.period.rawValue
        var lines = [
            PlanLine(name: "periods", value: "\(series.count) \(period)s from \(series.firstPeriodStart)"),
            PlanLine(name: "demand periods", value: "\(classification.demandPeriods)"),
            PlanLine(name: "ADI", value: q(adi)),
            PlanLine(name: "CV2", value: q(cv2)),
            PlanLine(name: "class", value: demandClass.rawValue),
            PlanLine(name: "method", value: method.rawValue),
            PlanLine(name: "method from", value: methodChoice.replay == nil ? "class" : "replay"),
            PlanLine(name: "method reason", value: methodChoice.reason + (methodChoice.note.map { "; \($0)" } ?? "")),
        ]
        if let replay = methodChoice.replay {
            lines += Self.replayLines(replay)
        }
        if let alpha = forecast.alpha { lines.append(PlanLine(name: "alpha", value: plainNumber(alpha, places: 6))) }
        if let beta = forecast.beta { lines.append(PlanLine(name: "beta", value: plainNumber(beta, places: 6))) }
        lines += [
            PlanLine(name: "forecast per \(period)", value: q(forecastPerPeriod)),
            PlanLine(name: "MAE", value: q(mae)),
            PlanLine(name: "RMSE", value: q(rmse)),
            PlanLine(name: "lead time \(period)s", value: q(leadTime.periods)),
            PlanLine(name: "lead time sd \(period)s", value: q(leadTime.standardDeviation)),
            PlanLine(name: "review interval \(period)s", value: q(leadTime.reviewPeriods)),
            PlanLine(name: "lead-time demand", value: q(leadTimeDemand)),
            PlanLine(name: "lead-time demand sd", value: q(leadTimeDemandStandardDeviation)),
            PlanLine(name: "ABC class", value: abcClass.rawValue),
            PlanLine(name: "service level", value: plainNumber(serviceLevel, places: 6)),
            PlanLine(name: "service measure", value: serviceMeasure.displayName),
            PlanLine(name: "model", value: levels.model.rawValue),
            PlanLine(name: "demand model", value: levels.choice.description),
        ]
        if let z = levels.z { lines.append(PlanLine(name: "z", value: decimalString(z, places: 4))) }
        lines += [
            PlanLine(name: "safety stock", value: q(safetyStock)),
            PlanLine(name: "reorder point", value: q(reorderPoint)),
            PlanLine(name: "expected fill rate", value: expectedFillRate.map { decimalString($0, places: 4) } ?? "-"),
            PlanLine(name: "order quantity (\(orderQuantity.basis.rawValue))", value: q(orderQuantity.quantity)),
            PlanLine(name: "order-up-to", value: q(orderUpTo)),
            PlanLine(name: "obsolete", value: obsolescence.reason(period: series.period)),
            PlanLine(name: "position", value: q(inventoryPosition)),
            PlanLine(name: "suggested order", value: q(suggestedOrder)),
            PlanLine(name: "why", value: why),
        ]
        return lines
    }

    /// What the replay measured, the chosen candidate's and the runner-up's, to the figures'
    /// own precision: a fill rate to four places, stock to three like every quantity, its value
    /// to the cent.
    private static func replayLines(_ replay: SimulatedMethodChoice) -> [PlanLine] {
        var lines = [
            PlanLine(name: "replay candidate", value: replay.chosen.candidate.rawValue),
            PlanLine(name: "replay fill rate", value: decimalString(replay.chosen.fillRate, places: 4)),
            PlanLine(name: "replay average on hand", value: quantityString(replay.chosen.averageOnHand)),
            PlanLine(name: "replay average value", value: decimalString(replay.chosen.averageValue, places: 2)),
            PlanLine(name: "replay target", value: plainNumber(replay.target, places: 6)),
        ]
        if let runnerUp = replay.runnerUp {
            lines += [
                PlanLine(name: "runner-up", value: runnerUp.candidate.rawValue),
                PlanLine(name: "runner-up fill rate", value: decimalString(runnerUp.fillRate, places: 4)),
                PlanLine(name: "runner-up average on hand", value: quantityString(runnerUp.averageOnHand)),
                PlanLine(name: "runner-up average value", value: decimalString(runnerUp.averageValue, places: 2)),
            ]
        }
        return lines
    }

    private static func populationStandardDeviation(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(values.count)).squareRoot()
    }

    private static func explain(
        period: PlanningPeriod, parameters: PlanningParameters, classification: DemandClassification,
        choice: MethodChoice, forecast: Forecast, leadTime: LeadTime, levels: ReorderLevels,
        orderQuantity: Double, constraints: OrderConstraints, replenishment: Replenishment, obsolescence: Obsolescence
    ) -> String {
        let unit = period.rawValue
        var parts: [String] = []

        switch classification.demandClass {
        case .none:
            parts.append("no demand in \(classification.periods) \(unit)s")
        case .new:
            parts.append(
                "new (\(classification.periods) \(unit)s, \(classification.demandPeriods) with demand; a class needs "
                    + "≥ \(parameters.minimumHistoryPeriods) \(unit)s and ≥ \(DemandClassification.minimumDemandOccurrences) with demand)")
        case .smooth, .erratic, .intermittent, .lumpy:
            let adi = classification.adi ?? 0
            let cv2 = classification.cv2 ?? 0
            let adiSign = adi < parameters.adiCutoff ? "<" : "≥"
            let cv2Sign = cv2 < parameters.cv2Cutoff ? "<" : "≥"
            parts.append(
                "\(classification.demandClass.rawValue) (ADI \(plainNumber(adi)) \(adiSign) \(plainNumber(parameters.adiCutoff)), "
                    + "CV² \(plainNumber(cv2)) \(cv2Sign) \(plainNumber(parameters.cv2Cutoff)))")
        }
        if forecast.method != .none {
            var constants = forecast.alpha.map { "α \(plainNumber($0, places: 6))" } ?? ""
            if let beta = forecast.beta { constants += ", β \(plainNumber(beta, places: 6))" }
            var method = "\(forecast.method.displayName) (\(constants))"
            if classification.demandClass == .new || choice.decay?.isDecaying == true || choice.replay != nil {
                method += ", \(choice.reason)"
            }
            parts.append("\(method): \(plainNumber(forecast.perPeriod)) per \(unit)")
        }
        let service = plainNumber(levels.serviceLevel * 100, places: 2) + "%"
        let interval = leadTime.reviewPeriods > 0
            ? "\(plainNumber(leadTime.periods)) + \(plainNumber(leadTime.reviewPeriods)) review"
            : plainNumber(leadTime.periods)
        let ltd = "lead-time demand \(plainNumber(levels.meanLeadTimeDemand)) over \(interval) \(unit)s"
        switch (levels.measure, levels.model) {
        case (.cycle, .normal):
            parts.append(
                "\(ltd) + safety stock \(plainNumber(levels.z ?? 0, places: 4)) × σ \(plainNumber(levels.leadTimeDemandStandardDeviation)) "
                    + "for \(service) = reorder point \(plainNumber(levels.reorderPoint))")
        case (.cycle, _):
            parts.append(
                "\(ltd) < \(plainNumber(parameters.slowMoverThreshold)): \(levels.model.displayName) at \(service) gives "
                    + "reorder point \(plainNumber(levels.reorderPoint))")
        case (.fill, _):
            let expected = levels.expectedFillRate.map { ", expected \(plainNumber($0 * 100, places: 2))%" } ?? ""
            parts.append(
                "\(ltd), \(levels.model.displayName): fill rate \(service) with orders of \(plainNumber(orderQuantity)) "
                    + "needs reorder point \(plainNumber(levels.reorderPoint)) (safety stock \(plainNumber(levels.safetyStock))\(expected))")
        }
        let position = plainNumber(replenishment.inventoryPosition)
        let rop = plainNumber(replenishment.reorderPoint)
        if obsolescence.isObsolete {
            parts.append("obsolete (\(obsolescence.reason(period: period))): no order; its stock is a candidate for return "
                         + "to the supplier or write-down (report obsolete)")
        } else if !replenishment.triggered {
            parts.append("position \(position) > reorder point \(rop): no order")
        } else if replenishment.suggestedOrder <= 0 {
            parts.append("position \(position) ≤ reorder point \(rop), order-up-to \(plainNumber(replenishment.orderUpTo)): nothing to order")
        } else {
            let subtrahend = replenishment.inventoryPosition < 0 ? "(\(position))" : position
            var order =
                "position \(position) ≤ reorder point \(rop): order-up-to \(plainNumber(replenishment.orderUpTo)) − \(subtrahend)"
                + " = \(plainNumber(replenishment.unroundedOrder)) → order \(plainNumber(replenishment.suggestedOrder))"
            var terms: [String] = []
            if constraints.packMultiple != 1 { terms.append("packs of \(plainNumber(constraints.packMultiple))") }
            if constraints.minimum > 0 { terms.append("minimum \(plainNumber(constraints.minimum))") }
            if !terms.isEmpty { order += " (\(terms.joined(separator: ", ")))" }
            parts.append(order)
        }
        return parts.joined(separator: "; ")
    }
}
