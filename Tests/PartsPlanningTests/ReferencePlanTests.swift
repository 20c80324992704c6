import PartsPlanning
import Testing

/// Whole plans against the published formulas worked in Python on statsforecast's forecasts
/// and scipy's quantiles (Fixtures/make_reference.py, "plans").
@Suite("Part plans against the reference")
struct ReferencePlanTests {
    static let cases = ReferenceData.shared.plans

    @Test("every plan number matches the reference", arguments: cases.map(\.name))
    func planMatches(name: String) throws {
        let case_ = try #require(Self.cases.first { $0.name == name })
        let expected = case_.expected
        // The reference sets levels for a cycle service level.
        let parameters = PlanningParameters(
            serviceMeasure: .cycle, orderingCost: case_.orderingCost, annualHoldingRate: case_.holdingRate)
        let series = DemandSeries(
            period: .week, firstPeriodStart: try #require(PlanningDate(year: 2024, month: 1, day: 1)),
            values: case_.values)
        let abc = try #require(ABCClass(rawValue: case_.abc))
        let plan = try PartPlan.compute(
            series: series, parameters: parameters,
            leadTime: LeadTime(periods: case_.leadTime, standardDeviation: case_.leadTimeSD),
            abcClass: abc,
            stock: StockPosition(
                onHand: case_.onHand, onOrder: case_.onOrder, reserved: case_.reserved,
                backOrdered: case_.backOrdered),
            constraints: OrderConstraints(minimum: case_.minimum, packMultiple: case_.pack),
            unitCost: case_.unitCost)

        #expect(plan.serviceLevel == case_.serviceLevel)
        #expect(plan.demandClass.rawValue == expected.class)
        #expect(close(plan.adi, expected.adi))
        #expect(close(plan.cv2, expected.cv2))
        #expect(plan.method.rawValue == expected.method)
        #expect(close(plan.forecastPerPeriod, expected.forecast))
        #expect(close(plan.demandStandardDeviation, expected.rmse))
        #expect(close(plan.leadTimeDemand, expected.meanLTD))
        #expect(close(plan.leadTimeDemandStandardDeviation, expected.sigmaLTD))
        #expect(plan.levels.model.rawValue == expected.model)
        #expect(close(plan.safetyStock, expected.safetyStock))
        #expect(close(plan.reorderPoint, expected.reorderPoint))
        #expect(plan.orderQuantity.basis.rawValue == expected.orderBasis)
        #expect(close(plan.orderQuantity.quantity, expected.orderQuantity))
        #expect(close(plan.orderUpTo, expected.orderUpTo))
        #expect(close(plan.inventoryPosition, expected.position))
        #expect(close(plan.suggestedOrder, expected.suggestedOrder))
        #expect(!plan.why.isEmpty)
    }
}
