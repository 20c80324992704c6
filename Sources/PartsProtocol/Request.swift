/// One request line split into words, before any command is looked up.
///
/// Grammar (protocol.md): words are separated by spaces; a double-quoted word may hold spaces,
/// with `\"` and `\\` as escapes; `key=value` is a named argument (the value may be quoted);
/// a word starting with `--` is a flag; everything else is positional.
public struct Request: Sendable, Equatable {
    public var positional: [String]
    /// Named arguments in the order given; a key may appear once.
    public var named: [(key: String, value: String)]
    public var flags: [String]
    public let line: String

    public static func == (lhs: Request, rhs: Request) -> Bool {
        lhs.positional == rhs.positional && lhs.flags == rhs.flags && lhs.line == rhs.line
            && lhs.named.map(\.key) == rhs.named.map(\.key) && lhs.named.map(\.value) == rhs.named.map(\.value)
    }

    public subscript(named key: String) -> String? {
        named.first { $0.key == key }?.value
    }

    public func has(flag: String) -> Bool { flags.contains(flag) }

    /// What makes two requests "the same command" for `ref=` retries: every word but the
    /// ref itself, with named arguments in a fixed order.
    public var fingerprint: String {
        let namedPart = named.filter { $0.key != "ref" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return (positional + namedPart + flags.sorted()).joined(separator: "\u{1F}")
    }

    /// Parses a line; an empty line or a `#` comment yields nil.
    public static func parse(_ line: String) throws(ProtocolError) -> Request? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if trimmed.isEmpty || trimmed.first == "#" { return nil }
        if let bad = line.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
            throw .badRequest("control character U+\(String(bad.value, radix: 16, uppercase: true)) in request")
        }
        var request = Request(positional: [], named: [], flags: [], line: line)
        for word in try split(line) {
            let unquoted = word.text.prefix(word.unquotedPrefix ?? word.text.count)
            if let equals = unquoted.firstIndex(of: "="), isKey(unquoted[..<equals]) {
                let key = String(unquoted[..<equals])
                guard request[named: key] == nil else { throw .badRequest("argument \(key)= given twice") }
                request.named.append((key, String(word.text[word.text.index(after: equals)...])))
            } else if word.unquotedPrefix == nil, word.text.hasPrefix("--"), word.text.count > 2 {
                request.flags.append(String(word.text.dropFirst(2)))
            } else {
                request.positional.append(word.text)
            }
        }
        return request
    }

    private struct Word {
        var text = ""
        /// How many characters came before the first quote; nil when nothing was quoted.
        /// Only that part can make a word a `key=` or a `--flag`.
        var unquotedPrefix: Int?
    }

    private static func split(_ line: String) throws(ProtocolError) -> [Word] {
        var words: [Word] = []
        var current: Word?
        var inQuotes = false
        var escaping = false
        for character in line {
            if inQuotes {
                if escaping {
                    if character != "\"" && character != "\\" { current!.text.append("\\") }
                    current!.text.append(character)
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else if character == "\"" {
                    inQuotes = false
                } else {
                    current!.text.append(character)
                }
            } else if character == " " || character == "\t" {
                if let word = current { words.append(word) }
                current = nil
            } else if character == "\"" {
                if current == nil { current = Word() }
                if current!.unquotedPrefix == nil { current!.unquotedPrefix = current!.text.count }
                inQuotes = true
            } else {
                if current == nil { current = Word() }
                current!.text.append(character)
            }
        }
        if inQuotes { throw .badRequest("unterminated quote") }
        if let word = current { words.append(word) }
        return words
    }

    private static func isKey(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

/// A request the protocol layer itself refuses.
public enum ProtocolError: Error, Equatable, Sendable {
    case badRequest(String)
}
