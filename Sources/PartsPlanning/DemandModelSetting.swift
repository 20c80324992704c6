/// Where intermittent and lumpy parts' lead-time demand comes from (`plan set demand_model=`).
///
/// - `analytic` (the default): a distribution fitted to the forecast, `DemandModelChoice`'s
///   rules (compound Poisson with the part's own sizes);
/// - `bootstrap`: Willemain's bootstrap of the part's own history (`DemandBootstrap`), which
///   keeps the runs of busy and quiet periods a Poisson process forgets. Smooth, erratic and
///   new parts keep their model either way: their history is too short or too regular for
///   resampling to add anything the normal or the count does not have.
public enum DemandModelSetting: String, Sendable, CaseIterable, Codable {
    case analytic
    case bootstrap
}
