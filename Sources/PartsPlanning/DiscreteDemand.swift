/// Lead-time demand of slow movers as a count.
///
/// With a mean of two or three units in a lead time, the normal approximation is poor (it puts
/// probability on negative demand and on fractions), so the reorder point is the smallest whole
/// number of units s with P(LTD ≤ s) ≥ the service level under a Poisson distribution, or a
/// negative binomial when the demand is more variable than Poisson allows (variance > mean).
///
/// The probabilities are summed from k = 0 with each term computed in log space
/// (log pₖ = log pₖ₋₁ + log of the ratio), so nothing overflows or underflows into a wrong
/// answer: for a mean of 1000, p₀ = e⁻¹⁰⁰⁰ is below the smallest `Double`, its log is not, and
/// the terms that matter are exact to about 1e-12.
///
/// The quantile sums at most `walkSteps` terms that way, which settles every usual case. A
/// distribution whose quantile lies further out (a mean of almost nothing with a spread of
/// millions, from one huge line of imported history) is searched instead, by doubling and then
/// halving an interval, with the CDF in closed form (regularized incomplete beta and gamma
/// functions): tens of evaluations however far out the quantile is, never a walk to it.
///
/// A fill rate needs the same distributions' loss functions: `LeadTimeDemand` tabulates them
/// with the same walk and the same limit, and past it uses the same closed forms.
public enum DiscreteDemand {
    /// Terms the quantile sums one by one before it searches.
    static let walkSteps = 10_000
    /// The largest reorder point the search reports: far beyond any stock a part can have.
    public static let largestQuantile = 1 << 50

    /// P(N ≤ k) for N ~ Poisson(mean). 0 for k < 0.
    public static func poissonCDF(_ k: Int, mean: Double) -> Double {
        guard k >= 0 else { return 0 }
        var total = 0.0
        var walk = PMFWalk(Distribution(poissonMean: mean))
        for _ in 0...k { total += walk.next() }
        return min(total, 1)
    }

    /// P(N ≤ k) for N negative binomial with the given mean and variance (method of moments:
    /// p = mean / variance, r = mean² / (variance − mean)). Falls back to Poisson when the
    /// variance does not exceed the mean. 0 for k < 0.
    public static func negativeBinomialCDF(_ k: Int, mean: Double, variance: Double) -> Double {
        guard k >= 0 else { return 0 }
        var total = 0.0
        var walk = PMFWalk(Distribution(mean: mean, variance: variance))
        for _ in 0...k { total += walk.next() }
        return min(total, 1)
    }

    /// Smallest s ≥ 0 with P(N ≤ s) ≥ `level` for N ~ Poisson(mean), within the standard
    /// budget; `largestQuantile` when that runs out first.
    public static func poissonQuantile(_ level: Double, mean: Double) -> Int {
        (try? poissonQuantile(level, mean: mean, budget: PlanningBudget())) ?? largestQuantile
    }

    /// The same within `budget`, which throws when it runs out.
    public static func poissonQuantile(_ level: Double, mean: Double, budget: PlanningBudget) throws(PlanningError) -> Int {
        try quantile(level, Distribution(poissonMean: mean), budget)
    }

    /// Smallest s ≥ 0 with P(N ≤ s) ≥ `level` for N negative binomial (method of moments), or
    /// Poisson when `variance` ≤ `mean`, within the standard budget; `largestQuantile` when
    /// that runs out first.
    public static func negativeBinomialQuantile(_ level: Double, mean: Double, variance: Double) -> Int {
        (try? negativeBinomialQuantile(level, mean: mean, variance: variance, budget: PlanningBudget())) ?? largestQuantile
    }

    /// The same within `budget`, which throws when it runs out.
    public static func negativeBinomialQuantile(_ level: Double, mean: Double, variance: Double,
                                                budget: PlanningBudget) throws(PlanningError) -> Int {
        try quantile(level, Distribution(mean: mean, variance: variance), budget)
    }

    /// Whether (mean, variance) calls for the negative binomial: variance above the mean by
    /// more than rounding noise.
    public static func isOverdispersed(mean: Double, variance: Double) -> Bool {
        mean > 0 && variance > mean * (1 + 1e-9)
    }

    private static func quantile(_ level: Double, _ distribution: Distribution, _ budget: PlanningBudget) throws(PlanningError) -> Int {
        guard distribution.mean > 0, distribution.mean.isFinite else { return 0 }
        var walk = PMFWalk(distribution)
        var total = 0.0
        var meter = BudgetMeter(budget)
        for k in 0..<walkSteps {
            try meter.spend()
            total += walk.next()
            if total >= level {
                try meter.settle()
                return k
            }
        }
        try meter.settle()
        // F(below) < level ≤ F(above), with F in closed form.
        var below = walkSteps - 1
        var above = walkSteps * 2
        while try distribution.cdf(above, budget) < level {
            guard above < largestQuantile else { return largestQuantile }
            below = above
            above *= 2
        }
        while above - below > 1 {
            let middle = below + (above - below) / 2
            if try distribution.cdf(middle, budget) < level { below = middle } else { above = middle }
        }
        return above
    }

