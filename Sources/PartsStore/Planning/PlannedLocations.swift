/// The locations whose stock is bought, sold and issued: warehouses and branches. Planning and
/// the turnover and dead-stock reports cover these when no location is named. Stock in
/// transit, in quarantine, at repair, in rotation or among old parts is on its way or waiting
/// for a decision: never reordered for and never dead for want of demand.
enum PlannedLocations {
    /// SQL true for a planned location; `alias` is the `location` row's alias in the query.
    static func predicate(_ alias: String = "location") -> String {
        "\(alias).kind IN ('warehouse', 'branch')"
    }
}
