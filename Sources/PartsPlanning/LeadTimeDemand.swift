/// Lead-time demand D over the protection interval, as a distribution the fill rate can be
/// computed from: its loss function E[(D − x)⁺], the expected units by which demand exceeds x.
///
/// Three forms, each with bounded work:
/// - normal: σ·G((x − μ)/σ) with G the standard normal loss function (`StandardNormal.loss`);
/// - a count distribution tabulated term by term up to where its tail no longer matters:
///   E[(D − k)⁺] = μ − k + Σ_{j<k} F(j) for whole k (since E[(D − k)⁺] − E[(k − D)⁺] = μ − k
///   and E[(k − D)⁺] = Σ_{j<k} F(j)), at most `DiscreteDemand.walkSteps` terms;
/// - Poisson or negative binomial too long to tabulate, in closed form:
///   E[(D − k)⁺] = μ·P(D′ ≥ k) − k·P(D > k), with D′ the size-biased distribution (Poisson
///   again, or NB(r + 1, p)) and both tails from the regularized incomplete functions.
///
/// Between whole numbers a count's loss function is linear (slope −P(D > k)), which is how a
/// fractional argument (a pack of 0.5 l in the order quantity) is evaluated.
public struct LeadTimeDemand: Sendable, Equatable {
    public let model: LeadTimeDemandModel
    /// μ.
    public let mean: Double
    /// σ², as the model has it.
    public let variance: Double
    private let form: Form
    /// The family and its parameters, to build the same demand over part of the interval.
    private let source: Source

    private enum Form: Sendable, Equatable {
        case normal(standardDeviation: Double)
        case table(Table)
        case closed(DiscreteDemand.Distribution)
    }

    private enum Source: Sendable, Equatable {
        case normal
        case count(DiscreteDemand.Distribution)
        case compound(CompoundPoisson)
        /// Draws of a simulation, which splits its own paths (`DemandBootstrap`).
        case empirical
    }

    /// Normal with mean μ and standard deviation σ ≥ 0; σ = 0 is demand of exactly μ.
    public static func normal(mean: Double, standardDeviation: Double) -> LeadTimeDemand {
        LeadTimeDemand(model: .normal, mean: mean, variance: standardDeviation * standardDeviation,
                       form: .normal(standardDeviation: standardDeviation), source: .normal)
    }

    /// Poisson with the given mean.
    public static func poisson(mean: Double, budget: PlanningBudget = PlanningBudget()) throws(PlanningError) -> LeadTimeDemand {
        try discrete(DiscreteDemand.Distribution(poissonMean: mean), variance: mean, budget)
    }

    /// Negative binomial by the method of moments, or Poisson when the variance does not
    /// exceed the mean (`model` says which).
    public static func negativeBinomial(mean: Double, variance: Double,
                                        budget: PlanningBudget = PlanningBudget()) throws(PlanningError) -> LeadTimeDemand {
        guard DiscreteDemand.isOverdispersed(mean: mean, variance: variance) else { return try poisson(mean: mean, budget: budget) }
        return try discrete(DiscreteDemand.Distribution(mean: mean, variance: variance), variance: variance, budget)
    }

    /// A compound Poisson tabulated by its recursion; nil when its table would not fit in
    /// `DiscreteDemand.walkSteps` terms or `CompoundPoisson.workLimit` steps (sizes of
    /// thousands, or hundreds of occasions), for the caller to fall back on its moments.
    public static func compoundPoisson(_ demand: CompoundPoisson,
                                       budget: PlanningBudget = PlanningBudget()) throws(PlanningError) -> LeadTimeDemand? {
        var table = Table(mean: demand.mean)
        guard try demand.tabulate(budget, into: { table.append($0) }) else { return nil }
        return LeadTimeDemand(model: .compoundPoisson, mean: demand.mean, variance: demand.variance, form: .table(table),
                              source: .compound(demand))
    }

    /// The empirical distribution of draws, `counts[k]` of them k units (a bootstrap's
    /// replications), tabulated as a count's is, so its loss function and fill rate come from
    /// the same table code. Its mean and variance are the draws' own.
    static func empirical(counts: [Int]) -> LeadTimeDemand {
        let draws = Double(counts.reduce(0, +))
        let mean = counts.indices.reduce(0.0) { $0 + Double($1 * counts[$1]) } / draws
        let variance = counts.indices.reduce(0.0) { $0 + Double(counts[$1]) * (Double($1) - mean) * (Double($1) - mean) } / draws
        var table = Table(mean: mean)
        for count in counts {
            if table.append(Double(count) / draws) { break }
        }
        return LeadTimeDemand(model: .bootstrap, mean: mean, variance: variance, form: .table(table), source: .empirical)
    }

    private static func discrete(_ distribution: DiscreteDemand.Distribution, variance: Double,
                                 _ budget: PlanningBudget) throws(PlanningError) -> LeadTimeDemand {
        let model: LeadTimeDemandModel = distribution.shape == nil ? .poisson : .negativeBinomial
        var table = Table(mean: distribution.mean)
        var walk = DiscreteDemand.PMFWalk(distribution)
        var meter = BudgetMeter(budget)
        for _ in 0..<DiscreteDemand.walkSteps {
            try meter.spend()
            if table.append(walk.next()) {
                try meter.settle()
                return LeadTimeDemand(model: model, mean: distribution.mean, variance: variance, form: .table(table),
                                      source: .count(distribution))
            }
        }
        try meter.settle()
        return LeadTimeDemand(model: model, mean: distribution.mean, variance: variance, form: .closed(distribution),
                              source: .count(distribution))
    }

