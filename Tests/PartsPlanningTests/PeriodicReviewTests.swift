@testable import PartsPlanning
import Testing

/// The fill rate of (R, s, S) counted review by review, against an independent implementation
/// and a simulation.
///
/// The example: per review interval a compound Poisson with λ_R = 0.5 occasions of 1 or 3 units
/// (half each), a lead time of two review intervals, so D_{L+R} has λ = 1.5.
/// f₀ = e^−½ = 0.6065307, f₁ = ½·½·e^−½ = 0.1516327, f₂ = e^−½·(½)²/2·¼ = 0.0189541,
/// f₃ = e^−½·(½·½ + (½)³/6·⅛) = 0.1532122; with Q = 4 the reviews a cycle spends at k = 0…3
/// since its order are V = (1, f₁, f₂ + f₁², f₃ + 2f₁f₂ + f₁³) / (1 − f₀)ᵏ⁺¹, shares
/// π = (0.48407, 0.18655, 0.09521, 0.23417). β from python3 (the same sums, written apart from
/// this code): β(2) = 0.6919268, β(3) = 0.7895014, β(4) = 0.8593225; β(1) with Q = 2 =
/// 0.4104459. A simulation of 2·10⁶ review intervals (order at a review when the position is at
/// or below s, up to S, delivered two intervals later, demand served from the shelf or
/// back-ordered) gave 0.69177, 0.85910 and 0.41008. The continuous-review formula says 0.66661
/// for β(2): it takes the position at an order to be s, while here a lump of 3 leaves it below.
@Suite("Fill rate under periodic review")
struct PeriodicReviewTests {
    private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    private func example() throws -> PeriodicReview {
        let protection = try #require(try LeadTimeDemand.compoundPoisson(CompoundPoisson(occasions: 1.5, counts: [1: 1, 3: 1])))
        return try #require(try PeriodicReview(protection: protection, reviewShare: 1.0 / 3, budget: PlanningBudget()))
    }

    @Test func workedExample() throws {
        let periodic = try example()
        for (level, beta) in [(2.0, 0.6919268175991242), (3, 0.7895013840013559), (4, 0.8593224751196603)] {
            #expect(close(try FillRate.of(level: level, quantity: 4, periodic: periodic), beta), "\(level)")
        }
        #expect(close(try FillRate.of(level: 1, quantity: 2, periodic: periodic), 0.41044587932860954))
        #expect(close(try FillRate.of(level: 2, quantity: 4, demand: periodic.protection), 0.6666136103496518))
        // The smallest level that reaches a target is the first whose β does.
        #expect(try FillRate.smallestLevel(reaching: 0.69, quantity: 4, periodic: periodic) == 2)
        #expect(try FillRate.smallestLevel(reaching: 0.70, quantity: 4, periodic: periodic) == 3)
        #expect(try FillRate.smallestLevel(reaching: 0.85, quantity: 4, periodic: periodic) == 4)
    }

    /// No review interval, or no table (the normal): the continuous-review formula stands.
    @Test func onlyForCountsUnderPeriodicReview() throws {
        let protection = try #require(try LeadTimeDemand.compoundPoisson(CompoundPoisson(occasions: 1.5, counts: [1: 1, 3: 1])))
        #expect(try PeriodicReview(protection: protection, reviewShare: 0, budget: PlanningBudget()) == nil)
        #expect(try PeriodicReview(protection: .normal(mean: 100, standardDeviation: 20), reviewShare: 0.5,
                                   budget: PlanningBudget()) == nil)
        let lumpy = DemandClassification(values: [0, 0, 9, 0, 1, 0, 0, 0, 12, 0, 0, 1, 0, 0])
        let choice = try DemandModelChoice(
            fillRate: lumpy, history: [0, 0, 9, 0, 1, 0, 0, 0, 12, 0, 0, 1, 0, 0], period: .week, mean: 3.3,
            standardDeviation: 4, leadTime: try LeadTime(periods: 2, reviewPeriods: 1), slowMoverThreshold: 5,
            budget: PlanningBudget())
        #expect(choice.periodic != nil)
        #expect(choice.description.hasSuffix(", counted review by review"))
    }

    /// A cycle of a million states is not weighed; the level falls back to the continuous
    /// formula within its budget.
    @Test func longCyclesFallBack() throws {
        let periodic = try example()
        let budget = PlanningBudget()
        let level = try FillRate.smallestLevel(reaching: 0.95, quantity: 1_000_000, periodic: periodic, budget: budget)
        #expect(level == (try FillRate.smallestLevel(reaching: 0.95, quantity: 1_000_000, demand: periodic.protection)))
        #expect(budget.steps < 10_000, "\(budget.steps) steps")
    }

    /// Made for an order quantity, the review interval is tabulated only as far as that
    /// cycle reaches: the same β to the last digits, for the worked example and for a
    /// negative binomial whose review table runs to hundreds of terms (p = 0.05), in fewer
    /// steps; a larger quantity than it was made for falls back to the continuous formula.
    @Test func aReviewTabulatedForItsQuantityGivesTheSameFillRate() throws {
        let compound = try #require(try LeadTimeDemand.compoundPoisson(CompoundPoisson(occasions: 1.5, counts: [1: 1, 3: 1])))
        let spread = try LeadTimeDemand.negativeBinomial(mean: 3, variance: 60)
        for (protection, quantity, share) in [(compound, 4.0, 1.0 / 3), (spread, 5, 0.2), (spread, 0.5, 0.05)] {
            let wholeBudget = PlanningBudget()
            let whole = try #require(try PeriodicReview(protection: protection, reviewShare: share, budget: wholeBudget))
            let cutBudget = PlanningBudget()
            let cut = try #require(try PeriodicReview(protection: protection, reviewShare: share, quantity: quantity,
                                                      budget: cutBudget))
            #expect(cut.review.count < whole.review.count)
            #expect(cutBudget.steps < wholeBudget.steps)
            #expect(close(cut.reviewMean, whole.reviewMean, 1e-12))
            for level in [0.0, 1, 2, 3, 5, 8, 13] {
                let expected = try FillRate.of(level: level, quantity: quantity, periodic: whole)
                #expect(close(try FillRate.of(level: level, quantity: quantity, periodic: cut), expected, 1e-12),
                        "\(protection.model) s \(level) Q \(quantity)")
            }
        }
        let cut = try #require(try PeriodicReview(protection: spread, reviewShare: 0.2, quantity: 5, budget: PlanningBudget()))
        #expect(try FillRate.of(level: 3, quantity: 9, periodic: cut) == (try FillRate.of(level: 3, quantity: 9, demand: spread)))
    }
}
