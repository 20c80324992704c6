import PartsPlanning
import Testing

/// Fill rates with known answers: β(s) = 1 − (E[(D − s)⁺] − E[(D − s − Q)⁺]) / Q.
///
/// Reference values from python3 with scipy 1.17: the loss sums Σ_{k>s} (k − s)·P(k) over
/// `poisson.pmf` / `nbinom.pmf` to k = 2000 (to 2·10⁷ with numpy for the heavy tail), the
/// normal loss from `norm.pdf` / `norm.cdf`, and the compound Poisson by Adelson's recursion,
/// whose first terms match a brute-force sum over the number of occasions.
@Suite("Fill rate of a level, and the smallest level that reaches one")
struct FillRateTests {
    /// Poisson, mean 4, s = 5, Q = 10. By hand E[(D − s)⁺] = (μ − s)·P(D > s) + μ·P(D = s):
    /// P(D = 5) = e⁻⁴·4⁵/120 = 0.1562935, P(D ≤ 5) = 0.7851304, so −0.2148696 + 0.6251741 =
    /// 0.4103042; E[(D − 15)⁺] = 6.3377·10⁻⁶; β = 1 − (0.4103042 − 0.0000063) / 10 = 0.9589702.
    @Test func poissonByHand() throws {
        let demand = try LeadTimeDemand.poisson(mean: 4)
        #expect(close(try demand.expectedShortage(above: 5), 0.4103041944325317, relative: 1e-12))
        #expect(close(try demand.expectedShortage(above: 15), 6.337749132672315e-06, relative: 1e-9))
        #expect(close(try FillRate.of(level: 5, quantity: 10, demand: demand), 0.9589702143316601, relative: 1e-12))
        #expect(decimalString(try FillRate.of(level: 5, quantity: 10, demand: demand), places: 6) == "0.958970")
        // β(4) = 0.921856, β(5) = 0.958970, β(6) = 0.980457, β(7) = 0.991524.
        for (target, level) in [(0.9, 4.0), (0.95, 5), (0.98, 6), (0.99, 7)] {
            #expect(try FillRate.smallestLevel(reaching: target, quantity: 10, demand: demand) == level, "\(target)")
        }
        // Nothing short below zero demand: E[(D − s)⁺] = μ − s there.
        #expect(try demand.expectedShortage(above: -2) == 6)
    }

    /// Negative binomial, mean 1 and variance 2: geometric with p = ½, P(k) = 2^−(k+1), so
    /// E[(D − s)⁺] = Σ_{j≥1} j·2^−(s+j+1) = 2^−s. s = 2, Q = 4: (1/4 − 1/64) / 4 = 15/256 short,
    /// β = 241/256 = 0.94140625.
    @Test func geometricByHand() throws {
        let demand = try LeadTimeDemand.negativeBinomial(mean: 1, variance: 2)
        #expect(demand.model == .negativeBinomial)
        for s in 0..<8 {
            #expect(close(try demand.expectedShortage(above: Double(s)), 1 / Double(1 << s), relative: 1e-12))
        }
        #expect(close(try FillRate.of(level: 2, quantity: 4, demand: demand), 0.94140625, relative: 1e-12))
        // Between whole numbers the loss is linear: at 2.5, 2^−2 − 0.5·P(D > 2) = 1/4 − 1/16.
        #expect(close(try demand.expectedShortage(above: 2.5), 0.1875, relative: 1e-12))
    }

    /// Negative binomial, mean 3 and variance 6: r = 3, p = ½. E[(D − 4)⁺] = 19/32 and
    /// E[(D − 10)⁺] = 107/4096 (exact: every probability is a multiple of 2⁻ᵏ), so with Q = 6
    /// β(4) = 1 − 2325/24576 = 0.9053955078125.
    @Test func negativeBinomialWorkedExample() throws {
        let demand = try LeadTimeDemand.negativeBinomial(mean: 3, variance: 6)
        #expect(close(try demand.expectedShortage(above: 4), 19.0 / 32, relative: 1e-12))
        #expect(close(try demand.expectedShortage(above: 10), 107.0 / 4096, relative: 1e-12))
        #expect(close(try FillRate.of(level: 4, quantity: 6, demand: demand), 0.9053955078125, relative: 1e-12))
        for (target, level) in [(0.9, 4.0), (0.95, 6), (0.98, 8)] {
            #expect(try FillRate.smallestLevel(reaching: target, quantity: 6, demand: demand) == level, "\(target)")
        }
        // Variance at the mean is Poisson, and named so.
        #expect(try LeadTimeDemand.negativeBinomial(mean: 3, variance: 3).model == .poisson)
    }

