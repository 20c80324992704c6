#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One complete reply of the admin socket protocol.
///
/// Every reply line starts with three digits, then `-` when more lines of the same reply
/// follow, or a space on the reply's last line. In text mode the last line is
/// `<code> <WORD> <text>`; in JSON mode a reply is exactly one line `<code> <json object>`.
public struct Reply: Sendable, Equatable, CustomStringConvertible {
    /// The three-digit code of the last line.
    public let code: Int
    /// The raw reply lines, without their line ends.
    public let lines: [String]
    /// Text mode: the second word of the last line (`OK`, `CREATED`, `CONFLICT` ...).
    /// JSON mode: the value of the object's `"error"` field, or `""` when it has none.
    public let word: String
    /// Text mode: the text after `<code> <WORD> ` on the last line (`GI-2026-000042`), or `""`.
    /// JSON mode: the value of the object's `"message"` field, or `""`.
    public let lastText: String
    /// The data lines: every line but the last, with its `NNN-` prefix stripped.
    public let body: [String]
    /// The JSON object text (the last line after `NNN `) when this is a JSON mode reply.
    public let json: String?

    /// A 2xx (or 1xx/3xx) reply.
    public var isSuccess: Bool { code < 400 }

    /// Builds a reply from its raw lines (without line ends), checking the reply grammar.
    public init(lines: [String]) throws(AdminClientError) {
        guard let last = lines.last else { throw .malformedReply(line: "", reason: "empty reply") }
        for (index, line) in lines.enumerated() {
            let isLast = index == lines.count - 1
            guard let separator = Reply.separator(of: line) else {
                throw .malformedReply(line: line, reason: "does not start with a three-digit code and '-' or ' '")
            }
            if isLast, separator == "-" {
                throw .malformedReply(line: line, reason: "the last line of a reply has '-' after the code")
            }
            if !isLast, separator != "-" {
                throw .malformedReply(line: line, reason: "a line before the last has no '-' after the code")
            }
        }
        let utf8 = Array(last.utf8)
        self.code = Int(utf8[0] - 48) * 100 + Int(utf8[1] - 48) * 10 + Int(utf8[2] - 48)
        self.lines = lines
        // Bytes, not Characters: a line whose text starts with a combining mark ("200-" + U+064B)
        // has "-" and the mark in one Character, and dropping four would drop the mark too.
        self.body = lines.dropLast().map { String(decoding: $0.utf8.dropFirst(4), as: UTF8.self) }
        let rest = utf8.count > 4 ? String(decoding: utf8[4...], as: UTF8.self) : ""
        if lines.count == 1, rest.first == "{" {
            self.json = rest
            let fields = Reply.jsonFields(rest)
            self.word = fields.error ?? ""
            self.lastText = fields.message ?? ""
        } else {
            self.json = nil
            if let space = rest.firstIndex(of: " ") {
                self.word = String(rest[..<space])
                self.lastText = String(rest[rest.index(after: space)...])
            } else {
                self.word = rest
                self.lastText = ""
            }
        }
    }

    /// The reply as it came over the wire, one line per line, without a trailing newline.
    public var description: String { lines.joined(separator: "\n") }

    /// The character after the three-digit code: `-` (more lines follow) or `" "` (last line).
    /// A line of exactly three digits counts as a last line with nothing after the code.
    /// Returns nil when the line does not follow the grammar.
    public static func separator(of line: String) -> Character? {
        var iterator = line.utf8.makeIterator()
        for _ in 0..<3 {
            guard let byte = iterator.next(), (48...57).contains(byte) else { return nil }
        }
        switch iterator.next() {
        case nil: return " "
        case UInt8(ascii: "-"): return "-"
        case UInt8(ascii: " "): return " "
        default: return nil
        }
    }

    private struct ErrorFields: Decodable {
        var error: String?
        var message: String?
    }

    private static func jsonFields(_ text: String) -> (error: String?, message: String?) {
        // Only the two string fields are read; anything else in the object is ignored.
        guard let fields = try? JSONDecoder().decode(ErrorFields.self, from: Data(text.utf8)) else {
            return (nil, nil)
        }
        return (fields.error, fields.message)
    }
}
