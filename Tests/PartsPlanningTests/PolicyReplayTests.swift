import PartsPlanning
import Testing

@Suite("Choosing a part's method by replaying its own history")
struct PolicyReplayTests {
    /// 28 weeks, a smooth part that gets busier in its last quarter; the numbers below are
    /// deploy/policy_replay_reference.py's, an independent implementation of the replay.
    let values: [Double] = [6, 8, 0, 7, 9, 5, 0, 12, 6, 7, 0, 8, 10, 4, 7, 0, 9, 11, 0, 16, 14, 3, 0, 18, 13, 0, 9, 17]
    /// By cycle service level (class C's 0.90) and the normal model: levels a formula gives.
    let inputs = try! PlanInputs(parameters: PlanningParameters(serviceMeasure: .cycle),
                                 leadTime: LeadTime(periods: 2, reviewPeriods: 1), abcClass: .c, unitCost: 2.5)
    let span = PolicyReplay.Span(warmUp: 16, every: 6)

    func series(_ values: [Double]) throws -> DemandSeries {
        DemandSeries(period: .week, firstPeriodStart: try #require(PlanningDate("2025-01-06")), values: values)
    }

    private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    @Test("each re-plan sets the levels the plan of that day would, from the periods before it")
    func rePlansAreThePlansOfTheirDay() throws {
        for (candidate, expected) in [(MethodCandidate.ses, [(16, 25.267367608000786, 47.26736760800078),
                                                             (22, 31.85234651284397, 60.852346512843965)]),
                                      (.sba, [(16, 25.63874493589573, 48.63874493589573),
                                              (22, 29.763264822273836, 55.76326482227384)])] {
            for (at, reorderPoint, orderUpTo) in expected {
                let plan = try inputs.plan(series(Array(values[..<at])), daysWithoutDemand: 0,
                                           method: .candidate(candidate), budget: PlanningBudget())
                #expect(plan.method == candidate.method)
                #expect(plan.levels.model == .normal)
                #expect(close(plan.reorderPoint, reorderPoint), "\(candidate) at \(at): \(plan.reorderPoint)")
                #expect(close(plan.orderUpTo, orderUpTo), "\(candidate) at \(at): \(plan.orderUpTo)")
            }
        }
    }

    /// SES serves 105 of the 110 units demanded in the 12 replayed weeks from the shelf and
    /// holds 267 unit-weeks (22.25 on average); SBA, whose forecast is lower after the zeros
    /// but reacts with a smaller order-up-to, serves 106 with 210 (17.5).
    @Test("the replay of two methods: exact fill rate and average stock")
    func twoMethodsReplayed() throws {
        let ses = try PolicyReplay.run(.ses, series: series(values), inputs: inputs, span: span, budget: PlanningBudget())
        let sba = try PolicyReplay.run(.sba, series: series(values), inputs: inputs, span: span, budget: PlanningBudget())
        #expect(ses.periods == 12 && ses.plans == 2)
        #expect(ses.demanded == 110 && ses.served == 105)
        #expect(close(ses.fillRate, 105.0 / 110))
        #expect(close(ses.averageOnHand, 22.25))
        #expect(close(ses.averageValue, 55.625))
        #expect(sba.demanded == 110 && sba.served == 106)
        #expect(close(sba.fillRate, 106.0 / 110))
        #expect(close(sba.averageOnHand, 17.5))
        #expect(close(sba.averageValue, 43.75))

        let choice = SimulatedMethodChoice(replays: [ses, sba], target: inputs.targetFillRate)
        #expect(choice.target == 0.90)
        #expect(choice.chosen.candidate == .sba)
        #expect(choice.runnerUp?.candidate == .ses)
        #expect(choice.reachedTarget)
        #expect(choice.description
                == "chosen by replay: fill 0.9636 with 17.500 average on hand; runner-up SES: fill 0.9545, 22.250")
        // Above both, the closest wins; the words say it missed.
        let strict = SimulatedMethodChoice(replays: [ses, sba], target: 0.99)
        #expect(strict.chosen.candidate == .sba && !strict.reachedTarget)
        #expect(strict.description.hasPrefix("chosen by replay: highest fill 0.9636 (target 0.99) with 17.500"))
    }

    @Test("the rule: least stock among those that reach the target, else the highest fill; ties by stock, then order")
    func theRule() {
        func result(_ candidate: MethodCandidate, _ fill: Double, _ stock: Double) -> SimulatedMethodChoice.Result {
            SimulatedMethodChoice.Result(candidate: candidate, fillRate: fill, averageOnHand: stock, averageValue: stock * 2)
        }
        let reach = SimulatedMethodChoice(results: [result(.ses, 0.99, 30), result(.sba, 0.95, 20), result(.tsb, 0.94, 10)],
                                          target: 0.95)
        #expect(reach.chosen.candidate == .sba && reach.runnerUp?.candidate == .ses)
        let none = SimulatedMethodChoice(results: [result(.ses, 0.80, 10), result(.tsb, 0.90, 30), result(.sba, 0.90, 20)],
                                         target: 0.95)
        #expect(none.chosen.candidate == .sba && none.runnerUp?.candidate == .tsb)
        let tie = SimulatedMethodChoice(results: [result(.bootstrap, 1, 12), result(.sba, 1, 12)], target: 0.9)
        #expect(tie.chosen.candidate == .sba && tie.runnerUp?.candidate == .bootstrap)
        let alone = SimulatedMethodChoice(results: [result(.tsb, 0.5, 1)], target: 0.9)
        #expect(alone.runnerUp == nil)
        #expect(alone.description == "chosen by replay: highest fill 0.5000 (target 0.9) with 1.000 average on hand")
    }

