import PartsPlanning
import Testing

@Suite("A part's plan from dated lines to the suggestion")
struct PartPlanTests {
    /// 26 weeks from Monday 2025-01-06 with demand in weeks 2, 6, 8, 11, 15, 18, 22, 25
    /// (sizes 3 2 4 1 5 2 3 1), given as issue lines with a return netted in week 8.
    func weeklySeries() throws -> DemandSeries {
        let start = try #require(PlanningDate("2025-01-06"))
        let sizes: [Int: Double] = [2: 3, 6: 2, 8: 4, 11: 1, 15: 5, 18: 2, 22: 3, 25: 1]
        var builder = DemandSeries.Builder(period: .week, from: start, through: start.adding(days: 7 * 25 + 6))
        for (week, size) in sizes {
            builder.add(date: start.adding(days: 7 * week + 2), quantity: size)
        }
        builder.add(date: start.adding(days: 7 * 8 + 3), quantity: 1)
        builder.add(date: start.adding(days: 7 * 8 + 4), quantity: -1)  // a return
        return builder.build()
    }

    /// Cycle service levels, as the statsforecast/scipy reference computes them.
    let cycle = PlanningParameters(serviceMeasure: .cycle)

    @Test("intermittent part, cycle service: SBA, negative binomial reorder point, order up to the level")
    func intermittentPlan() throws {
        let series = try weeklySeries()
        #expect(series.count == 26)
        let plan = try PartPlan.compute(
            series: series, parameters: cycle, leadTime: LeadTime(days: 14, period: .week),
            abcClass: .c, stock: StockPosition(onHand: 2, onOrder: 0, reserved: 1, backOrdered: 0))
        #expect(plan.demandClass == .intermittent)
        #expect(plan.adi == 3.25)
        #expect(plan.method == .sba)
        #expect(plan.levels.model == .negativeBinomial)
        // Same numbers as the statsforecast/scipy reference case "intermittent C".
        #expect(close(plan.forecastPerPeriod, 0.8243632228000607))
        #expect(plan.reorderPoint == 4)
        #expect(plan.orderQuantity.basis == .reviewPeriod)
        #expect(plan.orderQuantity.quantity == 4)  // 0.824 × 4 = 3.3 → 4 units
        #expect(plan.orderUpTo == 8)
        #expect(plan.inventoryPosition == 1)
        #expect(plan.suggestedOrder == 7)
        #expect(
            plan.why
                == "intermittent (ADI 3.25 ≥ 1.32, CV² 0.252 < 0.49); SBA (α 0.1): 0.824 per week; "
                + "lead-time demand 1.649 over 2 weeks < 5: negative binomial at 90% gives reorder point 4; "
                + "position 1 ≤ reorder point 4: order-up-to 8 − 1 = 7 → order 7")
    }

    /// The same part by fill rate, the default: C's target 0.90 with Q = 4. The sizes of its
    /// 8 demands are 1 1 2 2 3 3 4 5, mean 2.625, so λ = 1.649 / 2.625 = 0.628 occasions in the
    /// 2 weeks. Adelson's recursion in python3 (its first terms checked against a brute-force
    /// sum over the number of occasions) gives β(3) = 0.8896383 < 0.90 ≤ β(4) = 0.9311997.
    @Test("intermittent part, fill rate: compound Poisson with its own sizes")
    func intermittentPlanByFillRate() throws {
        let plan = try PartPlan.compute(
            series: try weeklySeries(), parameters: PlanningParameters(), leadTime: LeadTime(days: 14, period: .week),
            abcClass: .c, stock: StockPosition(onHand: 2, onOrder: 0, reserved: 1, backOrdered: 0))
        #expect(plan.serviceMeasure == .fill)
        #expect(plan.serviceLevel == 0.90)
        #expect(plan.levels.model == .compoundPoisson)
        #expect(plan.levels.z == nil)
        #expect(plan.reorderPoint == 4)
        #expect(close(plan.expectedFillRate, 0.9311997386273672, relative: 1e-12))
        #expect(close(try FillRate.of(level: 3, quantity: 4, demand: plan.levels.choice.demand), 0.8896383020856451, relative: 1e-12))
        #expect(plan.suggestedOrder == 7)
        let lines = Dictionary(uniqueKeysWithValues: plan.lines.map { ($0.name, $0.value) })
        #expect(lines["service measure"] == "fill rate")
        #expect(lines["service level"] == "0.9")
        #expect(lines["model"] == "compoundPoisson")
        #expect(lines["demand model"]
            == "compound Poisson (intermittent: 8 demands in 26 weeks, sizes from history; 0.628 occasions expected in 2 weeks)")
        #expect(lines["expected fill rate"] == "0.9312")
        #expect(plan.why.contains(
            "lead-time demand 1.649 over 2 weeks, compound Poisson: fill rate 90% with orders of 4 needs reorder point 4 "
                + "(safety stock 2.351, expected 93.12%)"), "\(plan.why)")
    }

    @Test("plan lines carry every number with three decimals")
    func lines() throws {
        let plan = try PartPlan.compute(series: try weeklySeries(), parameters: cycle, leadTime: LeadTime(periods: 2))
        let lines = Dictionary(uniqueKeysWithValues: plan.lines.map { ($0.name, $0.value) })
        #expect(lines["ADI"] == "3.250")
        #expect(lines["CV2"] == "0.252")
        #expect(lines["class"] == "intermittent")
        #expect(lines["method"] == "sba")
        #expect(lines["forecast per week"] == "0.824")
        #expect(lines["RMSE"] == "1.492")
        #expect(lines["lead-time demand"] == "1.649")
        #expect(lines["safety stock"] == "2.351")
        #expect(lines["reorder point"] == "4.000")
        #expect(lines["order-up-to"] == "8.000")
        #expect(lines["suggested order"] == "8.000")  // position 0
        #expect(lines["service measure"] == "cycle service level")
        #expect(lines["demand model"] == "negative binomial (lead-time demand 1.649 < 5, variance 4.452 > mean)")
        for name in ["MAE", "lead-time demand sd", "service level", "position", "order quantity (reviewPeriod)", "why",
                     "expected fill rate"] {
            #expect(lines[name] != nil, "missing line \(name)")
        }
    }

    @Test("EOQ needs ordering cost, holding rate and a unit cost; else the review period")
    func eoqOrReview() throws {
        let values = Array([[Double]](repeating: [10, 12], count: 13).joined())
        let series = DemandSeries(period: .week, firstPeriodStart: try #require(PlanningDate("2025-01-06")), values: values)
        let costs = PlanningParameters(orderingCost: 20, annualHoldingRate: 0.25)
        let withCost = try PartPlan.compute(series: series, parameters: costs, leadTime: LeadTime(periods: 1), unitCost: 8)
        #expect(withCost.orderQuantity.basis == .eoq)
        // h = 0.25 × 8 = 2; EOQ = √(2 · forecast·52 · 20 / 2).
        let annual = withCost.forecastPerPeriod * 52
        #expect(close(withCost.orderQuantity.unrounded, (2 * annual * 20 / 2).squareRoot()))
        let noCost = try PartPlan.compute(series: series, parameters: costs, leadTime: LeadTime(periods: 1))
        #expect(noCost.orderQuantity.basis == .reviewPeriod)
        #expect(close(noCost.orderQuantity.unrounded, noCost.forecastPerPeriod * 4))
        #expect(withCost.demandClass == .smooth && withCost.method == .ses)
        #expect(withCost.levels.model == .normal)
    }

    @Test("monthly series and a part with no history at all")
    func monthlyAndEmpty() throws {
        let monthly = PlanningParameters(period: .month, minimumHistoryPeriods: 12)
        let start = try #require(PlanningDate("2024-01-01"))
        let series = DemandSeries(period: .month, firstPeriodStart: start, values: [4, 0, 6, 5, 0, 3, 7, 0, 4, 5, 6, 0])
        let plan = try PartPlan.compute(series: series, parameters: monthly, leadTime: LeadTime(days: 45, period: .month))
        #expect(plan.demandClass == .intermittent)  // ADI 12/8 = 1.5
        #expect(plan.leadTime.periods == 45 / (365.0 / 12.0))
        let empty = DemandSeries(period: .month, firstPeriodStart: start, values: [])
        let none = try PartPlan.compute(series: empty, parameters: monthly, leadTime: LeadTime(periods: 1))
        #expect(none.demandClass == .none && none.method == .none)
        #expect(none.reorderPoint == 0 && none.suggestedOrder == 0)
    }
}
