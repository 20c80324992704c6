/// ABC class of a part at a location: A for the few parts that carry most of the demand's
/// value, C for the many that carry little. The classes themselves are ranked in SQL
/// (`abc_ranking` in sql/functions/planning.sql), the one definition the plan and
/// `report abc` share; the maths only takes the class as given.
public enum ABCClass: String, Sendable, CaseIterable, Codable {
    case a = "A"
    case b = "B"
    case c = "C"
}