    @Test("only parts with a year of history and enough demand are replayed")
    func whichPartsAreReplayed() {
        #expect(SimulatedMethodChoice.refusal(Array(repeating: 1, count: 51), period: .week)
                == "too little history to replay: 51 weeks, a replay needs 52")
        // 60 weeks: the last 30 are replayed, the first 30 are its warm-up.
        #expect(PolicyReplay.Span.standard(periods: 60, period: .week) == PolicyReplay.Span(warmUp: 30, every: 13))
        #expect(PolicyReplay.Span.standard(periods: 104, period: .week) == PolicyReplay.Span(warmUp: 52, every: 13))
        #expect(PolicyReplay.Span.standard(periods: 200, period: .week) == PolicyReplay.Span(warmUp: 148, every: 13))
        #expect(PolicyReplay.Span.standard(periods: 36, period: .month) == PolicyReplay.Span(warmUp: 24, every: 3))
        var sparse = [Double](repeating: 0, count: 104)
        for week in [3, 60, 70, 80, 90, 100, 101] { sparse[week] = 2 }
        #expect(SimulatedMethodChoice.refusal(sparse, period: .week)
                == "too little history to replay: 1 weeks with demand before the replayed 52, a replay needs 2")
        sparse[10] = 1
        sparse[101] = 0
        #expect(SimulatedMethodChoice.refusal(sparse, period: .week)
                == "too little demand to replay: 5 weeks with demand in the last 52, a replay needs 6")
        sparse[101] = 3
        #expect(SimulatedMethodChoice.refusal(sparse, period: .week) == nil)
        #expect(SimulatedMethodChoice.plans(period: .week) == 16)
    }

    /// Two years of an intermittent part by fill rate: every candidate its class allows is
    /// replayed, the bootstrap among them, and a plan that takes the choice says so.
    @Test("an intermittent part: four candidates, and the plan takes the choice and says why")
    func anIntermittentPartTakesItsReplaysChoice() throws {
        var random = SplitMix64.seeded(7, values: [])
        let history = (0..<104).map { _ in random.nextUnit() < 0.25 ? Double(1 + Int(random.nextUnit() * 4)) : 0 }
        let inputs = try PlanInputs(parameters: PlanningParameters(), leadTime: LeadTime(periods: 2, reviewPeriods: 1),
                                    abcClass: .b, unitCost: 10)
        let series = try series(history)
        #expect(MethodCandidate.candidates(for: .intermittent) == [.ses, .sba, .tsb, .bootstrap])
        #expect(MethodCandidate.candidates(for: .smooth) == [.ses, .sba, .tsb])
        let choice = try #require(try SimulatedMethodChoice.run(series: series, inputs: inputs, budget: PlanningBudget()))
        #expect(choice.target == 0.95)
        let replays = try MethodCandidate.candidates(for: .intermittent).map { candidate in
            try PolicyReplay.run(candidate, series: series, inputs: inputs, span: .standard(periods: 104, period: .week),
                                 budget: PlanningBudget())
        }
        #expect(replays.allSatisfy { $0.plans == 4 && $0.periods == 52 })
        #expect(choice == SimulatedMethodChoice(replays: replays, target: 0.95))

        let plan = try inputs.plan(series, daysWithoutDemand: 0, method: .replay(choice), budget: PlanningBudget())
        #expect(plan.demandClass == .intermittent)
        #expect(plan.method == choice.chosen.candidate.method)
        #expect(plan.levels.model == (choice.chosen.candidate == .bootstrap ? .bootstrap : .compoundPoisson))
        let lines = Dictionary(uniqueKeysWithValues: plan.lines.map { ($0.name, $0.value) })
        #expect(lines["method from"] == "replay")
        #expect(lines["method reason"] == choice.description)
        #expect(lines["replay candidate"] == choice.chosen.candidate.rawValue)
        #expect(lines["runner-up"] == choice.runnerUp?.candidate.rawValue)
        #expect(plan.why.contains(choice.description))

        let byClass = try inputs.plan(series, daysWithoutDemand: 0, method: .byClass(note: "method_choice=class"),
                                      budget: PlanningBudget())
        let classLines = Dictionary(uniqueKeysWithValues: byClass.lines.map { ($0.name, $0.value) })
        #expect(byClass.method == .sba)
        #expect(classLines["method from"] == "class")
        #expect(classLines["method reason"] == "intermittent demand; method_choice=class")
        #expect(classLines["runner-up"] == nil)
    }
}
