@testable import PartsPlanning
import Testing

@Suite("Exact decimal text")
struct DecimalTextTests {
    @Test(
        "rounds half away from zero on the shortest decimal, never prints an exponent",
        arguments: [
            (24.672804404272083, 3, "24.673"),
            (2.675, 2, "2.68"),  // binary 2.67499999…, but it reads 2.675
            (-2.675, 2, "-2.68"),
            (2.5, 0, "3"),
            (-2.5, 0, "-3"),
            (0.0005, 3, "0.001"),
            (0.0004999, 3, "0.000"),
            (-0.0004, 3, "0.000"),  // no negative zero
            (-0.0, 3, "0.000"),
            (0.1 + 0.2, 3, "0.300"),
            (9.9995, 3, "10.000"),
            (999.9996, 3, "1000.000"),
            (123.4565, 3, "123.457"),
            (1.5e-7, 3, "0.000"),
            (6e-4, 3, "0.001"),
            (Double.leastNonzeroMagnitude, 3, "0.000"),
            (1e20, 1, "100000000000000000000.0"),
            (1.0e16, 0, "10000000000000000"),
            (123456789.123456789, 3, "123456789.123"),
            (5.0, 0, "5"),
            (7.0, 3, "7.000"),
            (0.0, 3, "0.000"),
        ] as [(Double, Int, String)])
    func decimal(value: Double, places: Int, expected: String) {
        #expect(decimalString(value, places: places) == expected)
    }

    @Test("the largest double prints all its digits")
    func huge() {
        let text = decimalString(.greatestFiniteMagnitude, places: 0)
        #expect(text == "17976931348623157" + String(repeating: "0", count: 292))
        #expect(!text.contains("e"))
    }

    @Test("non-finite values are named, not printed as numbers")
    func nonFinite() {
        #expect(decimalString(.nan, places: 3) == "NaN")
        #expect(decimalString(.infinity, places: 3) == "Infinity")
        #expect(decimalString(-.infinity, places: 3) == "-Infinity")
    }

    @Test("quantities are published with three decimals, and rounded values read back exactly")
    func quantities() {
        #expect(quantityString(204.67280440427208) == "204.673")
        #expect(roundedDecimal(204.67280440427208) == 204.673)
        #expect(roundedDecimal(2.0005) == 2.001)
        #expect(roundedDecimal(-1.23456, places: 2) == -1.23)
    }
}

@Suite("decimal text: the fast path agrees with the exact one")
struct DecimalTextFastPathTests {
    /// Values of every size and sign, ties included, at every number of places the code uses.
    @Test func fastAndExactRoundingGiveTheSameText() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, 2.675, 1.0005, 0.0005, -0.0005, 123.4565, 999.9995, 1e12, 1e-12]
        for _ in 0..<20_000 {
            let magnitude = Double.random(in: -6...12, using: &generator)
            var value = (Double.random(in: 1..<10, using: &generator) * pow10(magnitude)).rounded(.down) / 1000
            if Bool.random(using: &generator) { value = -value }
            values.append(value)
            values.append(Double.random(in: -1000...1000, using: &generator))
        }
        for value in values {
            for places in [0, 1, 3, 4, 6] {
                let exact = shortestRoundedString(value, places: places)
                #expect(decimalString(value, places: places) == exact, "\(value) at \(places)")
                #expect(plainNumber(value, places: places) == Self.trimmed(exact), "plain \(value) at \(places)")
            }
        }
    }

    /// Trailing fractional zeros and a bare point dropped, as `plainNumber` promises.
    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return String(trimmed)
    }

    private func pow10(_ exponent: Double) -> Double {
        (0..<Int(exponent.magnitude)).reduce(1.0) { value, _ in exponent < 0 ? value / 10 : value * 10 }
    }
}
