import PartsDomain
import Testing

@Suite("exact decimals")
struct ExactDecimalTests {
    @Test(arguments: [("12.500", 12500, 3), ("-3", -3, 0), ("0.05", 5, 2), (".5", 5, 1), ("+7", 7, 0), ("007.10", 710, 2)])
    func parses(text: String, units: Int64, scale: Int) {
        let value = ExactDecimal(text)
        #expect(value?.units == units)
        #expect(value?.scale == scale)
    }

    @Test(arguments: ["", "-", ".", "1.", "1e3", "1,000", " 2", "2 ", "0x10", "1.2.3", "١٢", "99999999999999999999", "1.0000000001"])
    func refuses(text: String) {
        #expect(ExactDecimal(text) == nil)
    }

    @Test func printsPlainNotation() {
        #expect(ExactDecimal("0.050")!.description == "0.050")
        #expect(ExactDecimal("-0.5")!.description == "-0.5")
        #expect(ExactDecimal("12.500")!.trimmed.description == "12.5")
        #expect(ExactDecimal("3.000")!.trimmed.description == "3")
        #expect(ExactDecimal("12.5")!.formatted(minimumScale: 2) == "12.50")
        #expect(ExactDecimal("12.3456")!.formatted(minimumScale: 2) == "12.3456")
    }

    /// 10 of 61.429 over 40 steps is 6.51: 7; a half step rounds up; beyond the whole, all.
    @Test func stepsOfAWholeRoundHalfUpAndStayInRange() {
        #expect(ExactDecimal("10.000")!.steps(40, of: ExactDecimal("61.429")!) == 7)
        #expect(ExactDecimal("1")!.steps(8, of: ExactDecimal("16")!) == 1)
        #expect(ExactDecimal("0.99")!.steps(8, of: ExactDecimal("16")!) == 0)
        #expect(ExactDecimal("3")!.steps(10, of: ExactDecimal("2.5")!) == 10)
        #expect(ExactDecimal("-1")!.steps(10, of: ExactDecimal("2.5")!) == 0)
        #expect(ExactDecimal("1")!.steps(10, of: .zero) == 0)
        #expect(ExactDecimal(units: .max, scale: 0).steps(1000, of: ExactDecimal(units: .max, scale: 0)) == 1000)
        #expect(ExactDecimal(units: 1, scale: 9).steps(1000, of: ExactDecimal(units: .max, scale: 0)) == 0)
    }

    @Test func comparesAcrossScalesWithoutOverflow() {
        #expect(ExactDecimal("2.50")! == ExactDecimal("2.5")!)
        #expect(ExactDecimal("2.499")! < ExactDecimal("2.5")!)
        #expect(ExactDecimal(units: .max, scale: 0) > ExactDecimal(units: .max, scale: 9))
        #expect(Set([ExactDecimal("1.10")!, ExactDecimal("1.1")!]).count == 1)
    }

    @Test func roundsHalfAwayFromZero() {
        #expect(ExactDecimal("2.675")!.rounded(to: 2).description == "2.68")
        #expect(ExactDecimal("-2.675")!.rounded(to: 2).description == "-2.68")
        #expect(ExactDecimal("2.674")!.rounded(to: 2).description == "2.67")
    }

    @Test func addsAndReportsOverflow() {
        #expect(ExactDecimal("1.25")!.adding(ExactDecimal("0.005")!)?.description == "1.255")
        #expect(ExactDecimal(units: .max, scale: 0).adding(ExactDecimal(units: 1, scale: 0)) == nil)
    }
}

@Suite("quantity rules")
struct QuantityRuleTests {
    @Test func acceptsWhatAClerkMeans() throws {
        #expect(try ExactDecimal.quantity("2").description == "2")
        #expect(try ExactDecimal.quantity("1.250").description == "1.25")
        #expect(try ExactDecimal.count("0").description == "0")
        #expect(try ExactDecimal.cost("12.3456").description == "12.3456")
    }

    @Test func refusesWithAReason() {
        #expect(throws: NumberProblem.notPositive("0")) { try ExactDecimal.quantity("0") }
        #expect(throws: NumberProblem.negative("-1")) { try ExactDecimal.quantity("-1") }
        #expect(throws: NumberProblem.tooManyDecimals("1.0001", allowed: 3)) { try ExactDecimal.quantity("1.0001") }
        #expect(throws: NumberProblem.tooLarge("1000000001", limit: QuantityRule.maximum)) { try ExactDecimal.quantity("1000000001") }
        #expect(throws: NumberProblem.notANumber("abc")) { try ExactDecimal.cost("abc") }
        #expect(throws: NumberProblem.tooManyDecimals("0.00001", allowed: 4)) { try ExactDecimal.cost("0.00001") }
    }

    @Test func trailingZerosDoNotCountAsDecimals() throws {
        #expect(try ExactDecimal.quantity("2.500000").description == "2.5")
    }
}

@Suite("identifiers and roles")
struct IdentifierTests {
    @Test func partNumbers() {
        #expect(Identifier.isPartNumber("P-1001"))
        #expect(Identifier.isPartNumber("04465-33450"))
        #expect(Identifier.isPartNumber("A/B.7_x"))
        #expect(!Identifier.isPartNumber("-P"))
        #expect(!Identifier.isPartNumber("P 1"))
        #expect(!Identifier.isPartNumber("刹车片"))
        #expect(!Identifier.isPartNumber(String(repeating: "A", count: 41)))
    }

    @Test func rolesAreOrdered() {
        #expect(Role.viewer < Role.clerk && Role.clerk < Role.manager && Role.manager < Role.admin)
        #expect(Role(name: "manager") == .manager)
        #expect(Role(name: "root") == nil)
    }
}
