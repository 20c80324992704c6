import PartsDomain
import PartsStore

/// The shapes of the words warranty commands take: claim lines, claim numbers and tags,
/// amounts, months. What they mean is the SQL functions' business.
enum WarrantyArguments {
    /// `<part_no>:<qty>[@<amount>]` or `<part_no>#<serial>[@<amount>]`, the amount per unit.
    static func claimLines(_ words: [String]) throws(CommandFailure) -> [ClaimDraft.Line] {
        var lines: [ClaimDraft.Line] = []
        var seen: Set<String> = []
        for word in words {
            var body = Substring(word)
            var amount: ExactDecimal?
            if let at = body.lastIndex(of: "@") {
                amount = try money(String(body[body.index(after: at)...]))
                body = body[..<at]
            }
            let line: ClaimDraft.Line
            if let hash = body.firstIndex(of: "#") {
                let serial = String(body[body.index(after: hash)...])
                guard Identifier.isPartNumber(serial) else { throw .invalid("'\(serial)' is not a valid serial number") }
                line = .init(partNo: String(body[..<hash]), quantity: ExactDecimal(units: 1, scale: 0), serial: serial, unitAmount: amount)
            } else if let colon = body.lastIndex(of: ":") {
                let quantity: ExactDecimal
                do { quantity = try ExactDecimal.quantity(body[body.index(after: colon)...]) } catch { throw CommandFailure(error) }
                line = .init(partNo: String(body[..<colon]), quantity: quantity, serial: nil, unitAmount: amount)
            } else {
                throw .badRequest("'\(word)' is not <part_no>:<qty> or <part_no>#<serial>")
            }
            guard Identifier.isPartNumber(line.partNo) else { throw .invalid("'\(line.partNo)' is not a valid part number") }
            guard seen.insert(line.partNo + "#" + (line.serial ?? "")).inserted else {
                throw .invalid("\(word) appears twice; put a part's whole quantity on one line, each serial once")
            }
            lines.append(line)
        }
        return lines
    }

    /// Claim numbers or tags: a tag is TG-YEAR-NUMBER, anything else a claim number.
    static func targets(_ words: [String]) throws(CommandFailure) -> [String] {
        for word in words {
            if word.hasPrefix("TG-") {
                guard PurchaseOrderCommands.isDocumentNumber(word, type: "TG") else {
                    throw .invalid("'\(word)' is not a tag number like TG-2026-000001")
                }
            } else {
                guard isClaimNumber(word) else { throw .invalid("'\(word)' is not a claim number or a tag") }
            }
        }
        return words
    }

    /// The maker's claim numbers: like part numbers (letters, digits, _ . / -, up to 40).
    static func isClaimNumber(_ text: String) -> Bool { Identifier.isPartNumber(text) && !text.hasPrefix("TG-") }

    /// An amount of money: not negative, at most 2 decimals.
    static func money(_ text: String) throws(CommandFailure) -> ExactDecimal {
        do { return try ExactDecimal.money(text) } catch { throw CommandFailure(error) }
    }

    static func money(_ invocation: Invocation, _ key: String) throws(CommandFailure) -> ExactDecimal? {
        try invocation[named: key].map(money)
    }

    /// month=YYYY-MM, as the first day of that month.
    static func month(_ invocation: Invocation) throws(CommandFailure) -> String? {
        guard let text = invocation[named: "month"] else { return nil }
        guard IsoDate.isValid(text + "-01") else { throw .invalid("month must be like 2026-11, got \(text)") }
        return text + "-01"
    }
}
