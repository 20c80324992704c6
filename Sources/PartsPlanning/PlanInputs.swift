/// What one part's plan needs besides its series and stock: the settings, lead time and
/// review, class and target, supplier terms and cost. The plan of the day and every re-plan of
/// a replay (`PolicyReplay`) are computed from the same inputs by the same call, so a replay
/// tries the levels the plan would really have set.
public struct PlanInputs: Sendable, Equatable {
    public var parameters: PlanningParameters
    public var leadTime: LeadTime
    public var abcClass: ABCClass
    /// The part's own fill-rate target, over its class's.
    public var fillRate: Double?
    public var constraints: OrderConstraints
    public var unitCost: Double?

    public init(parameters: PlanningParameters, leadTime: LeadTime, abcClass: ABCClass = .c, fillRate: Double? = nil,
                constraints: OrderConstraints = .units, unitCost: Double? = nil) {
        self.parameters = parameters
        self.leadTime = leadTime
        self.abcClass = abcClass
        self.fillRate = fillRate
        self.constraints = constraints
        self.unitCost = unitCost
    }

    /// The service the part is planned for, as a unit fill rate: its fill-rate target, or
    /// under `service_measure=cycle` its class's cycle service level, which then stands in as
    /// the fill rate a replay must reach.
    public var targetFillRate: Double {
        switch parameters.serviceMeasure {
        case .fill: fillRate ?? parameters.fillRate(for: abcClass)
        case .cycle: parameters.serviceLevel(for: abcClass)
        }
    }

    /// `PartPlan.compute` with these inputs.
    public func plan(_ series: DemandSeries, stock: StockPosition = StockPosition(), daysWithoutDemand: Int?,
                     method: MethodSelection = .byClass(note: nil), budget: PlanningBudget) throws(PlanningError) -> PartPlan {
        try PartPlan.compute(
            series: series, parameters: parameters, leadTime: leadTime, abcClass: abcClass, fillRate: fillRate, stock: stock,
            constraints: constraints, unitCost: unitCost, budget: budget, daysWithoutDemand: daysWithoutDemand, method: method)
    }
}
