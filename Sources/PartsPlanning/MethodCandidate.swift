/// A way of planning a part that a replay of its history can try (`PolicyReplay`): a
/// forecasting method, and for `bootstrap` the lead-time demand resampled from the part's own
/// history (`DemandBootstrap`) instead of the analytic model.
///
/// Croston's classic method is not a candidate: SBA is the same recursion without its upward
/// bias, so classic Croston could only win a replay by holding more stock than SBA.
public enum MethodCandidate: String, Sendable, CaseIterable, Codable {
    case ses, sba, tsb
    /// SBA's forecast (it sets the order quantity) with the bootstrapped lead-time demand.
    case bootstrap

    public var method: ForecastMethod {
        switch self {
        case .ses: .ses
        case .sba, .bootstrap: .sba
        case .tsb: .tsb
        }
    }

    public var demandModel: DemandModelSetting { self == .bootstrap ? .bootstrap : .analytic }

    public var displayName: String { self == .bootstrap ? "bootstrap" : method.displayName }

    /// The candidates a part of `demandClass` is replayed with. The bootstrap only for
    /// intermittent and lumpy parts: `DemandModelChoice` bootstraps no other class, so for them
    /// it would replay SBA a second time.
    public static func candidates(for demandClass: DemandClass) -> [MethodCandidate] {
        switch demandClass {
        case .intermittent, .lumpy: [.ses, .sba, .tsb, .bootstrap]
        case .smooth, .erratic, .new: [.ses, .sba, .tsb]
        case .none: []
        }
    }
}

/// Who picks a plan's forecasting method: the demand class (`MethodChoice`'s rule), a replay
/// of the part's history (`SimulatedMethodChoice`), or the caller (a replay's own re-plans).
public enum MethodSelection: Sendable, Equatable {
    /// The class rule; `note` says why a replay's choice is not used, when one could have been.
    case byClass(note: String?)
    case replay(SimulatedMethodChoice)
    case candidate(MethodCandidate)
}