    /// Mean 4, variance 4·10⁵: r = 4·10⁻⁵, p = 10⁻⁵, a tail too long to tabulate in 10 000
    /// terms, so the closed form E[(D − s)⁺] = μ·P(NB(r + 1, p) ≥ s) − s·P(D > s) answers.
    /// numpy, summing (k − s)·P(k) to k = 2·10⁷: E[(D − 1000)⁺] = 3.79872008, β(1000) with
    /// Q = 50 = 0.99983947, β(20000) = 0.99995113. The search for 0.9999 stays bounded.
    @Test func heavyTailsInClosedForm() throws {
        let demand = try LeadTimeDemand.negativeBinomial(mean: 4, variance: 4e5)
        #expect(close(try demand.expectedShortage(above: 1000), 3.7987200829549184, relative: 1e-8))
        #expect(close(try FillRate.of(level: 1000, quantity: 50, demand: demand), 0.9998394667893004, relative: 1e-10))
        #expect(close(try FillRate.of(level: 20000, quantity: 50, demand: demand), 0.9999511347105058, relative: 1e-10))
        let budget = PlanningBudget()
        let level = try FillRate.smallestLevel(reaching: 0.9999, quantity: 50, demand: demand, budget: budget)
        #expect(level > 1000 && level < 20000)
        #expect(try FillRate.of(level: level, quantity: 50, demand: demand) >= 0.9999)
        #expect(try FillRate.of(level: level - 1, quantity: 50, demand: demand) < 0.9999)
        #expect(budget.steps < 100_000, "\(budget.steps) steps")
    }

    /// The normal loss function: G(0) = 1/√(2π); the textbook table's G(0.90) = 0.1004. Silver,
    /// Pyke & Peterson's shortcut G(z) = Q·(1 − β)/σ for μ 100, σ 20, Q 200, β 0.99 is 0.1,
    /// so z = 0.902346 (scipy brentq) and s = 118.0469; the Hadley–Whitin second term,
    /// σ·G(z + Q/σ) = 20·G(10.9), is 10⁻²⁵ here and changes nothing. The level is searched on
    /// the grid of thousandths a quantity is stored with: 118.047, the first that reaches 0.99.
    @Test func normalTextbookExample() throws {
        #expect(close(StandardNormal.loss(0), 0.3989422804014327, relative: 1e-14))
        #expect(close(StandardNormal.loss(0.9), 0.10043113708667123, relative: 1e-12))
        #expect(close(StandardNormal.loss(0.902346347510041), 0.1, relative: 1e-12))
        #expect(close(StandardNormal.loss(-3), 3 + StandardNormal.loss(3), relative: 1e-14))  // G(−z) = z + G(z)
        let demand = LeadTimeDemand.normal(mean: 100, standardDeviation: 20)
        let level = try FillRate.smallestLevel(reaching: 0.99, quantity: 200, demand: demand)
        #expect(quantityString(level) == "118.047")
        #expect(try FillRate.of(level: level, quantity: 200, demand: demand) >= 0.99)
        #expect(try FillRate.of(level: level - 0.001, quantity: 200, demand: demand) < 0.99)
        #expect(decimalString((level - 100) / 20, places: 2) == "0.90")
        // Demand known exactly: short only what the level leaves uncovered (binary fractions,
        // so the comparisons are exact).
        let exact = LeadTimeDemand.normal(mean: 22, standardDeviation: 0)
        #expect(try FillRate.of(level: 20.5, quantity: 32, demand: exact) == 1 - 1.5 / 32)
        #expect(try FillRate.smallestLevel(reaching: 1 - 1.0 / 32, quantity: 32, demand: exact) == 21)
    }

