/// Exact decimal text for the numbers planning produces.
///
/// The maths runs in `Double` because it is statistics, but the store keeps quantities as
/// exact decimals and `plan show` prints them; both need the same fixed-point text for the same
/// number on every machine. `decimalString` is that bridge: it never prints an exponent and
/// rounds half away from zero, so the store can parse its output as an exact `numeric`.
///
/// The rounding works on the shortest decimal that reads back as `x` (what `print(x)` shows),
/// not on the binary expansion: `2.675` is stored in binary as 2.67499999…, yet a person who
/// typed 2.675 expects 2.68, and so do we. Non-finite values have no decimal form: they come
/// back as `"NaN"`, `"Infinity"` or `"-Infinity"`; planning results never hold them (callers
/// get `nil` instead where a value is undefined), so seeing one is a bug upstream.
///
/// - Parameters:
///   - x: the value.
///   - places: digits after the decimal point, 0 or more (negative is treated as 0).
/// - Returns: e.g. `decimalString(24.6728, places: 3) == "24.673"`,
///   `decimalString(-0.0004, places: 3) == "0.000"` (no negative zero),
///   `decimalString(1e20, places: 1) == "100000000000000000000.0"`.
public func decimalString(_ x: Double, places: Int) -> String {
    let places = max(0, places)
    if let units = scaledUnits(x, places: places) { return fixedPointString(units, negative: x < 0, places: places) }
    return shortestRoundedString(x, places: places)
}

/// The common case, without the text of the shortest decimal: when `x × 10^places` is
/// well inside the exact integers and its fraction is clearly away from one half, rounding
/// the binary product gives the same digits as rounding the shortest decimal. A reorder run
/// prints millions of numbers; this path is several times faster. `nil` means "decide the
/// slow way"; else |x| × 10^places, rounded.
private func scaledUnits(_ x: Double, places: Int) -> UInt64? {
    guard places <= 9, x.isFinite else { return nil }
    let scaled = (x * tenToThe[places]).magnitude
    // Below 2^40 the product is off by at most 2^-13 from the exact one, far less than the
    // margin kept from the tie.
    guard scaled < 1_099_511_627_776 else { return nil }
    let fraction = scaled - scaled.rounded(.down)
    guard abs(fraction - 0.5) > 0.001 else { return nil }
    return UInt64(scaled.rounded(.toNearestOrAwayFromZero))
}

/// `units` / 10^places as text with exactly `places` decimals, a minus for a negative number
/// that is not zero. Written straight into the string's own storage: below 16 bytes a Swift
/// string needs no allocation at all, and this runs for every number of every plan.
private func fixedPointString(_ units: UInt64, negative: Bool, places: Int) -> String {
    var digitCount = 1
    var rest = units / 10
    while rest > 0 {
        digitCount += 1
        rest /= 10
    }
    digitCount = max(digitCount, places + 1)
    let sign = negative && units > 0 ? 1 : 0
    let length = sign + digitCount + (places > 0 ? 1 : 0)
    return String(unsafeUninitializedCapacity: length) { text in
        var rest = units
        var index = length - 1
        for place in 0..<digitCount {
            if places > 0 && place == places {
                text[index] = UInt8(ascii: ".")
                index -= 1
            }
            text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
        if sign == 1 { text[0] = UInt8(ascii: "-") }
        return length
    }
}

private let tenToThe: [Double] = (0...9).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }

