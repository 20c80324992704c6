/// A base-10 number held exactly as an integer count of 10^-scale units.
///
/// Quantities and money never pass through floating point: parsing, comparing, adding and
/// printing all work on the integer. The range (±9.2e18 units) covers numeric(18,4) values;
/// operations that would overflow return nil instead of trapping on client input.
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let units: Int64
    public let scale: Int

    public init(units: Int64, scale: Int) {
        precondition((0...9).contains(scale), "scale out of range")
        self.units = units
        self.scale = scale
    }

    public static let zero = ExactDecimal(units: 0, scale: 0)

    /// Parses plain decimal notation: an optional sign, digits, an optional fraction.
    /// No exponents, no grouping, no spaces: `1e3`, `1,000` and ` 2` are all refused.
    public init?(_ text: some StringProtocol) {
        self.init(String(text))
    }

    /// The concrete form the generic one calls, and which callers with a String get: a
    /// generic function of another module runs unspecialised, looking up its type's metadata
    /// at every step (a profile showed that as most of this init's time).
    public init?(_ text: String) {
        // By bytes: every decimal a query returns comes through here, and Character-wise
        // (split, Unicode digit properties) it was a third of the daemon's CPU serving the
        // part and stock exports a go-live import reads.
        var text = text
        guard let parsed = text.withUTF8(Self.parse) else { return nil }
        self = parsed
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
        var value: Int64 = 0
        var negative = false
        var wholeDigits = 0
        var fractionDigits: Int?
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
                let (next, o2) = shifted.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
                if o1 || o2 { return nil }
                value = next
                if let digits = fractionDigits { fractionDigits = digits + 1 } else { wholeDigits += 1 }
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard index == 0 else { return nil }
                negative = byte == UInt8(ascii: "-")
            case UInt8(ascii: "."):
                guard fractionDigits == nil else { return nil }
                fractionDigits = 0
            default:
                return nil
            }
        }
        let scale = fractionDigits ?? 0
        guard wholeDigits + scale > 0, fractionDigits != 0, scale <= 9 else { return nil }
        return ExactDecimal(units: negative ? -value : value, scale: scale)
    }

    /// The number with trailing fractional zeros removed: 2.500 becomes 2.5, 3.000 becomes 3.
    public var trimmed: ExactDecimal {
        var units = self.units
        var scale = self.scale
        while scale > 0, units % 10 == 0 {
            units /= 10
            scale -= 1
        }
        return ExactDecimal(units: units, scale: scale)
    }

    /// Decimal places that carry information (trailing zeros do not).
    public var significantScale: Int { trimmed.scale }

    /// The same value at a larger scale, or nil when it would overflow.
    public func rescaled(to newScale: Int) -> ExactDecimal? {
        if newScale == scale { return self }
        if newScale < scale { return rounded(to: newScale) }
        var units = self.units
        for _ in scale..<newScale {
            let (next, overflow) = units.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            units = next
        }
        return ExactDecimal(units: units, scale: newScale)
    }

    /// Rounds half away from zero, as PostgreSQL's round() does for numeric.
    public func rounded(to newScale: Int) -> ExactDecimal {
        guard newScale < scale else { return rescaled(to: newScale) ?? self }
        var divisor: Int64 = 1
        for _ in newScale..<scale { divisor *= 10 }
        var quotient = units / divisor
        let remainder = units % divisor
        if abs(remainder) * 2 >= divisor { quotient += units < 0 ? -1 : 1 }
        return ExactDecimal(units: quotient, scale: newScale)
    }

    public var isZero: Bool { units == 0 }
    public var isNegative: Bool { units < 0 }
    public var isPositive: Bool { units > 0 }

    /// Compared on a 128-bit common scale, so no pair of values can overflow; units alone when
    /// the scales agree, as a column's values do.
    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        if lhs.scale == rhs.scale { return lhs.units < rhs.units }
        let scale = max(lhs.scale, rhs.scale)
        return lhs.wide(scale) < rhs.wide(scale)
    }

    public static func == (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        if lhs.scale == rhs.scale { return lhs.units == rhs.units }
        let scale = max(lhs.scale, rhs.scale)
        return lhs.wide(scale) == rhs.wide(scale)
    }

    /// How many of `steps` equal steps from zero to `whole` this value reaches, rounded half
    /// up and kept within 0...steps (0 when `whole` is not positive). Exact, so a chart drawn
    /// from decimals puts a value on the same step on every machine.
    public func steps(_ steps: Int, of whole: ExactDecimal) -> Int {
        guard whole.isPositive, steps > 0 else { return 0 }
        let scale = max(self.scale, whole.scale)
        let part = wide(scale), total = whole.wide(scale)
        guard part > 0 else { return 0 }
        guard part < total else { return steps }
        return Int((part * Int128(steps) * 2 + total) / (total * 2))
    }

    private func wide(_ target: Int) -> Int128 {
        var value = Int128(units)
        for _ in scale..<target { value *= 10 }
        return value
    }

    public func hash(into hasher: inout Hasher) {
        let canonical = trimmed
        hasher.combine(canonical.units)
        hasher.combine(canonical.scale)
    }

    /// Sum, or nil on overflow.
    public func adding(_ other: ExactDecimal) -> ExactDecimal? {
        let scale = max(self.scale, other.scale)
        guard let l = rescaled(to: scale), let r = other.rescaled(to: scale) else { return nil }
        let (sum, overflow) = l.units.addingReportingOverflow(r.units)
        return overflow ? nil : ExactDecimal(units: sum, scale: scale)
    }

    /// Plain notation with exactly `scale` fractional digits: "12.500", "-3", "0.050".
    public var description: String {
        let magnitude = units.magnitude
        var digits = String(magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return units < 0 ? "-" + digits : digits
    }

    /// At least `minimum` and at most the stored fractional digits: money shows as 12.50 but
    /// keeps a fourth place when it has one (12.3456).
    public func formatted(minimumScale minimum: Int) -> String {
        let shown = trimmed
        return (shown.rescaled(to: max(shown.scale, minimum)) ?? shown).description
    }
}
