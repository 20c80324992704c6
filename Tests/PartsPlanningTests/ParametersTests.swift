import PartsPlanning
import Testing

@Suite("Parameters are validated with the bad field named")
struct ParametersTests {
    @Test("the defaults are valid and as documented")
    func defaults() throws {
        let p = PlanningParameters()
        try p.validate()
        #expect(p.period == .week)
        #expect(p.sesAlpha == 0.1 && p.crostonAlpha == 0.1 && p.tsbAlpha == 0.1 && p.tsbBeta == 0.1)
        #expect(p.serviceLevel(for: .a) == 0.98 && p.serviceLevel(for: .b) == 0.95 && p.serviceLevel(for: .c) == 0.90)
        #expect(p.slowMoverThreshold == 5 && p.minimumHistoryPeriods == 13)
    }

    func field(_ change: (inout PlanningParameters) -> Void) -> String? {
        var p = PlanningParameters()
        change(&p)
        do {
            try p.validate()
            return nil
        } catch {
            return error.field
        }
    }

    @Test("out-of-range settings are refused")
    func invalid() {
        #expect(field { $0.serviceLevelB = 1.5 } == "serviceLevelB")
        #expect(field { $0.serviceLevelA = 1 } == "serviceLevelA")
        #expect(field { $0.serviceLevelC = 0 } == "serviceLevelC")
        #expect(field { $0.serviceLevelC = .nan } == "serviceLevelC")
        #expect(field { $0.sesAlpha = 0 } == "sesAlpha")
        #expect(field { $0.crostonAlpha = 1.01 } == "crostonAlpha")
        #expect(field { $0.tsbBeta = -0.1 } == "tsbBeta")
        #expect(field { $0.tsbAlpha = 1 } == nil)  // (0, 1]
        #expect(field { $0.slowMoverThreshold = -1 } == "slowMoverThreshold")
        #expect(field { $0.minimumHistoryPeriods = 0 } == "minimumHistoryPeriods")
        #expect(field { $0.reviewPeriods = 0 } == "reviewPeriods")
        #expect(field { $0.orderingCost = -5 } == "orderingCost")
        #expect(field { $0.annualHoldingRate = 0 } == "annualHoldingRate")
        #expect(field { $0.decayQuietPeriods = 0 } == "decayQuietPeriods")
        #expect(field { $0.decayProbabilityRatio = 2 } == "decayProbabilityRatio")
        #expect(field { $0.adiCutoff = 0 } == "adiCutoff")
    }

    @Test("negative lead times, packs and minimums are refused")
    func inputs() {
        #expect(throws: PlanningError.invalidParameter(field: "leadTime", value: -1, requirement: "must be a finite number ≥ 0")) {
            try LeadTime(periods: -1)
        }
        #expect(throws: PlanningError.self) { try LeadTime(periods: 2, standardDeviation: -0.5) }
        #expect(throws: PlanningError.self) { try LeadTime(days: .infinity, period: .week) }
        #expect(throws: PlanningError.self) { try OrderConstraints(packMultiple: 0) }
        #expect(throws: PlanningError.self) { try OrderConstraints(minimum: -1) }
        do {
            _ = try LeadTime(periods: -2)
        } catch {
            #expect(error.description == "leadTime must be a finite number ≥ 0, got -2")
        }
    }

    @Test("a plan refuses bad parameters and a series bucketed differently")
    func planRefuses() throws {
        let series = DemandSeries(
            period: .month, firstPeriodStart: try #require(PlanningDate(year: 2025, month: 1, day: 1)), values: [1, 2])
        #expect(throws: PlanningError.periodMismatch(series: .month, parameters: .week)) {
            try PartPlan.compute(series: series, parameters: PlanningParameters(), leadTime: LeadTime(periods: 1))
        }
        #expect(throws: PlanningError.self) {
            try PartPlan.compute(
                series: series, parameters: PlanningParameters(period: .month, serviceLevelC: 1.5),
                leadTime: LeadTime(periods: 1))
        }
        #expect(throws: PlanningError.self) {
            try PartPlan.compute(
                series: series, parameters: PlanningParameters(period: .month), leadTime: LeadTime(periods: 1),
                unitCost: -3)
        }
    }
}
