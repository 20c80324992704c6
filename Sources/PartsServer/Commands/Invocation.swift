import PartsDomain
import PartsProtocol

/// A parsed request bound to its command and its peer, with typed access to the arguments.
struct Invocation: Sendable {
    let request: Request
    /// Positional words after the command's own words.
    let arguments: [String]
    let peer: Peer
    let context: CommandContext
    let limits: Limits
    /// Where a long command reports how it is getting on before its reply.
    var progress: ProgressSink = .collecting

    struct Limits: Sendable {
        var maxDocumentLines: Int
        var defaultListLimit = 50
        var maxListLimit = 1000
    }

    func argument(_ index: Int) -> String? {
        index < arguments.count ? arguments[index] : nil
    }

    subscript(named key: String) -> String? { request[named: key] }

    /// This invocation with other named arguments: one row of a request that carries many (a
    /// part load), read by the same typed accessors as a command of its own.
    func reading(named: [(key: String, value: String)]) -> Invocation {
        var request = request
        request.named = named
        return Invocation(request: request, arguments: [], peer: peer, context: context, limits: limits)
    }

    /// A `limit=` within bounds, or the default.
    func listLimit() throws(CommandFailure) -> Int {
        guard let text = self[named: "limit"] else { return limits.defaultListLimit }
        guard let value = Int(text), (1...limits.maxListLimit).contains(value) else {
            throw .invalid("limit must be a whole number from 1 to \(limits.maxListLimit), got \(text)")
        }
        return value
    }

    /// A named argument that must be one of `allowed` (a state filter, a kind): nil when absent.
    func choice(_ key: String, of allowed: [String]) throws(CommandFailure) -> String? {
        guard let value = self[named: key] else { return nil }
        guard allowed.contains(value) else { throw .invalid("\(key) must be one of \(allowed.joined(separator: ", ")), got \(value)") }
        return value
    }

    /// A date argument in ISO 8601 form (2026-11-22).
    func date(_ key: String) throws(CommandFailure) -> String? {
        guard let text = self[named: key] else { return nil }
        guard IsoDate.isValid(text) else { throw .invalid("\(key) must be a date like 2026-11-22, got \(text)") }
        return text
    }

    /// Free text such as note= or reason=, bounded so nobody stores a novel in a receipt.
    func text(_ key: String, maxLength: Int = 1000) throws(CommandFailure) -> String? {
        guard let text = self[named: key] else { return nil }
        guard !text.isEmpty else { throw .invalid("\(key)= is empty") }
        guard text.count <= maxLength else { throw .invalid("\(key) is longer than \(maxLength) characters") }
        return text
    }
}

/// Where a long command writes progress lines while it works. In text mode each one goes out
/// at once as a continued line of the reply (`202-...`); a JSON reply is exactly one line, so
/// there the command collects them into its reply instead.
struct ProgressSink: Sendable {
    /// Lines written here reach the client now.
    let streams: Bool
    let write: @Sendable (String) async -> Void

    static let collecting = ProgressSink(streams: false) { _ in }
}

enum IsoDate {
    /// YYYY-MM-DD naming a real day of the Gregorian calendar.
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...9999).contains(year), (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }
}
