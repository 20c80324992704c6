@testable import PartsPlanning
import Testing

/// Willemain's bootstrap (`DemandBootstrap`), its generator and its occurrence chain, with
/// known answers.
///
/// The reference answers come from deploy/bootstrap_reference.py, a python3 reimplementation
/// written from the paper and the doc comments (SplitMix64 in Python integers, the normal by
/// `statistics.NormalDist().inv_cdf`, the same AS 241 `StandardNormal.quantile` is), run as
///
///     deploy/bootstrap_reference.py 2.142857142857143 0.14285714285714285 1000 <the series>
///
/// for `series` below (36 weeks) with a lead time of 15 days and a review interval of one day
/// in weeks (15/7 and 1/7: both intervals end inside the third week, so the fractional-period
/// rule is exercised). It printed P(demand | none) 0.4583333333333333, P(demand | demand)
/// 0.09090909090909091, and for D_{L+R} mean 1.86, variance 5.3384, E[(D − k)⁺] for k = 0…7
/// 1.86 1.266 0.831 0.535 0.351 0.221 0.133 0.074; D_L mean 1.707, E[(D − 2)⁺] 0.749; D_R
/// mean 0.153, E[(D − 1)⁺] 0.101.
@Suite("Bootstrap of lead-time demand")
struct BootstrapTests {
    private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    private let series: [Double] = [0, 0, 3, 0, 1, 0, 0, 0, 6, 2, 0, 0, 1, 0, 0, 3, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 4, 0, 1, 0, 0, 0,
                                     2, 0, 0, 1]