    /// The same family over `fraction` of the interval, as a table: a Poisson or compound
    /// Poisson with its mean (its occasions) scaled, a negative binomial with mean and variance
    /// scaled, which keeps p and scales r, as the sum of independent periods does. nil for the
    /// normal and for what cannot be tabulated within the limits.
    func over(fraction: Double, budget: PlanningBudget) throws(PlanningError) -> LeadTimeDemand? {
        let scaled: LeadTimeDemand?
        switch source {
        case .normal, .empirical: return nil
        case .count:
            scaled = try model == .poisson
                ? .poisson(mean: mean * fraction, budget: budget)
                : .negativeBinomial(mean: mean * fraction, variance: variance * fraction, budget: budget)
        case .compound(let demand):
            scaled = try .compoundPoisson(demand.scaled(by: fraction), budget: budget)
        }
        guard let scaled, case .table = scaled.form else { return nil }
        return scaled
    }

    /// P(D = 0) … P(D = count − 1) of the same family over `fraction` of the interval, as
    /// `over(fraction:)` would tabulate them (fewer where its tail ends first), without the
    /// rest of its table: a review interval's cycle weights reach no further than the order
    /// quantity, however long the distribution's tail. nil for the normal and the empirical,
    /// and for a compound Poisson that cannot be tabulated within its limits.
    func probabilities(over fraction: Double, first count: Int, budget: PlanningBudget) throws(PlanningError) -> [Double]? {
        // As far as a count's table may go.
        guard count <= DiscreteDemand.walkSteps else { return nil }
        // A table's own terms, cut short: the same sums as `over(fraction:)` makes.
        var table = Table(mean: mean * fraction)
        func take(_ probability: Double) -> Bool { table.append(probability) || table.count >= count }
        switch source {
        case .normal, .empirical: return nil
        case .count:
            let distribution = model == .poisson
                ? DiscreteDemand.Distribution(poissonMean: mean * fraction)
                : DiscreteDemand.Distribution(mean: mean * fraction, variance: variance * fraction)
            var walk = DiscreteDemand.PMFWalk(distribution)
            var meter = BudgetMeter(budget)
            repeat { try meter.spend() } while !take(walk.next())
            try meter.settle()
        case .compound(let demand):
            guard try demand.scaled(by: fraction).tabulate(budget, into: take) else { return nil }
        }
        return table.probabilities
    }

    /// P(D = 0), P(D = 1), … as far as the table goes (where the tail stops mattering); nil
    /// when the demand is not tabulated.
    var probabilities: [Double]? {
        guard case .table(let table) = form else { return nil }
        return table.probabilities
    }

    /// Whether `probabilities` has a table to give, without making it.
    var isTabulated: Bool {
        guard case .table = form else { return false }
        return true
    }

    /// E[(D − x)⁺].
    public func expectedShortage(above x: Double, budget: PlanningBudget = PlanningBudget()) throws(PlanningError) -> Double {
        switch form {
        case .normal(let sigma):
            guard sigma > 0 else { return max(0, mean - x) }
            try budget.spend()
            return sigma * StandardNormal.loss((x - mean) / sigma)
        case .table(let table):
            return table.shortage(above: x)
        case .closed(let distribution):
            // D ≥ 0: below zero every unit of demand is short, and x more.
            guard x > 0 else { return mean - x }
            let k = x.rounded(.down)
            guard k < Double(DiscreteDemand.largestQuantile) else { return 0 }
            let whole = Int(k)
            let above = 1 - (try distribution.cdf(whole, budget))
            let biasedAbove = whole == 0 ? 1 : 1 - (try distribution.sizeBiased.cdf(whole - 1, budget))
            let atK = max(0, mean * biasedAbove - k * above)
            return max(0, atK - (x - k) * above)
        }
    }

    /// F(0), F(1), … of a count, each with the running sum before it, which give E[(D − k)⁺]
    /// by one subtraction. One array of pairs: a table walk appends a term at a time, and its
    /// appends were most of a reorder run's table work.
    private struct Table: Sendable, Equatable {
        /// Where the tail stops mattering: P(D > K) below this, the shortage beyond K is
        /// below it times the few units a tail that thin holds.
        static let tail = 1e-10

        let mean: Double
        /// (F(k), F(0) + … + F(k − 1)) for k = 0, 1, …
        private var entries: [SIMD2<Double>] = []
        private var total = 0.0
        private var running = 0.0

        init(mean: Double) {
            self.mean = mean
            entries.reserveCapacity(64)
        }

        var count: Int { entries.count }

        var probabilities: [Double] { entries.indices.map { entries[$0].x - ($0 == 0 ? 0 : entries[$0 - 1].x) } }

        /// Takes P(D = k) for the next k; true once the tail is reached.
        mutating func append(_ probability: Double) -> Bool {
            total = min(1, total + probability)
            entries.append(SIMD2(total, running))
            running += total
            return 1 - total <= Self.tail
        }

        func shortage(above x: Double) -> Double {
            guard x > 0 else { return mean - x }
            let last = entries.count - 1
            // Past the table the tail is below `tail`: its slope is the last one known.
            let k = min(x.rounded(.down), Double(last))
            let entry = entries[Int(k)]
            let atK = max(0, mean - k + entry.y)
            return max(0, atK - (x - k) * (1 - entry.x))
        }
    }
}
