import PartsPlanning
import Testing

@Suite("Safety stock, reorder point and slow movers")
struct ReorderTests {
    @Test(
        "z from the service level to 4 decimals",
        arguments: [(0.90, "1.2816"), (0.95, "1.6449"), (0.98, "2.0537"), (0.99, "2.3263"), (0.5, "0.0000"), (0.05, "-1.6449")])
    func z(level: Double, expected: String) {
        #expect(decimalString(StandardNormal.quantile(level), places: 4) == expected)
    }

    @Test("the normal CDF inverts the quantile")
    func cdf() {
        for p in [1e-10, 0.01, 0.3, 0.5, 0.77, 0.999] {
            #expect(close(StandardNormal.cdf(StandardNormal.quantile(p)), p, relative: 1e-12))
        }
        #expect(StandardNormal.quantile(0) == -.infinity)
        #expect(StandardNormal.quantile(1) == .infinity)
    }

    @Test("textbook: 20 a day, sd 5, 9 days, 95 % → safety stock 1.645 × 5 × 3 = 24.67")
    func textbookFixedLeadTime() throws {
        let levels = try ReorderLevels(
            demandPerPeriod: 20, demandStandardDeviation: 5, leadTime: LeadTime(periods: 9), serviceLevel: 0.95)
        #expect(levels.model == .normal)
        #expect(levels.meanLeadTimeDemand == 180)
        #expect(levels.leadTimeDemandStandardDeviation == 15)
        #expect((levels.safetyStock - 24.67).magnitude < 0.005)
        #expect(quantityString(levels.safetyStock) == "24.673")  // z = 1.6448536…
        #expect(quantityString(levels.reorderPoint) == "204.673")
    }

    @Test("textbook with variable lead time: 50 a day sd 10, 10 ± 2 days, 95 %")
    func textbookVariableLeadTime() throws {
        // σ_LTD = √(10·10² + 50²·2²) = √11000 = 104.881; SS = 1.6449 × 104.881 = 172.51.
        let levels = try ReorderLevels(
            demandPerPeriod: 50, demandStandardDeviation: 10, leadTime: LeadTime(periods: 10, standardDeviation: 2),
            serviceLevel: 0.95)
        #expect(close(levels.leadTimeDemandStandardDeviation, 11000.0.squareRoot(), relative: 1e-15))
        #expect(quantityString(levels.safetyStock) == "172.514")
        #expect(quantityString(levels.reorderPoint) == "672.514")
        // Only lead-time variance: 100 a day exactly, 4 ± 1 days, 90 % → 1.2816 × 100.
        let only = try ReorderLevels(
            demandPerPeriod: 100, demandStandardDeviation: 0, leadTime: LeadTime(periods: 4, standardDeviation: 1),
            serviceLevel: 0.90)
        #expect(only.leadTimeDemandStandardDeviation == 100)
        #expect(quantityString(only.safetyStock) == "128.155")
    }

    @Test("periodic review: 10 a period sd 3, L 2 ± 0.5, R 1, 95 % → μ 30, σ √(3·9 + 10²·0.25) = √52")
    func reviewIntervalWidensTheProtectionInterval() throws {
        let levels = try ReorderLevels(
            demandPerPeriod: 10, demandStandardDeviation: 3,
            leadTime: LeadTime(periods: 2, standardDeviation: 0.5, reviewPeriods: 1), serviceLevel: 0.95)
        #expect(levels.meanLeadTimeDemand == 30)
        #expect(levels.leadTimeDemandStandardDeviation == 52.0.squareRoot())
        #expect(quantityString(levels.safetyStock) == "11.861")  // 1.6448536 × 7.2111026
        #expect(quantityString(levels.reorderPoint) == "41.861")
        #expect(try LeadTime(days: 14, reviewDays: 7, period: .week).protectionPeriods == 3)
        #expect(throws: PlanningError.self) { try LeadTime(periods: 1, reviewPeriods: -1) }
    }

