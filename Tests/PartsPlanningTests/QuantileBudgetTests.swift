import PartsPlanning
import Testing

/// Issue 16, defect 1: one imported line of 10⁹ units and α = 0.999 leave a monthly forecast
/// that fades to almost nothing while its error stays huge, so the lead-time demand's negative
/// binomial has a mean of about 5·10⁻⁷ and a standard deviation of about 3·10⁸. The quantile
/// used to walk towards mean + 40 σ, some 10¹⁰ terms, because the distribution's p⁰ʳ rounded
/// to 0 and the sum never reached the service level.
///
/// Reference values from scipy 1.17 (`nbinom.ppf(level, r, p)` with r = m²/(v − m), p = m/v;
/// `poisson.ppf(level, mean)`).
@Suite("the discrete quantile's work is bounded")
struct QuantileBudgetTests {
    /// What the plan computes for that history: lead-time demand mean and standard deviation.
    static let mean = 4.6027397260274175e-07
    static let standardDeviation = 303405482.1117023

    private func plan(budget: PlanningBudget, measure: ServiceMeasure = .fill) throws -> PartPlan {
        var parameters = PlanningParameters(period: .month, serviceMeasure: measure)
        parameters.sesAlpha = 0.999
        parameters.crostonAlpha = 0.999
        parameters.tsbAlpha = 0.999
        var builder = DemandSeries.Builder(period: .month, from: try #require(PlanningDate("2026-06-01")),
                                           through: try #require(PlanningDate("2026-11-30")))
        _ = builder.add(date: try #require(PlanningDate("2026-06-01")), quantity: 1_000_000_000)
        return try PartPlan.compute(series: builder.build(), parameters: parameters,
                                    leadTime: LeadTime(days: 14, period: .month), budget: budget)
    }

    @Test func thatHistorysQuantileIsZeroInAHandfulOfSteps() throws {
        let variance = Self.standardDeviation * Self.standardDeviation
        // scipy: 0 at every level; P(N = 0) = 1 - 2e-28.
        for level in [0.9, 0.98, 0.999999] {
            let budget = PlanningBudget(steps: 100)
            #expect(try DiscreteDemand.negativeBinomialQuantile(level, mean: Self.mean, variance: variance, budget: budget) == 0)
            #expect(budget.steps <= 10)
        }
        // The standard budget, as every plan has it: the same answer. (The walk this replaced
        // ran for more than 300 s on these numbers, towards a wrong answer of 1.2·10¹⁰.)
        #expect(DiscreteDemand.negativeBinomialQuantile(0.9, mean: Self.mean, variance: variance) == 0)
    }

    /// By either measure: by fill rate (the default) the table of that negative binomial ends
    /// at its first term (P(N > 0) ≈ 2·10⁻²⁸), and level 0 already serves the target.
    @Test(arguments: ServiceMeasure.allCases)
    func thatHistorysPlanStaysWithinAFewStepsOfItsSeries(measure: ServiceMeasure) throws {
        let budget = PlanningBudget(steps: 1000)
        let plan = try plan(budget: budget, measure: measure)
        #expect(plan.serviceMeasure == measure)
        #expect(plan.levels.model == .negativeBinomial)
        #expect(plan.leadTimeDemand == Self.mean)
        #expect(plan.leadTimeDemandStandardDeviation == Self.standardDeviation)
        #expect(plan.reorderPoint == 0)
        #expect(budget.steps < 20)
    }

    /// Quantiles beyond the terms summed one by one are searched: the steps do not grow with
    /// the quantile.
    @Test func farQuantilesAreSearchedNotWalkedTo() throws {
        let cases: [(mean: Double, variance: Double?, level: Double, quantile: Int)] = [
            (3, 3e7, 0.999999, 204_410),
            (50_000, nil, 0.95, 50_368),
            (20_000, nil, 0.5, 20_000),
            // Within the terms summed: as before.
            (4, 4e5, 0.9999, 4834),
            (4.5, 2e4, 0.999, 1196),
            (4, nil, 0.999999, 17),
        ]
        for item in cases {
            let budget = PlanningBudget()
            let found = try item.variance.map {
                try DiscreteDemand.negativeBinomialQuantile(item.level, mean: item.mean, variance: $0, budget: budget)
            } ?? DiscreteDemand.poissonQuantile(item.level, mean: item.mean, budget: budget)
            #expect(found == item.quantile, "\(item)")
            #expect(budget.steps < 100_000, "\(item): \(budget.steps) steps")
        }
    }

    @Test func aPlanPastItsBudgetThrowsInsteadOfRunningOn() {
        #expect(throws: PlanningError.budgetExceeded(steps: 50)) {
            try DiscreteDemand.poissonQuantile(0.95, mean: 50_000, budget: PlanningBudget(steps: 50))
        }
        let cancelled = PlanningBudget()
        cancelled.cancel()
        #expect(throws: PlanningError.cancelled) { try plan(budget: cancelled) }
        #expect(throws: PlanningError.deadlinePassed(seconds: 0)) {
            try DiscreteDemand.poissonQuantile(0.95, mean: 50_000, budget: PlanningBudget(seconds: 0))
        }
    }
}
