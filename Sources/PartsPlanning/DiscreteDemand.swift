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
public enum DiscreteDemand {
    /// P(N ≤ k) for N ~ Poisson(mean). 0 for k < 0.
    public static func poissonCDF(_ k: Int, mean: Double) -> Double {
        guard k >= 0 else { return 0 }
        var total = 0.0
        var walk = PMFWalk(poissonMean: mean)
        for _ in 0...k { total += walk.next() }
        return min(total, 1)
    }

    /// P(N ≤ k) for N negative binomial with the given mean and variance (method of moments:
    /// p = mean / variance, r = mean² / (variance − mean)). Falls back to Poisson when the
    /// variance does not exceed the mean. 0 for k < 0.
    public static func negativeBinomialCDF(_ k: Int, mean: Double, variance: Double) -> Double {
        guard k >= 0 else { return 0 }
        var total = 0.0
        var walk = PMFWalk(mean: mean, variance: variance)
        for _ in 0...k { total += walk.next() }
        return min(total, 1)
    }

    /// Smallest s ≥ 0 with P(N ≤ s) ≥ `level` for N ~ Poisson(mean).
    public static func poissonQuantile(_ level: Double, mean: Double) -> Int {
        quantile(level, walk: PMFWalk(poissonMean: mean), mean: mean, variance: mean)
    }

    /// Smallest s ≥ 0 with P(N ≤ s) ≥ `level` for N negative binomial (method of moments), or
    /// Poisson when `variance` ≤ `mean`.
    public static func negativeBinomialQuantile(_ level: Double, mean: Double, variance: Double) -> Int {
        quantile(level, walk: PMFWalk(mean: mean, variance: variance), mean: mean, variance: variance)
    }

    /// Whether (mean, variance) calls for the negative binomial: variance above the mean by
    /// more than rounding noise.
    public static func isOverdispersed(mean: Double, variance: Double) -> Bool {
        mean > 0 && variance > mean * (1 + 1e-9)
    }

    private static func quantile(_ level: Double, walk: PMFWalk, mean: Double, variance: Double) -> Int {
        guard mean > 0, mean.isFinite else { return 0 }
        // A bound far beyond any service level below 1 (Chebyshev at 40 σ leaves < 0.1 %,
        // and these tails are much lighter), so a level so close to 1 that the float sum can
        // never reach it still ends.
        let sd = max(variance, mean).squareRoot()
        let limit = Int((mean + 40 * sd + 100).rounded(.up))
        var walk = walk
        var total = 0.0
        for k in 0...limit {
            total += walk.next()
            if total >= level { return k }
        }
        return limit
    }

    /// Yields p₀, p₁, p₂, … of a Poisson or negative binomial distribution.
    private struct PMFWalk {
        private var logP: Double
        private var k = 0
        // log pₖ = log pₖ₋₁ + log(a + k − 1) − log k + logStep; for Poisson a is unused.
        private let logStep: Double
        private let shape: Double?

        init(poissonMean mean: Double) {
            let mean = mean > 0 && mean.isFinite ? mean : 0
            self.init(logP0: -mean, logStep: mean > 0 ? planningLog(mean) : -.infinity, shape: nil)
        }

        init(mean: Double, variance: Double) {
            guard DiscreteDemand.isOverdispersed(mean: mean, variance: variance),
                mean.isFinite, variance.isFinite
            else {
                self.init(poissonMean: mean)
                return
            }
            let excess = (variance - mean) / variance  // 1 − p, the "failure" probability
            let r = mean * mean / (variance - mean)
            // p₀ = pʳ, computed as r · log1p(−(1 − p)) for accuracy when p is near 1.
            self.init(logP0: r * planningLog1p(-excess), logStep: planningLog(excess), shape: r)
        }

        private init(logP0: Double, logStep: Double, shape: Double?) {
            self.logP = logP0
            self.logStep = logStep
            self.shape = shape
        }

        mutating func next() -> Double {
            if k > 0 {
                let kk = Double(k)
                if let shape {
                    logP += planningLog(shape + kk - 1) - planningLog(kk) + logStep
                } else {
                    logP += logStep - planningLog(kk)
                }
            }
            k += 1
            return planningExp(logP)
        }
    }
}
