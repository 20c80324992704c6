/// The shapes of codes users type, checked before any SQL runs so a typo gets a clear 422
/// rather than a constraint name. The schema enforces the same patterns.
public enum Identifier {
    /// Part numbers: letters, digits and `_ . / -`, starting with a letter or digit, up to 40.
    public static func isPartNumber(_ text: String) -> Bool {
        isCode(text, maxLength: 40, extra: "_./-")
    }

    /// What a part number (and a serial, a claim number) may be, as refusals say it.
    public static let partNumberRule = "letters, digits, _ . / -, up to 40"

    /// Serial numbers of units: the same characters as part numbers, up to 40.
    public static func isSerial(_ text: String) -> Bool {
        isPartNumber(text)
    }

    /// Location codes: letters, digits and `_ . -`, up to 32.
    public static func isLocationCode(_ text: String) -> Bool {
        isCode(text, maxLength: 32, extra: "_.-")
    }

    private static func isCode(_ text: String, maxLength: Int, extra: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= maxLength,
              ("A"..."Z").contains(first) || ("a"..."z").contains(first) || ("0"..."9").contains(first)
        else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                || extra.unicodeScalars.contains(scalar)
        }
    }
}