/// Rounds the shortest round-trip decimal of `x`: exact for ties and for any magnitude.
func shortestRoundedString(_ x: Double, places: Int) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }

    // Shortest round-trip digits of |x| and where the decimal point sits among them:
    // value = 0.d0 d1 d2 ... × 10^point.
    var (digits, point) = shortestDigits(x.magnitude)

    // Keep the digits that land at or before the last wanted decimal place.
    let keep = point + places
    if keep < digits.count {
        let roundUp = keep >= 0 && digits[keep] >= 5
        digits.removeSubrange(max(0, keep)...)
        if roundUp {
            var index = digits.count - 1
            var carry = true
            while carry && index >= 0 {
                if digits[index] == 9 {
                    digits[index] = 0
                    index -= 1
                } else {
                    digits[index] += 1
                    carry = false
                }
            }
            if carry {
                // Every kept digit was 9 (or none was kept): the number gains a leading 1.
                digits.insert(1, at: 0)
                point += 1
            }
        }
    }

    let isZero = !digits.contains { $0 != 0 }
    var text: [UInt8] = []
    text.reserveCapacity(max(point, 1) + places + 2)
    if x < 0 && !isZero { text.append(UInt8(ascii: "-")) }
    func digit(at index: Int) -> UInt8 {
        UInt8(ascii: "0") + (index >= 0 && index < digits.count ? digits[index] : 0)
    }
    // Integer part: digits before the point, without leading zeros, at least one digit.
    var wroteInteger = false
    if point > 0 {
        for index in 0..<point {
            let d = digit(at: index)
            if d == UInt8(ascii: "0") && !wroteInteger { continue }
            text.append(d)
            wroteInteger = true
        }
    }
    if !wroteInteger { text.append(UInt8(ascii: "0")) }
    if places > 0 {
        text.append(UInt8(ascii: "."))
        for place in 0..<places { text.append(digit(at: point + place)) }
    }
    return String(decoding: text, as: UTF8.self)
}

/// `x` rounded half away from zero to `places` decimals, as the `Double` nearest to the text
/// `decimalString(x, places:)`; use it where a rounded number, not text, is wanted.
/// Non-finite values are returned unchanged.
public func roundedDecimal(_ x: Double, places: Int = 3) -> Double {
    guard x.isFinite else { return x }
    return Double(decimalString(x, places: places)) ?? x
}

/// A quantity as planning publishes it: three decimals, exact text.
public func quantityString(_ x: Double) -> String {
    decimalString(x, places: 3)
}

/// Short text for explanations: at most `places` decimals, trailing zeros dropped
/// (`0.100` → `0.1`, `3.000` → `3`).
public func plainNumber(_ x: Double, places: Int = 3) -> String {
    let places = max(0, places)
    if var units = scaledUnits(x, places: places) {
        var kept = places
        while kept > 0 && units % 10 == 0 {
            units /= 10
            kept -= 1
        }
        return fixedPointString(units, negative: x < 0, places: kept)
    }
    let text = shortestRoundedString(x, places: places)
    guard text.utf8.contains(UInt8(ascii: ".")) else { return text }
    var bytes = Array(text.utf8)
    while bytes.last == UInt8(ascii: "0") { bytes.removeLast() }
    if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
}

/// Digits of the shortest round-trip decimal of a finite, non-negative `x`, and the decimal
/// exponent: value = 0.d0 d1 d2 … × 10^point. Zero comes back as ([0], 1).
private func shortestDigits(_ x: Double) -> (digits: [UInt8], point: Int) {
    // Swift prints the shortest representation that reads back exactly, either as
    // "123.45" or as "1.2345e-05" / "1e+16".
    var digits: [UInt8] = []
    digits.reserveCapacity(20)
    var integerCount = 0
    var seenPoint = false
    var exponent = 0
    var exponentSign = 1
    var inExponent = false
    for byte in x.description.utf8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            if inExponent {
                exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
            } else {
                digits.append(byte - UInt8(ascii: "0"))
                if !seenPoint { integerCount += 1 }
            }
        case UInt8(ascii: "."): seenPoint = true
        case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
        case UInt8(ascii: "-"): if inExponent { exponentSign = -1 }
        default: break
        }
    }
    var point = integerCount + exponentSign * exponent
    // Normalise: drop leading zeros (moving the point), then trailing zeros.
    var leading = 0
    while leading < digits.count - 1 && digits[leading] == 0 { leading += 1 }
    if leading > 0 {
        digits.removeFirst(leading)
        point -= leading
    }
    while digits.count > 1 && digits.last == 0 { digits.removeLast() }
    if digits == [0] { return ([0], 1) }
    return (digits, point)
}
