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
    ///
    /// By bytes: every character the grammar names (space, tab, quote, backslash, `=`, `-`)
    /// is ASCII, one byte in UTF-8 and never part of another character, and walking the line
    /// by `Character` (grapheme breaking) was a sixteenth of the daemon's CPU on a posting.
    public static func parse(_ line: String) throws(ProtocolError) -> Request? {
        var text = line
        return try text.withUTF8 { bytes in
            Result { () throws(ProtocolError) -> Request? in
                guard let first = bytes.firstIndex(where: { $0 != space && $0 != tab }), bytes[first] != hash else { return nil }
                if let bad = bytes.first(where: { $0 < 0x20 && $0 != tab || $0 == 0x7F }) {
                    throw .badRequest("control character U+\(String(bad, radix: 16, uppercase: true)) in request")
                }
                return try words(bytes, line)
            }
        }.get()
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), hash = UInt8(ascii: "#")
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), equals = UInt8(ascii: "=")
    private static let dash = UInt8(ascii: "-")

    /// A word's bytes, unescaped, and how many came before its first quote (nil when nothing
    /// was quoted): only that part can make a word a `key=` or a `--flag`.
    private static func words(_ bytes: UnsafeBufferPointer<UInt8>, _ line: String) throws(ProtocolError) -> Request {
        var request = Request(positional: [], named: [], flags: [], line: line)
        var word: [UInt8] = []
        word.reserveCapacity(bytes.count)
        var inWord = false
        var unquoted: Int?
        var inQuotes = false
        var escaping = false
        func finish() throws(ProtocolError) {
            defer {
                word.removeAll(keepingCapacity: true)
                inWord = false
                unquoted = nil
            }
            let plain = unquoted ?? word.count
            if let at = word[..<plain].firstIndex(of: equals), isKey(word[..<at]) {
                let key = String(decoding: word[..<at], as: UTF8.self)
                guard request[named: key] == nil else { throw .badRequest("argument \(key)= given twice") }
                request.named.append((key, String(decoding: word[(at + 1)...], as: UTF8.self)))
            } else if unquoted == nil, word.count > 2, word[0] == dash, word[1] == dash {
                request.flags.append(String(decoding: word[2...], as: UTF8.self))
            } else {
                request.positional.append(String(decoding: word, as: UTF8.self))
            }
        }
        for byte in bytes {
            if inQuotes {
                if escaping {
                    if byte != quote && byte != backslash { word.append(backslash) }
                    word.append(byte)
                    escaping = false
                } else if byte == backslash {
                    escaping = true
                } else if byte == quote {
                    inQuotes = false
                } else {
                    word.append(byte)
                }
            } else if byte == space || byte == tab {
                if inWord { try finish() }
            } else if byte == quote {
                inWord = true
                if unquoted == nil { unquoted = word.count }
                inQuotes = true
            } else {
                inWord = true
                word.append(byte)
            }
        }
        if inQuotes { throw .badRequest("unterminated quote") }
        if inWord { try finish() }
        return request
    }

    private static func isKey(_ text: ArraySlice<UInt8>) -> Bool {
        guard let first = text.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return text.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_")
        }
    }
}

/// A request the protocol layer itself refuses.
public enum ProtocolError: Error, Equatable, Sendable {
    case badRequest(String)
}
