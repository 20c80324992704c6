/// The standard normal distribution: safety factors from service levels.
///
/// `quantile` is Wichura's algorithm AS 241 (PPND16, Applied Statistics 37(3), 1988), accurate
/// to about 1 part in 10¹⁶ — the same algorithm R's `qnorm` and Python's
/// `statistics.NormalDist.inv_cdf` use — so z for 95 % is 1.6448536269514722 here as there,
/// not a table's 1.645.
public enum StandardNormal {
    /// z with P(Z ≤ z) = p. `-infinity` for p ≤ 0, `+infinity` for p ≥ 1, NaN for NaN.
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN { return .nan }
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        let q = p - 0.5
        if q.magnitude <= 0.425 {
            let r = 0.180625 - q * q
            return q * horner(r, central.numerator) / horner(r, central.denominator)
        }
        var r = q < 0 ? p : 1 - p
        r = (-planningLog(r)).squareRoot()
        let value: Double
        if r <= 5 {
            r -= 1.6
            value = horner(r, intermediate.numerator) / horner(r, intermediate.denominator)
        } else {
            r -= 5
            value = horner(r, tail.numerator) / horner(r, tail.denominator)
        }
        return q < 0 ? -value : value
    }

    /// P(Z ≤ x), via the complementary error function (accurate in both tails).
    public static func cdf(_ x: Double) -> Double {
        0.5 * planningErfc(-x / 2.0.squareRoot())
    }

    /// φ(x), the density.
    public static func density(_ x: Double) -> Double {
        planningExp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
    }

    /// The standard normal loss function G(z) = E[(Z − z)⁺] = φ(z) − z·(1 − Φ(z)): the
    /// expected amount by which a standard normal exceeds z, which scaled by σ gives the units
    /// short per cycle of a normal lead-time demand (Silver, Pyke & Peterson, Inventory
    /// Management and Production Planning and Scheduling, 3rd ed., 1998, where it is
    /// tabulated as G_u(k)). 1 − Φ(z) comes from erfc, not 1 − cdf, so the far right tail keeps
    /// its digits.
    public static func loss(_ z: Double) -> Double {
        let upper = 0.5 * planningErfc(z / 2.0.squareRoot())
        return max(0, density(z) - z * upper)
    }

    /// Polynomial with coefficients lowest power first.
    private static func horner(_ x: Double, _ coefficients: [Double]) -> Double {
        var value = 0.0
        for coefficient in coefficients.reversed() { value = value * x + coefficient }
        return value
    }

    // AS 241 coefficients, lowest power first.
    private static let central = (
        numerator: [
            3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
            1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
            3.3430575583588128105e+4, 2.5090809287301226727e+3,
        ],
        denominator: [
            1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3,
            2.1213794301586595867e+4, 3.9307895800092710610e+4, 2.8729085735721942674e+4,
            5.2264952788528545610e+3,
        ]
    )
    private static let intermediate = (
        numerator: [
            1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
            3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
            2.27238449892691845833e-2, 7.74545014278341407640e-4,
        ],
        denominator: [
            1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
            1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
            1.05075007164441684324e-9,
        ]
    )
    private static let tail = (
        numerator: [
            6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
            2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
            2.71155556874348757815e-5, 2.01033439929228813265e-7,
        ],
        denominator: [
            1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
            7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
            2.04426310338993978564e-15,
        ]
    )
}
