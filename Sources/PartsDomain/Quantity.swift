/// Limits a quantity typed by a clerk must respect. Kept in one place because receipts,
/// issues, transfers and counts all apply the same ones.
public enum QuantityRule {
    /// The schema stores numeric(15,3).
    public static let maxScale = 3
    /// No spare part moves a billion units at once; larger numbers are typos.
    public static let maximum = ExactDecimal(units: 1_000_000_000, scale: 0)
    /// Unit costs are stored as numeric(15,4).
    public static let maxCostScale = 4
    public static let maximumCost = ExactDecimal(units: 100_000_000, scale: 0)
}

/// Why a typed number was refused, in words a clerk can act on.
public enum NumberProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case notANumber(String)
    case notPositive(String)
    case negative(String)
    case tooManyDecimals(String, allowed: Int)
    case tooLarge(String, limit: ExactDecimal)

    public var description: String {
        switch self {
        case .notANumber(let text): "'\(text)' is not a decimal number"
        case .notPositive(let text): "quantity \(text) must be greater than zero"
        case .negative(let text): "\(text) must not be negative"
        case .tooManyDecimals(let text, let allowed): "\(text) has more than \(allowed) decimal places"
        case .tooLarge(let text, let limit): "\(text) is larger than the limit \(limit)"
        }
    }
}

extension ExactDecimal {
    /// A quantity to move: positive, at most 3 decimals, below the sanity limit.
    public static func quantity(_ text: some StringProtocol) throws(NumberProblem) -> ExactDecimal {
        let value = try bounded(text, scale: QuantityRule.maxScale, limit: QuantityRule.maximum)
        guard value.isPositive else { throw .notPositive(String(text)) }
        return value
    }

    /// A counted quantity: like a quantity, but zero is a valid count.
    public static func count(_ text: some StringProtocol) throws(NumberProblem) -> ExactDecimal {
        try bounded(text, scale: QuantityRule.maxScale, limit: QuantityRule.maximum)
    }

    /// A unit cost or price: not negative, at most 4 decimals.
    public static func cost(_ text: some StringProtocol) throws(NumberProblem) -> ExactDecimal {
        try bounded(text, scale: QuantityRule.maxCostScale, limit: QuantityRule.maximumCost)
    }

    /// An amount of money (a charge, a credit, a claimed amount): not negative, at most 2
    /// decimals.
    public static func money(_ text: some StringProtocol) throws(NumberProblem) -> ExactDecimal {
        try bounded(text, scale: 2, limit: QuantityRule.maximumCost)
    }

    /// A non-negative decimal with at most `scale` places below `limit`.
    public static func bounded(_ text: some StringProtocol, scale: Int, limit: ExactDecimal) throws(NumberProblem) -> ExactDecimal {
        guard let value = ExactDecimal(text) else { throw .notANumber(String(text)) }
        guard !value.isNegative else { throw .negative(String(text)) }
        guard value.significantScale <= scale else { throw .tooManyDecimals(String(text), allowed: scale) }
        guard value <= limit else { throw .tooLarge(String(text), limit: limit) }
        return value.trimmed
    }
}