    /// A Poisson distribution, or a negative binomial with r = `shape` and success probability
    /// p, kept as log p and log(1 − p), each computed the accurate way: with a variance 10²³
    /// times the mean, 1 − p is 1 in floating point, and pʳ from log1p(−(1 − p)) would be 0
    /// instead of almost 1.
    struct Distribution: Sendable, Equatable {
        let mean: Double
        /// nil for Poisson.
        let shape: Double?
        let logP: Double
        let logQ: Double

        init(poissonMean mean: Double) {
            self.init(mean: mean > 0 && mean.isFinite ? mean : 0, shape: nil, logP: 0, logQ: 0)
        }

        init(mean: Double, variance: Double) {
            guard DiscreteDemand.isOverdispersed(mean: mean, variance: variance), mean.isFinite, variance.isFinite else {
                self.init(poissonMean: mean)
                return
            }
            // p and 1 − p each by division, exact to the last digit however close either is to
            // 0; the log of the one near 1 from the other, since near 1 a value has lost its
            // low digits.
            let p = mean / variance
            let excess = (variance - mean) / variance
            self.init(mean: mean, shape: mean * mean / (variance - mean),
                      logP: excess < 0.5 ? planningLog1p(-excess) : planningLog(p),
                      logQ: p < 0.5 ? planningLog1p(-p) : planningLog(excess))
        }

        private init(mean: Double, shape: Double?, logP: Double, logQ: Double) {
            self.mean = mean
            self.shape = shape
            self.logP = logP
            self.logQ = logQ
        }

        /// The distribution whose P(N′ = k − 1) is k·P(N = k) / mean: Poisson again, or
        /// NB(r + 1, p), since k·C(k + r − 1, k) = r·C(k + r − 1, k − 1). It gives
        /// E[N·1{N > s}] = mean·P(N′ ≥ s), the expected shortage in closed form.
        var sizeBiased: Distribution {
            guard let shape else { return self }
            return Distribution(mean: mean, shape: shape + 1, logP: logP, logQ: logQ)
        }

        /// P(N ≤ k), for the search: I_p(r, k + 1) or Q(k + 1, mean).
        func cdf(_ k: Int, _ budget: PlanningBudget) throws(PlanningError) -> Double {
            let b = Double(k) + 1
            guard let shape else { return try IncompleteFunctions.upperGamma(b, mean, budget) }
            return try IncompleteFunctions.beta(shape, b, logX: logP, logY: logQ, budget)
        }
    }

    /// Yields p₀, p₁, p₂, … of a distribution.
    ///
    /// By the ratio of successive terms, pₖ = pₖ₋₁·(mean / k) or pₖ₋₁·(r + k − 1)/k·(1 − p),
    /// while p₀ is a normal `Double`: every factor is positive, so the relative error grows by
    /// a rounding a term, 10⁻¹² after the walk's 10,000 terms, and a log and an exp a term
    /// (a sixth of a reorder run) are saved. When p₀ underflows (a mean past about 700) the
    /// terms are walked in log space, where nothing does.
    struct PMFWalk {
        private var logPMF: Double
        private var pmf: Double
        private let inLogs: Bool
        private var k = 0
        // log pₖ = log pₖ₋₁ + log(r + k − 1) − log k + log(1 − p); for Poisson log(mean) − log k.
        private let logStep: Double
        private let step: Double
        private let shape: Double?

        init(_ distribution: Distribution) {
            shape = distribution.shape
            if let shape = distribution.shape {
                logPMF = shape * distribution.logP
                logStep = distribution.logQ
            } else {
                let mean = distribution.mean
                logPMF = -mean
                logStep = mean > 0 ? planningLog(mean) : -.infinity
            }
            pmf = planningExp(logPMF)
            inLogs = !pmf.isNormal
            step = planningExp(logStep)
        }

        mutating func next() -> Double {
            if k > 0 {
                let kk = Double(k)
                if inLogs {
                    if let shape {
                        logPMF += planningLog(shape + kk - 1) - planningLog(kk) + logStep
                    } else {
                        logPMF += logStep - planningLog(kk)
                    }
                    k += 1
                    return planningExp(logPMF)
                }
                pmf *= shape.map { ($0 + kk - 1) / kk * step } ?? step / kk
            }
            k += 1
            return inLogs ? planningExp(logPMF) : pmf
        }
    }
}
