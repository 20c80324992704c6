import PartsDomain
import PartsStore

/// Parses the `<part_no>:<qty>[@<unit_cost>]` words of stock commands.
enum LineItems {
    enum Meaning {
        /// A quantity to move: must be positive.
        case movement
        /// A counted quantity: zero is a valid count.
        case count
    }

    /// How many lines a command may take is checked with its shape (Session.checkArity).
    static func parse(_ words: [String], meaning: Meaning, allowCost: Bool) throws(CommandFailure) -> [StockDocumentDraft.Line] {
        guard !words.isEmpty else { throw .badRequest("no lines: give at least one <part_no>:<qty>") }
        var lines: [StockDocumentDraft.Line] = []
        var seen: Set<String> = []
        for word in words {
            guard let colon = word.lastIndex(of: ":") else {
                throw .badRequest("'\(word)' is not <part_no>:<qty>")
            }
            let partNo = String(word[..<colon])
            var amount = word[word.index(after: colon)...]
            var costText: Substring?
            if let at = amount.firstIndex(of: "@") {
                guard allowCost else { throw .badRequest("'\(word)': a unit cost (@) is only taken on receipts") }
                costText = amount[amount.index(after: at)...]
                amount = amount[..<at]
            }
            guard Identifier.isPartNumber(partNo) else { throw .invalid("'\(partNo)' is not a valid part number") }
            guard seen.insert(partNo).inserted else {
                throw .invalid("\(partNo) appears twice; put its whole quantity on one line")
            }
            let quantity: ExactDecimal
            do {
                quantity = meaning == .count ? try ExactDecimal.count(amount) : try ExactDecimal.quantity(amount)
            } catch {
                throw CommandFailure(error)
            }
            var cost: ExactDecimal?
            if let costText {
                do { cost = try ExactDecimal.cost(costText) } catch { throw CommandFailure(error) }
            }
            lines.append(.init(partNo: partNo, quantity: quantity, unitCost: cost))
        }
        return lines
    }
}
