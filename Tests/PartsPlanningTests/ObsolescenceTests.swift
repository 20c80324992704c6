import PartsPlanning
import Testing

@Suite("Obsolescence: demand that has stopped gets no order")
struct ObsolescenceTests {
    /// 60 weeks with demand in every fifth week (sizes 2), then 30 quiet weeks.
    func fading() throws -> DemandSeries {
        let start = try #require(PlanningDate("2024-01-01"))
        var builder = DemandSeries.Builder(period: .week, from: start, through: start.adding(days: 7 * 90 - 1))
        for week in stride(from: 0, to: 60, by: 5) { builder.add(date: start.adding(days: 7 * week), quantity: 2) }
        return builder.build()
    }

    /// The series' TSB probability (β 0.1): 0.2465 after the last demand in week 55, then × 0.9
    /// for each of the 34 quiet weeks: 0.2465 × 0.9³⁴ = 0.2465 × 0.02781 = 0.00686. The last 34
    /// weeks have no demand (≥ 26: decaying).
    @Test func decayBelowThresholdStopsOrders() throws {
        let series = try fading()
        let stock = StockPosition(onHand: 0, onOrder: 0, reserved: 0, backOrdered: 0)
        let lead = try LeadTime(days: 14, period: .week)
        let loose = try PartPlan.compute(series: series, parameters: PlanningParameters(obsoleteProbability: 0.02),
                                         leadTime: lead, stock: stock, daysWithoutDemand: 34 * 7)
        let decay = try #require(loose.methodChoice.decay)
        #expect(decay.isDecaying)
        #expect(close(decay.finalProbability, 0.006855708735879239, relative: 1e-9))
        #expect(loose.isObsolete)
        #expect(loose.suggestedOrder == 0)
        #expect(loose.replenishment.triggered)  // the position is at the reorder point, but none is ordered
        #expect(loose.why.contains("obsolete (demand decaying, probability"))
        // A threshold below the probability keeps it alive: the levels order as usual.
        let strict = try PartPlan.compute(series: series, parameters: PlanningParameters(obsoleteProbability: 0.005),
                                          leadTime: lead, stock: stock, daysWithoutDemand: 34 * 7)
        #expect(!strict.isObsolete)
        #expect(strict.suggestedOrder > 0)
        #expect(strict.lines.first { $0.name == "obsolete" }?.value == "no")
        // The span alone is enough: 238 days ≥ 200.
        let span = try PartPlan.compute(series: series, parameters: PlanningParameters(obsoleteAfterDays: 200, obsoleteProbability: 0),
                                        leadTime: lead, stock: stock, daysWithoutDemand: 34 * 7)
        #expect(span.obsolescence.cause == .quiet(days: 238, afterDays: 200))
        #expect(span.lines.first { $0.name == "obsolete" }?.value == "no demand in 238 days ≥ 200")
    }

    /// A new part has no decay signal: only the span can make it obsolete.
    @Test func newPartsAreJudgedBySpanOnly() {
        #expect(!Obsolescence(daysWithoutDemand: 100, decay: nil, afterDays: 365, probability: 0.5).isObsolete)
        #expect(Obsolescence(daysWithoutDemand: 365, decay: nil, afterDays: 365, probability: 0.5).isObsolete)
        #expect(!Obsolescence(daysWithoutDemand: nil, decay: nil, afterDays: 1, probability: 0.5).isObsolete)
    }

    @Test func settingsAreChecked() {
        #expect(throws: PlanningError.self) { try PlanningParameters(obsoleteAfterDays: 0).validate() }
        #expect(throws: PlanningError.self) { try PlanningParameters(obsoleteProbability: 0.6).validate() }
        #expect(throws: Never.self) { try PlanningParameters(obsoleteProbability: 0).validate() }
    }
}
