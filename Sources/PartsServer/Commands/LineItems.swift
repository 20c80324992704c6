import PartsDomain
import PartsStore

/// Parses the `<part_no>:<qty>[@<unit_cost>]` and `<part_no>#<serial>[@<unit_cost>]` words of
/// stock commands: a quantity of a part, or one named unit of a serialised part.
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
        // A part is given either as one quantity or as units, each once.
        var counted: Set<String> = []
        var named: Set<String> = []
        for word in words {
            // Where the quantity (or the serial) starts: the cost, if any, comes after it.
            guard let mark = word.firstIndex(of: "#") ?? word.lastIndex(of: ":") else {
                throw .badRequest("'\(word)' is not <part_no>:<qty>")
            }
            let partNo = String(word[..<mark])
            var amount = word[word.index(after: mark)...]
            var costText: Substring?
            if let at = amount.firstIndex(of: "@") {
                guard allowCost else { throw .badRequest("'\(word)': a unit cost (@) is only taken on receipts") }
                costText = amount[amount.index(after: at)...]
                amount = amount[..<at]
            }
            var line: StockDocumentDraft.Line
            if word[mark] == "#" {
                let unit = try UnitName(partNo: partNo, serial: String(amount))
                guard !counted.contains(partNo), named.insert(unit.description).inserted else {
                    throw .invalid("\(unit) appears twice; a unit is on a document once, and a part as units or as one quantity")
                }
                line = .init(partNo: partNo, quantity: ExactDecimal(units: 1, scale: 0), serial: unit.serial)
            } else {
                guard Identifier.isPartNumber(partNo) else { throw .invalid("'\(partNo)' is not a valid part number") }
                guard counted.insert(partNo).inserted, !named.contains(where: { $0.hasPrefix(partNo + "#") }) else {
                    throw .invalid("\(partNo) appears twice; put its whole quantity on one line")
                }
                do {
                    line = .init(partNo: partNo,
                                 quantity: meaning == .count ? try ExactDecimal.count(amount) : try ExactDecimal.quantity(amount))
                } catch {
                    throw CommandFailure(error)
                }
            }
            if let costText {
                do { line.unitCost = try ExactDecimal.cost(costText) } catch { throw CommandFailure(error) }
            }
            lines.append(line)
        }
        return lines
    }
}
