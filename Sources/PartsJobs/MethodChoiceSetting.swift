/// Who picks a part's forecasting method (`plan set method_choice=`).
///
/// - `class`: the demand class (`MethodChoice`'s rule) for every part;
/// - `simulation`: the method the last `job run method-trial` chose by replaying the part's own
///   history (`SimulatedMethodChoice`), while that choice is at most `Planner.trialDays` old;
///   the class rule for parts it could not replay, and for any part until it has run.
public enum MethodChoiceSetting: String, Sendable, CaseIterable {
    case `class`
    case simulation
}
