import PartsDomain

/// Typed named arguments, each refused with a 422 that names the argument.
extension Invocation {
    /// `key=yes|no`; nil when absent.
    func yesNo(_ key: String) throws(CommandFailure) -> Bool? {
        switch self[named: key] {
        case nil: nil
        case "yes": true
        case "no": false
        case let other?: throw .invalid("\(key) must be yes or no, got \(other)")
        }
    }

    /// An amount of money: not negative, at most 2 decimals.
    func amount(_ key: String) throws(CommandFailure) -> ExactDecimal? {
        guard let text = self[named: key] else { return nil }
        do {
            return try ExactDecimal.money(text)
        } catch {
            throw .invalid("\(key): \(error.description)")
        }
    }

    /// A whole number within `range`; `what` names it in the refusal ("a whole number of days").
    func wholeNumber(_ key: String, in range: ClosedRange<Int>, _ what: String = "a whole number") throws(CommandFailure) -> Int? {
        guard let text = self[named: key] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .invalid("\(key) must be \(what) from \(range.lowerBound) to \(range.upperBound), got \(text)")
        }
        return value
    }

    /// A named argument the command cannot do without.
    func required(_ key: String, _ usage: String) throws(CommandFailure) -> String {
        guard let value = self[named: key] else { throw .badRequest("\(key)= is missing; usage: \(usage)") }
        return value
    }
}
