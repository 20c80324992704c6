/// The regularized incomplete beta and gamma functions, which give the negative binomial and
/// Poisson CDFs in closed form, for quantiles too far out to sum term by term. Continued
/// fractions by the modified Lentz method (Numerical Recipes, 3rd ed., 6.2 and 6.4); every
/// iteration counts against the plan's budget.
enum IncompleteFunctions {
    private static let epsilon = 1e-15
    private static let tiny = 1e-300

    /// I_x(a, b) for x = exp(logX) and 1 − x = exp(logY), given apart for accuracy.
    static func beta(_ a: Double, _ b: Double, logX: Double, logY: Double, _ budget: PlanningBudget) throws(PlanningError) -> Double {
        let x = planningExp(logX)
        let y = planningExp(logY)
        if x == 0 { return 0 }
        if y == 0 { return 1 }
        // xᵃ yᵇ / (a B(a, b)) or / (b B(a, b)), whichever fraction converges fast.
        let front = a * logX + b * logY
        if x < (a + 1) / (a + b + 2) {
            let scale = planningExp(front + logInverseBeta(a, b, over: a))
            return min(1, max(0, scale * (try fraction(a, b, x, budget))))
        }
        let scale = planningExp(front + logInverseBeta(a, b, over: b))
        return min(1, max(0, 1 - scale * (try fraction(b, a, y, budget))))
    }

    /// log(1 / (`over` · B(a, b))), `over` being a or b. The search meets a tiny a (a spread
    /// far above the mean) with a huge b (a quantile far out), where log Γ(a + b) − log Γ(b),
    /// about a · log b, would vanish in the rounding of two numbers near 10⁶: it is computed
    /// as one difference instead.
    private static func logInverseBeta(_ a: Double, _ b: Double, over: Double) -> Double {
        let (small, big) = a < b ? (a, b) : (b, a)
        // log Γ(small + big) − log Γ(big) − log Γ(small) − log over, with log Γ(small) + log small
        // = log Γ(small + 1), exact for a tiny small.
        let rest = over == small ? -planningLogGamma(small + 1) : -planningLogGamma(small) - planningLog(over)
        return logGammaIncrease(big, by: small) + rest
    }

    /// log Γ(z + s) − log Γ(z), from Stirling's series written as a difference for z ≥ 10.
    static func logGammaIncrease(_ z: Double, by s: Double) -> Double {
        guard z >= 10 else { return planningLogGamma(z + s) - planningLogGamma(z) }
        func correction(_ w: Double) -> Double {
            let w2 = w * w
            return (1 / 12 - (1 / 360 - 1 / (1260 * w2)) / w2) / w
        }
        return (z - 0.5) * planningLog1p(s / z) + s * planningLog(z + s) - s + (correction(z + s) - correction(z))
    }

    /// Q(a, x) = Γ(a, x) / Γ(a), the upper regularized incomplete gamma function.
    static func upperGamma(_ a: Double, _ x: Double, _ budget: PlanningBudget) throws(PlanningError) -> Double {
        if x <= 0 { return 1 }
        let front = -x + a * planningLog(x) - planningLogGamma(a)
        if x < a + 1 {
            // The series of P(a, x); Q = 1 − P.
            var term = 1 / a
            var sum = term
            var n = a
            while true {
                try budget.spend()
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * epsilon { break }
            }
            return min(1, max(0, 1 - sum * planningExp(front)))
        }
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while true {
            try budget.spend()
            b += 2
            let delta = lentz(-i * (i - a), b, &c, &d)
            h *= delta
            if abs(delta - 1) < epsilon { break }
            i += 1
        }
        return min(1, max(0, planningExp(front) * h))
    }

    /// The continued fraction of I_x(a, b) (betacf).
    private static func fraction(_ a: Double, _ b: Double, _ x: Double, _ budget: PlanningBudget) throws(PlanningError) -> Double {
        let sum = a + b
        var c = 1.0
        var d = 1 - sum * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        var m = 1.0
        while true {
            try budget.spend()
            let m2 = 2 * m
            // The even step, then the odd one.
            h *= lentz(m * (b - m) * x / ((a - 1 + m2) * (a + m2)), 1, &c, &d)
            let delta = lentz(-(a + m) * (sum + m) * x / ((a + m2) * (a + 1 + m2)), 1, &c, &d)
            h *= delta
            if abs(delta - 1) < epsilon { break }
            m += 1
        }
        return h
    }

    /// One step of the modified Lentz method: the term numerator / (denominator + ...) taken
    /// into c and d, kept off zero; returns the factor it changes the fraction's value by.
    private static func lentz(_ numerator: Double, _ denominator: Double, _ c: inout Double, _ d: inout Double) -> Double {
        d = numerator * d + denominator
        if abs(d) < tiny { d = tiny }
        c = denominator + numerator / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        return d * c
    }
}