    /// Compound Poisson, λ = 2 occasions of size 1 or 3, equally likely: mean 4, variance
    /// λ·E[X²] = 10. P(D = 0) = P(D = 1) = e⁻² = 0.1353353, P(D = 2) = e⁻²·(2·½)²/2 = 0.0676676.
    /// python3 (Adelson's recursion): E[(D − 3)⁺] = 1.74434406, E[(D − 7)⁺] = 0.38018666,
    /// β(3) with Q = 4 = 0.65896065; β(7) = 0.919329, β(8) = 0.945888, β(9) = 0.966079.
    @Test func compoundPoissonWorkedExample() throws {
        let sizes = CompoundPoisson(occasions: 2, counts: [1: 1, 3: 1])
        #expect(sizes.mean == 4)
        #expect(sizes.variance == 10)
        let demand = try #require(try LeadTimeDemand.compoundPoisson(sizes))
        #expect(demand.model == .compoundPoisson)
        #expect(close(try demand.expectedShortage(above: 0), 4, relative: 1e-12))
        #expect(close(try demand.expectedShortage(above: 1), 4 - 1 + 0.1353352832366127, relative: 1e-12))
        #expect(close(try demand.expectedShortage(above: 3), 1.7443440578013703, relative: 1e-12))
        #expect(close(try demand.expectedShortage(above: 7), 0.380186664505564, relative: 1e-11))
        #expect(close(try FillRate.of(level: 3, quantity: 4, demand: demand), 0.6589606516760484, relative: 1e-12))
        for (target, level) in [(0.9, 7.0), (0.95, 9)] {
            #expect(try FillRate.smallestLevel(reaching: target, quantity: 4, demand: demand) == level, "\(target)")
        }
        // From a history: sizes of its periods with demand, occasions to make the forecast's mean.
        let history = try #require(CompoundPoisson(mean: 6, history: [0, 1, 0, 3, 0, 0, 1, 3]))
        #expect(history == CompoundPoisson(occasions: 3, counts: [1: 2, 3: 2]))
        // Litres by the half have moments but no table.
        let litres = try #require(CompoundPoisson(mean: 6, history: [0, 1.5, 2]))
        #expect(!litres.hasWholeSizes)
        #expect(try LeadTimeDemand.compoundPoisson(litres) == nil)
        #expect(CompoundPoisson(mean: 6, history: [0, 0]) == nil)
    }

    /// Sizes 2, 2, 4 and 6 with mean 6: 1 in n + 1 = 5 occasions move past the largest, 6, by a
    /// geometric excess whose mean is the mean excess over the median 2 (4 − 2 and 6 − 2: 3),
    /// so P(7) = 0.2 · (1/3) / (1 − (2/3)^23) (the 23 terms until 1e-4 is left, spread back),
    /// P(29) the last; the rest keep 0.8 of their shares. E[X] = 4.599590081449057 (python3),
    /// so λ = 6 / E[X] = 1.304464070439459: the same mean in fewer, larger lumps.
    @Test func aTailPastTheLargestSizeSeen() throws {
        let sample = try #require(CompoundPoisson(mean: 6, history: [0, 2, 0, 6, 2, 0, 4]))
        let tailed = try #require(sample.withTail())
        #expect(Array(tailed.sizes.prefix(4)) == [2, 4, 6, 7])
        #expect(tailed.sizes.last == 29)
        #expect(tailed.sizes.count == 26)
        for (probability, expected) in zip(tailed.probabilities, [0.4, 0.2, 0.2]) {
            #expect(close(probability, expected, relative: 1e-12))
        }
        #expect(close(tailed.probabilities[3], 0.06667260751523107, relative: 1e-12))
        #expect(close(tailed.probabilities.reduce(0, +), 1, relative: 1e-12))
        #expect(close(tailed.meanSize, 4.599590081449057, relative: 1e-12))
        #expect(close(tailed.occasions, 1.304464070439459, relative: 1e-12))
        #expect(close(tailed.mean, 6, relative: 1e-12))
        #expect(tailed.tail?.largest == 6)
        #expect(tailed.tail?.share == 0.2)
        #expect(tailed.tail?.meanExcess == 3)
        // A mean excess of thousands of units stops at 2,000 sizes, its share kept whole.
        let far = try #require(CompoundPoisson(mean: 6, history: [1, 0, 1, 5_000])?.withTail())
        #expect(far.sizes.count == 2 + 2_000)
        #expect(far.sizes.last == 7_000)
        #expect(close(far.probabilities.suffix(2_000).reduce(0, +), 0.25, relative: 1e-12))
        #expect(close(far.mean, 6, relative: 1e-12))
        // Nothing to extend: all sizes alike, one size, sizes not whole.
        #expect(CompoundPoisson(mean: 6, history: [0, 3, 3, 0, 3])?.withTail() == nil)
        #expect(CompoundPoisson(mean: 6, history: [0, 3])?.withTail() == nil)
        #expect(CompoundPoisson(mean: 6, history: [0, 1.5, 2, 4])?.withTail() == nil)
    }

