/// Why planning refused its inputs.
///
/// A bad setting (a service level of 1.5, a negative lead time) must be refused when it is set
/// (`422`), not discovered in the middle of a nightly run; every case names the field so the
/// reply can say which one.
public enum PlanningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `field` holds `value`, which breaks `requirement` (e.g. "must be in (0, 1)").
    case invalidParameter(field: String, value: Double, requirement: String)
    /// The series was bucketed by one period and the parameters describe another.
    case periodMismatch(series: PlanningPeriod, parameters: PlanningPeriod)
    /// The plan took more work than its budget allows (see `PlanningBudget`): the part is
    /// flagged for a person instead of being waited for.
    case budgetExceeded(steps: Int)
    /// The plan ran past its deadline.
    case deadlinePassed(seconds: Double)
    /// Nobody waits for the plan any more (its client went away).
    case cancelled

    /// The offending field's name.
    public var field: String {
        switch self {
        case .invalidParameter(let field, _, _): return field
        case .periodMismatch: return "period"
        case .budgetExceeded, .deadlinePassed, .cancelled: return "budget"
        }
    }

    public var description: String {
        switch self {
        case .invalidParameter(let field, let value, let requirement):
            let shown = value.isFinite ? plainNumber(value, places: 6) : "\(value)"
            return "\(field) \(requirement), got \(shown)"
        case .periodMismatch(let series, let parameters):
            return "period: the series is bucketed by \(series.rawValue) but the parameters say \(parameters.rawValue)"
        case .budgetExceeded(let steps):
            return "planning stopped after \(steps) steps: check this part's history and settings by hand"
        case .deadlinePassed(let seconds):
            return "planning stopped after \(plainNumber(seconds, places: 3)) s: check this part's history and settings by hand"
        case .cancelled:
            return "planning stopped: nobody waits for the plan any more"
        }
    }
}

/// Checks shared by the validating initialisers.
enum Check {
    /// value in (0, 1): service levels.
    static func openUnit(_ value: Double, _ field: String) throws(PlanningError) {
        guard value > 0, value < 1 else {
            throw .invalidParameter(field: field, value: value, requirement: "must be in (0, 1)")
        }
    }

    /// value in [0.5, 0.9999]: fill-rate targets. Below a half a "target" is no service at
    /// all; 1 would ask for a shelf that never runs short, an infinite reorder point.
    static func fillRate(_ value: Double, _ field: String) throws(PlanningError) {
        let range = PlanningParameters.fillRateRange
        guard range.contains(value) else {
            throw .invalidParameter(field: field, value: value,
                                    requirement: "must be in [\(plainNumber(range.lowerBound, places: 6)), \(plainNumber(range.upperBound, places: 6))]")
        }
    }

    /// value in (0, 1]: smoothing constants (1 means "only the last period counts").
    static func smoothing(_ value: Double, _ field: String) throws(PlanningError) {
        guard value > 0, value <= 1 else {
            throw .invalidParameter(field: field, value: value, requirement: "must be in (0, 1]")
        }
    }

    /// finite value ≥ 0.
    static func nonNegative(_ value: Double, _ field: String) throws(PlanningError) {
        guard value.isFinite, value >= 0 else {
            throw .invalidParameter(field: field, value: value, requirement: "must be a finite number ≥ 0")
        }
    }

    /// finite value > 0.
    static func positive(_ value: Double, _ field: String) throws(PlanningError) {
        guard value.isFinite, value > 0 else {
            throw .invalidParameter(field: field, value: value, requirement: "must be a finite number > 0")
        }
    }

    /// any finite value.
    static func finite(_ value: Double, _ field: String) throws(PlanningError) {
        guard value.isFinite else {
            throw .invalidParameter(field: field, value: value, requirement: "must be a finite number")
        }
    }

    /// integer ≥ minimum.
    static func atLeast(_ value: Int, _ minimum: Int, _ field: String) throws(PlanningError) {
        guard value >= minimum else {
            throw .invalidParameter(field: field, value: Double(value), requirement: "must be an integer ≥ \(minimum)")
        }
    }
}
