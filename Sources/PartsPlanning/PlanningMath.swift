// The few libm functions the planning maths needs, imported in one place so the rest of the
// module stays free of platform imports (and of Foundation).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Natural exponential, from the C library.
@inline(__always) func planningExp(_ x: Double) -> Double { exp(x) }

/// Natural logarithm, from the C library.
@inline(__always) func planningLog(_ x: Double) -> Double { log(x) }

/// `log(1 + x)`, accurate for small `x` (negative binomial with a huge shape parameter).
@inline(__always) func planningLog1p(_ x: Double) -> Double { log1p(x) }

/// Complementary error function, for the normal CDF.
@inline(__always) func planningErfc(_ x: Double) -> Double { erfc(x) }

/// log Γ(x) for x > 0, from the C library's reentrant variant (the plain one writes a global).
@inline(__always) func planningLogGamma(_ x: Double) -> Double {
    var sign: Int32 = 0
    return lgamma_r(x, &sign)
}