    /// SplitMix64's first outputs for seeds 0 and 1234567, the values Vigna's splitmix64.c gives
    /// (and the xoshiro reference's seeding tests); recomputed with python3 from the same three
    /// lines: s += 0x9E3779B97F4A7C15; z = (s ^ s >> 30) · 0xBF58476D1CE4E5B9;
    /// z = (z ^ z >> 27) · 0x94D049BB133111EB; z ^ z >> 31, all mod 2⁶⁴.
    @Test func generatorMatchesTheReference() {
        var zero = SplitMix64(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
        #expect(zero.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(zero.next() == 0x06C4_5D18_8009_454F)
        var other = SplitMix64(seed: 1_234_567)
        #expect(other.next() == 6_457_827_717_110_365_317)
        #expect(other.next() == 3_203_168_211_198_807_973)
        #expect(other.next() == 9_817_491_932_198_370_423)
        // ((0xE220A8397B1DCDAF >> 11) + 0.5) · 2⁻⁵³, and its normal quantile, from python3.
        var unit = SplitMix64(seed: 0)
        #expect(unit.nextUnit() == 0.8833108082136427)
        var normal = SplitMix64(seed: 0)
        #expect(close(normal.nextNormal(), 1.1917013116694632, 1e-14))
    }

    /// [0, 3, 0, 0, 2, 2, 0, 1]: from none, 0→3, 0→0, 0→2, 0→1, three demands in four;
    /// from demand, 3→0, 2→2, 2→0, one in three; the last week had demand.
    @Test func chainByHand() throws {
        let chain = try #require(OccurrenceChain(values: [0, 3, 0, 0, 2, 2, 0, 1]))
        #expect(chain == OccurrenceChain(afterNone: 0.75, afterDemand: 1.0 / 3, lastHadDemand: true))
        // Demand only in the last week: never left, so the share of weeks with demand, 1/4.
        let unseen = try #require(OccurrenceChain(values: [0, 0, 0, 4]))
        #expect(unseen == OccurrenceChain(afterNone: 1.0 / 3, afterDemand: 0.25, lastHadDemand: true))
        #expect(OccurrenceChain(values: []) == nil)
    }

    /// X* = 1 + INT(X + Z·√X), INT the integer part (towards zero), X when X* ≤ 0.
    @Test func jitter() {
        #expect(DemandBootstrap.jittered(4, z: 0.5) == 6)     // 1 + INT(5)
        #expect(DemandBootstrap.jittered(4, z: -0.3) == 4)    // 1 + INT(3.4)
        #expect(DemandBootstrap.jittered(4, z: -3) == 4)      // 1 + INT(−2) = −1 ≤ 0: X
        #expect(DemandBootstrap.jittered(1, z: -1.5) == 1)    // 1 + INT(−0.5) = 1 (floor would give 0, then X)
        #expect(DemandBootstrap.jittered(9, z: 0) == 10)
    }

    private func bootstrap(_ history: [Double], _ leadTime: LeadTime) throws -> DemandBootstrap {
        guard case .simulated(let bootstrap) = try DemandBootstrap.run(history: history, leadTime: leadTime, budget: PlanningBudget())
        else { throw PlanningError.cancelled }
        return bootstrap
    }

    /// The same draws as the python reimplementation, fractional lead time and review included.
    @Test func matchesTheReimplementation() throws {
        let result = try bootstrap(series, try LeadTime(periods: 15.0 / 7, reviewPeriods: 1.0 / 7))
        #expect(result.chain == OccurrenceChain(afterNone: 0.4583333333333333, afterDemand: 0.09090909090909091, lastHadDemand: true))
        #expect(close(result.protection.mean, 1.86))
        #expect(close(result.protection.variance, 5.3384))
        let shortages = [1.86, 1.266, 0.831, 0.535, 0.351, 0.221, 0.133, 0.074]
        for (k, shortage) in shortages.enumerated() {
            #expect(close(try result.protection.expectedShortage(above: Double(k)), shortage), "\(k)")
        }
        #expect(close(result.lead.mean, 1.707))
        #expect(close(try result.lead.expectedShortage(above: 2), 0.749))
        let review = try #require(result.review)
        #expect(close(review.mean, 0.153))
        #expect(close(try review.expectedShortage(above: 1), 0.101))
        // One run's answer is the next run's: the seed is the series'.
        #expect(try bootstrap(series, try LeadTime(periods: 15.0 / 7, reviewPeriods: 1.0 / 7)) == result)
        // Paths are split, not drawn apart: D_L + D_R = D_{L+R} on each, so the means add.
        #expect(close(result.lead.mean + review.mean, result.protection.mean))
    }

    /// Answers known without the draws: demand every week of 4 units, over 2 + 1 weeks, is three
    /// jittered sizes of at least 1 each, so D ≥ 3 and E[(D − 3)⁺] = E[D] − 3; D_R is one
    /// occasion, never 0. A part whose quiet weeks were never followed by demand, quiet in the
    /// last, has none ahead: D = 0 on every path.
    @Test func exactCases() throws {
        let busy = try bootstrap([4, 4, 4, 4, 4, 4], try LeadTime(periods: 2, reviewPeriods: 1))
        #expect(busy.chain == OccurrenceChain(afterNone: 1, afterDemand: 1, lastHadDemand: true))
        #expect(close(try busy.protection.expectedShortage(above: 3), busy.protection.mean - 3))
        #expect(close(try busy.review!.expectedShortage(above: 1), busy.review!.mean - 1))
        #expect(close(busy.protection.mean, 13.498))  // python3, as above
        let stopped = try bootstrap([5, 5, 0, 0, 0], try LeadTime(periods: 3))
        #expect(stopped.protection.mean == 0)
        #expect(try stopped.protection.expectedShortage(above: 0) == 0)
        #expect(stopped.review == nil)
    }

    /// The fill rate of a level comes from the bootstrap's table through the same code as
    /// every count's: continuous review, β(2) with Q = 3 is 1 − (0.831 − 0.221) / 3 from the
    /// python figures; under periodic review the level found is the first that reaches the target.
    @Test func fillRateFromTheBootstrap() throws {
        let result = try bootstrap(series, try LeadTime(periods: 15.0 / 7, reviewPeriods: 1.0 / 7))
        #expect(close(try FillRate.of(level: 2, quantity: 3, demand: result.protection), 1 - (0.831 - 0.221) / 3))
        let periodic = try #require(PeriodicReview(protection: result.protection, lead: result.lead, review: result.review!))
        let level = try FillRate.smallestLevel(reaching: 0.95, quantity: 3, periodic: periodic)
        #expect(level > 0)
        #expect(try FillRate.of(level: level, quantity: 3, periodic: periodic) >= 0.95)
        #expect(try FillRate.of(level: level - 1, quantity: 3, periodic: periodic) < 0.95)
    }

    /// `demand_model=bootstrap` for a lumpy part: the choice says so and sets the level review by
    /// review; a smooth part keeps its model; sizes in half litres keep the analytic model and say why.
    @Test func choice() throws {
        let leadTime = try LeadTime(periods: 15.0 / 7, reviewPeriods: 1.0 / 7)
        let intermittent = DemandClassification(values: series)
        #expect([.intermittent, .lumpy].contains(intermittent.demandClass))
        let choice = try DemandModelChoice(
            fillRate: intermittent, history: series, period: .week, mean: 1.5, standardDeviation: 2, leadTime: leadTime,
            slowMoverThreshold: 5, demandModel: .bootstrap, budget: PlanningBudget())
        #expect(choice.demand.model == .bootstrap)
        #expect(choice.periodic != nil)
        #expect(choice.description.hasPrefix("bootstrap (Willemain: 1000 replications of 2.286 weeks, "), "\(choice.description)")
        #expect(choice.description.hasSuffix(", counted review by review"))
        let analytic = try DemandModelChoice(
            fillRate: intermittent, history: series, period: .week, mean: 1.5, standardDeviation: 2, leadTime: leadTime,
            slowMoverThreshold: 5, budget: PlanningBudget())
        #expect(analytic.demand.model == .compoundPoisson)
        let halves = series.map { $0 / 2 }
        let declined = try DemandModelChoice(
            fillRate: DemandClassification(values: halves), history: halves, period: .week, mean: 0.75, standardDeviation: 1,
            leadTime: leadTime, slowMoverThreshold: 5, demandModel: .bootstrap, budget: PlanningBudget())
        #expect(declined.demand.model != .bootstrap)
        #expect(declined.description.contains("not bootstrapped: sizes not whole units"), "\(declined.description)")
        let smooth: [Double] = Array(repeating: 10, count: 30)
        let normal = try DemandModelChoice(
            fillRate: DemandClassification(values: smooth), history: smooth, period: .week, mean: 20, standardDeviation: 2,
            leadTime: leadTime, slowMoverThreshold: 5, demandModel: .bootstrap, budget: PlanningBudget())
        #expect(normal.demand.model == .normal)
    }

    /// Every simulated period is a step of the part's budget: 1,000 paths of 3 periods are
    /// 3,000 steps, and a budget smaller than that stops the part.
    @Test func countsItsWork() throws {
        let budget = PlanningBudget()
        _ = try DemandBootstrap.run(history: series, leadTime: try LeadTime(periods: 15.0 / 7, reviewPeriods: 1.0 / 7), budget: budget)
        #expect(budget.steps == 3 * DemandBootstrap.replications)
        #expect(throws: PlanningError.self) {
            try DemandBootstrap.run(history: series, leadTime: try LeadTime(periods: 3), budget: PlanningBudget(steps: 1_000))
        }
        // A year of days is past the work limit: left to the analytic model.
        #expect(try DemandBootstrap.run(history: series, leadTime: try LeadTime(periods: 365), budget: PlanningBudget())
                == .declined(.tooLong(periods: 365)))
    }
}
