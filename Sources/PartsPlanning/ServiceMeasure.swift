/// What a service target counts, and so what the reorder point is set to reach.
///
/// A parts manager's "availability" is the share of demanded units served from the shelf, the
/// fill rate; the makers' KPI (parts supplied on time) is one too. The cycle service level,
/// the chance that a replenishment cycle sees no stock-out at all, says nothing of how many
/// units were short when one happened, and lumpy parts are short of many at once: under a
/// "95 %" cycle setting they reached an 81 % fill rate (issue 15). Fill rate is the
/// default; cycle service stays for sites that plan by it.
public enum ServiceMeasure: String, Sendable, CaseIterable, Codable {
    /// Unit fill rate: 1 − expected units short per cycle / expected demand per cycle.
    case fill
    /// Cycle service level: P(lead-time demand ≤ reorder point).
    case cycle

    /// The measure's name as `plan show` prints it.
    public var displayName: String {
        switch self {
        case .fill: "fill rate"
        case .cycle: "cycle service level"
        }
    }
}
