/// A small deterministic pseudo-random generator for the planning maths' simulations.
///
/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014; the constants of Vigna's reference `splitmix64.c`, which also seeds
/// xoshiro256**): a Weyl sequence, state += 0x9E3779B97F4A7C15, put through a 64-bit
/// finaliser. Why this one: eight lines, 64 bits of state that a part's seed fills whole,
/// every seed a full period of 2⁶⁴, and passes BigCrush — more than a thousand replications of
/// a lead time need. Why not Foundation's or the system's generator: a plan must come out the
/// same every night and on every machine for the same history, so a manager can check it and a
/// test can know the answer; the system generator is neither seedable nor stable across
/// platforms.
public struct SplitMix64: Sendable, Equatable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in the open interval (0, 1): the top 53 bits, centred in their cell,
    /// so it is never 0 or 1 and the normal's inverse (`StandardNormal.quantile`) stays finite.
    public mutating func nextUnit() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// A standard normal number by inversion, Φ⁻¹(U), one uniform each: the same AS 241 that
    /// Python's `statistics.NormalDist().inv_cdf` uses, so a reimplementation gets the same Z.
    public mutating func nextNormal() -> Double {
        StandardNormal.quantile(nextUnit())
    }

    /// The finaliser alone, to mix a seed with data (`seeded(_:values:)`).
    static func mix(_ value: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: value)
        return generator.next()
    }

    /// A generator seeded from `seed` and a series' values (their bit patterns, each mixed in
    /// turn): the same history gives the same draws on every run, a different one its own.
    public static func seeded(_ seed: UInt64, values: [Double]) -> SplitMix64 {
        var hash = mix(seed)
        for value in values { hash = mix(hash ^ value.bitPattern) }
        return SplitMix64(seed: hash)
    }
}