    /// The fill-rate textbook case through the levels: 10 a period for 10 periods with
    /// σ_D = √40, so μ 100 and σ_LTD 20; a smooth part, so the normal; Q 200 and β 0.99 give
    /// z ≈ 0.90 (G(z) = 0.1, see FillRateTests), reorder point 118.047 on the grid of thousandths.
    /// The same target as a cycle service level of 0.99 would be 100 + 2.3263 × 20 = 146.527.
    @Test("fill rate, textbook: μ 100, σ 20, Q 200, 99 % → z 0.90, reorder point 118.047")
    func fillRateTextbook() throws {
        let history = Array(repeating: 10.0, count: 20)
        let levels = try ReorderLevels(
            demandPerPeriod: 10, demandStandardDeviation: 40.0.squareRoot(), leadTime: LeadTime(periods: 10),
            fillRate: 0.99, orderQuantity: 200, classification: DemandClassification(values: history), history: history,
            period: .week)
        #expect(levels.measure == .fill)
        #expect(levels.model == .normal)
        #expect(quantityString(levels.reorderPoint) == "118.047")
        #expect(quantityString(levels.safetyStock) == "18.047")
        #expect(decimalString(try #require(levels.z), places: 2) == "0.90")
        #expect(try #require(levels.expectedFillRate) >= 0.99)
        let cycle = try ReorderLevels(
            demandPerPeriod: 10, demandStandardDeviation: 40.0.squareRoot(), leadTime: LeadTime(periods: 10),
            serviceLevel: 0.99, orderQuantity: 200)
        #expect(quantityString(cycle.reorderPoint) == "146.527")
        // scipy: 1 − 20·(G(2.3263) − G(12.3263)) / 200 = 0.99966113: 28 more units for 0.97 points.
        #expect(close(cycle.expectedFillRate, 0.999661133653695, relative: 1e-9))
        #expect(throws: PlanningError.self) {
            try ReorderLevels(demandPerPeriod: 10, demandStandardDeviation: 1, leadTime: LeadTime(periods: 1), fillRate: 1,
                              orderQuantity: 10, classification: DemandClassification(values: history), history: history,
                              period: .week)
        }
    }

    @Test("slow mover, Poisson: mean 2 at 95 % → 5, since P(≤4) = 7e⁻² = 0.947")
    func poissonByHand() throws {
        let levels = try ReorderLevels(
            demandPerPeriod: 1, demandStandardDeviation: 1, leadTime: LeadTime(periods: 2), serviceLevel: 0.95)
        #expect(levels.model == .poisson)  // variance 2 = mean
        #expect(levels.reorderPoint == 5)
        #expect(levels.safetyStock == 3)
        #expect(levels.z == nil)
        #expect(close(DiscreteDemand.poissonCDF(4, mean: 2), 7 * 0.1353352832366127, relative: 1e-14))  // 7e⁻²
        #expect(DiscreteDemand.poissonQuantile(0.9, mean: 0.1) == 0)  // e^-0.1 = 0.905
        #expect(DiscreteDemand.poissonQuantile(0.95, mean: 0) == 0)
    }

    @Test("slow mover, negative binomial: mean 1, variance 2 is geometric, P(≤k) = 1 − 2^-(k+1)")
    func negativeBinomialByHand() throws {
        for k in 0..<10 {
            let expected = 1 - 1 / Double(1 << (k + 1))
            #expect(close(DiscreteDemand.negativeBinomialCDF(k, mean: 1, variance: 2), expected, relative: 1e-14))
        }
        #expect(DiscreteDemand.negativeBinomialQuantile(0.95, mean: 1, variance: 2) == 4)
        #expect(DiscreteDemand.negativeBinomialQuantile(0.90, mean: 1, variance: 2) == 3)
        let levels = try ReorderLevels(
            demandPerPeriod: 0.5, demandStandardDeviation: 1, leadTime: LeadTime(periods: 2), serviceLevel: 0.95)
        #expect(levels.model == .negativeBinomial)  // mean 1, variance 2·1² = 2
        #expect(levels.reorderPoint == 4)
        #expect(levels.safetyStock == 3)
    }

    @Test("large means neither overflow nor stall")
    func largeMeans() {
        #expect(DiscreteDemand.poissonQuantile(0.5, mean: 1000) == 1000)
        #expect(DiscreteDemand.poissonQuantile(0.99, mean: 1000) == 1074)
        #expect(close(DiscreteDemand.poissonCDF(5000, mean: 1000), 1, relative: 1e-12))
        #expect(DiscreteDemand.negativeBinomialQuantile(0.999999999999, mean: 800, variance: 5000) > 800)
    }

    @Test("the slow-mover threshold: below it discrete, at it normal")
    func threshold() throws {
        let at = try ReorderLevels(
            demandPerPeriod: 2.5, demandStandardDeviation: 1, leadTime: LeadTime(periods: 2), serviceLevel: 0.9)
        #expect(at.meanLeadTimeDemand == 5)
        #expect(at.model == .normal)
        let below = try ReorderLevels(
            demandPerPeriod: 2.5, demandStandardDeviation: 1, leadTime: LeadTime(periods: 2), serviceLevel: 0.9,
            slowMoverThreshold: 6)
        #expect(below.model != .normal)
        let never = try ReorderLevels(
            demandPerPeriod: 0.1, demandStandardDeviation: 1, leadTime: LeadTime(periods: 2), serviceLevel: 0.9,
            slowMoverThreshold: 0)
        #expect(never.model == .normal)
    }

    @Test("lead time in days becomes periods")
    func leadTimeDays() throws {
        let weekly = try LeadTime(days: 10, standardDeviationDays: 3.5, period: .week)
        #expect(weekly.periods == 10.0 / 7.0)
        #expect(weekly.standardDeviation == 0.5)
        #expect(try LeadTime(days: 365, period: .month).periods == 12)
    }
}
