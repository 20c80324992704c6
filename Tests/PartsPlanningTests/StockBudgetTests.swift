import PartsPlanning
import Testing

@Suite("A stock budget shared by greedy marginal fill per unit of money")
struct StockBudgetTests {
    /// Three Poisson parts with order quantity 1, so that β(s) = P(D ≤ s) (E[(D − s)⁺] −
    /// E[(D − s − 1)⁺] = P(D > s)) and raising s by one serves w·P(D = s + 1) more units a
    /// period. Money in cents.
    ///
    ///     part  μ    w    cost   P(D = 0)  1         2         3         4
    ///     A     1    1    10.00  .367879   .367879   .183940   .061313   .015328
    ///     B     0.5  0.5   2.00  .606531   .303265   .075816   .012636   .001580
    ///     C     2    2     4.00  .135335   .270671   .270671   .180447   .090224
    ///
    /// Units served per unit of money for the next unit, w·P(D = s + 1) / cost:
    ///     A: 0→1 .0367879, 1→2 .0183940
    ///     B: 0→1 .0758163, 1→2 .0189541
    ///     C: 0→1 .1353353, 1→2 .1353353, 2→3 .0902235, 3→4 .0451118, 4→5 .0180447
    /// (raising two or more units at once is never better here: every ratio over a longer raise
    /// is an average of these, which fall.) With 30.00:
    ///     1. C 0→1   4.00, spent  4.00      5. C 3→4   4.00, spent 18.00
    ///     2. C 1→2   4.00, spent  8.00      6. A 0→1  10.00, spent 28.00
    ///     3. C 2→3   4.00, spent 12.00      7. A 1→2 (.0184) does not fit in 2.00; C 4→5 neither;
    ///     4. B 0→1   2.00, spent 14.00         B 1→2 (.0190) does: spent 30.00, nothing left.
    /// A at 1: β = .367879 + .367879 = .735759; B at 2: .606531 + .303265 + .075816 = .985612;
    /// C at 4: .135335 + .270671 + .270671 + .180447 + .090224 = .947347.
    /// Overall (1 × .735759 + 0.5 × .985612 + 2 × .947347) / 3.5 = 3.123259 / 3.5 = .892360.
    @Test func threePartsByHand() throws {
        let parts = [
            StockBudget.Part(demand: try .poisson(mean: 1), orderQuantity: 1, demandPerPeriod: 1, unitCost: 1000),
            StockBudget.Part(demand: try .poisson(mean: 0.5), orderQuantity: 1, demandPerPeriod: 0.5, unitCost: 200),
            StockBudget.Part(demand: try .poisson(mean: 2), orderQuantity: 1, demandPerPeriod: 2, unitCost: 400),
        ]
        let allocation = try StockBudget.allocate(parts, budget: 3000)
        #expect(allocation.levels.map(\.reorderPoint) == [1, 2, 4])
        #expect(allocation.levels.map(\.value) == [1000, 400, 1600])
        #expect(allocation.spent == 3000)
        #expect(allocation.levels.map { decimalString($0.fillRate, places: 6) } == ["0.735759", "0.985612", "0.947347"])
        #expect(allocation.fillRate.map { decimalString($0, places: 6) } == "0.892360")
        // C's first two units tie: one raise of two, or two of one, end alike.
        #expect((6...7).contains(allocation.raises))
    }

    /// The first unit of a Poisson with mean 3 serves less than the second (P(D = 1) = .149 <
    /// P(D = 2) = .224): a one-unit greedy would rank it below a part whose first unit serves
    /// .18 per money, while the raise of two serves (.149 + .224) / 2 = .187 per unit.
    @Test func looksPastAConvexStart() throws {
        let slowStart = StockBudget.Part(demand: try .poisson(mean: 3), orderQuantity: 1, demandPerPeriod: 1, unitCost: 1)
        let steady = StockBudget.Part(demand: try .poisson(mean: 1e-9), orderQuantity: 1, demandPerPeriod: 0.18, unitCost: 1)
        let allocation = try StockBudget.allocate([slowStart, steady], budget: 2)
        #expect(allocation.levels.map(\.reorderPoint) == [2, 0])
    }

    @Test func boundsAndEdges() throws {
        let part = StockBudget.Part(demand: try .poisson(mean: 2), orderQuantity: 1, demandPerPeriod: 2, unitCost: 400)
        // Nothing to spend: every part stays at 0, with the fill rate 0 gives.
        let none = try StockBudget.allocate([part], budget: 0)
        #expect(none.levels.map(\.reorderPoint) == [0])
        #expect(none.spent == 0)
        // Plenty: raised only until 0.9999, never past: P(D ≤ 8) = .999763, P(D ≤ 9) = .999954.
        let plenty = try StockBudget.allocate([part], budget: 1_000_000)
        #expect(plenty.levels.map(\.reorderPoint) == [9])
        #expect(plenty.spent == 3600)
        // Free stock goes to the top at once; a part without demand stays at 0.
        let free = StockBudget.Part(demand: try .poisson(mean: 2), orderQuantity: 1, demandPerPeriod: 2, unitCost: 0)
        let idle = StockBudget.Part(demand: try .poisson(mean: 0), orderQuantity: 1, demandPerPeriod: 0, unitCost: 5)
        let mixed = try StockBudget.allocate([free, idle], budget: 100)
        #expect(mixed.levels.map(\.reorderPoint) == [9, 0])
        #expect(mixed.spent == 0)
        #expect(throws: PlanningError.self) { try StockBudget.allocate([part], budget: -1) }
        // The work is counted: a budget of a few steps stops it.
        #expect(throws: PlanningError.budgetExceeded(steps: 3)) {
            try StockBudget.allocate([part], budget: 1_000_000, planningBudget: PlanningBudget(steps: 3))
        }
    }

    /// A normal part moves in eighths of σ: σ 80 gives steps of 10 units.
    @Test func normalSteps() throws {
        #expect(StockBudget.step(for: .normal(mean: 1000, standardDeviation: 80)) == 10)
        #expect(StockBudget.step(for: .normal(mean: 10, standardDeviation: 2)) == 1)
        #expect(StockBudget.step(for: try .poisson(mean: 500)) == 1)
    }
}
