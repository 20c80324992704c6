/// Builds request lines from words, with the protocol's quoting: a word with a space, a tab,
/// a double quote or a backslash is written in double quotes, inside which `\"` and `\\`
/// escape. A named argument keeps its name bare and quotes only its value:
/// `note=left front door` becomes `note="left front door"`.
public enum RequestLine {
    /// The words joined by single spaces, each quoted when it needs it.
    public static func join(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }

    /// One word as it must be written on a request line.
    public static func quote(_ word: String) -> String {
        if word.isEmpty { return "\"\"" }
        guard needsQuotes(word) else { return word }
        if let equals = word.firstIndex(of: "="), !word.hasPrefix("-") {
            let name = word[..<equals]
            if !name.isEmpty, name.allSatisfy(isNameCharacter) {
                let value = word[word.index(after: equals)...]
                return "\(name)=\(quoted(value))"
            }
        }
        return quoted(word[...])
    }

    /// A value as a positional word, whatever it holds: quoted also when unquoted it would
    /// read as a named argument (`ratio=2`) or a flag (`--x`), and `""` when empty.
    public static func value(_ text: String) -> String {
        if needsQuotes(text) || text.isEmpty || text.contains("=") || text.hasPrefix("--") { return quoted(text[...]) }
        return text
    }

    /// True when the word has a character that only quotes can carry.
    public static func needsQuotes(_ word: String) -> Bool {
        word.unicodeScalars.contains { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "\\" }
    }

    private static func quoted(_ text: Substring) -> String {
        var result = "\""
        for character in text {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        result.append("\"")
        return result
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        switch ascii {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }
}