    /// A table that would not fit its limits is refused, not computed at length: sizes of a
    /// thousand units, or occasions whose e^−λ would underflow.
    @Test func compoundPoissonTablesStayBounded() throws {
        let budget = PlanningBudget()
        #expect(try LeadTimeDemand.compoundPoisson(CompoundPoisson(occasions: 3, counts: [1: 1, 20_000: 1]), budget: budget) == nil)
        #expect(try LeadTimeDemand.compoundPoisson(CompoundPoisson(occasions: 800, counts: [1: 1]), budget: budget) == nil)
        #expect(budget.steps <= 200_000, "\(budget.steps) steps")
    }

    /// The demand model by class, when the target is a fill rate.
    @Test func theModelFitsTheClass() throws {
        let budget = PlanningBudget()
        let lumpy = DemandClassification(values: [0, 0, 9, 0, 1, 0, 0, 0, 12, 0, 0, 1, 0, 0])
        #expect(lumpy.demandClass == .lumpy)
        let lead = try LeadTime(periods: 2)
        let compound = try DemandModelChoice(fillRate: lumpy, history: [0, 0, 9, 0, 1, 0, 0, 0, 12, 0, 0, 1, 0, 0], period: .week,
                                             mean: 3.3, standardDeviation: 4, leadTime: lead, slowMoverThreshold: 5, budget: budget)
        #expect(compound.demand.model == .compoundPoisson)
        #expect(compound.description
            == "compound Poisson (lumpy: 4 demands in 14 weeks, sizes from history, 1 in 5 past the largest (12) by 9.5 on average; "
                + "0.371 occasions expected in 2 weeks)")
        let litres = try DemandModelChoice(fillRate: lumpy, history: [0, 0, 9.5, 0, 1, 0, 0, 0, 12, 0, 0, 1, 0, 0], period: .week,
                                           mean: 3.3, standardDeviation: 4, leadTime: lead, slowMoverThreshold: 5, budget: budget)
        #expect(litres.demand.model == .negativeBinomial)
        #expect(litres.description.contains("sizes not whole units: the compound Poisson's mean and variance"))
        let steady = DemandClassification(values: Array(repeating: 10, count: 20))
        let normal = try DemandModelChoice(fillRate: steady, history: Array(repeating: 10, count: 20), period: .week,
                                           mean: 20, standardDeviation: 3, leadTime: lead, slowMoverThreshold: 5, budget: budget)
        #expect(normal.demand.model == .normal)
        #expect(normal.description == "normal (smooth: lead-time demand 20 ≥ 5, σ 3 ≤ half of it)")
        let wide = try DemandModelChoice(fillRate: steady, history: Array(repeating: 10, count: 20), period: .week,
                                         mean: 20, standardDeviation: 15, leadTime: lead, slowMoverThreshold: 5, budget: budget)
        #expect(wide.demand.model == .negativeBinomial)
        #expect(wide.description.hasPrefix("negative binomial (smooth: σ 15 > half the lead-time demand 20"))
    }
}
