/// Why planning settings cannot be used: a value of the wrong form or range, or a set that
/// the planning maths cannot work with as a whole.
public enum PlanningSettingsError: Error, Sendable, Equatable {
    /// The settings as given (or as stored) are refused; the message names the setting.
    case invalid(String)
    /// The database's date could not be read: a bug, not the settings' fault.
    case unreadableDate(String)

    public var message: String {
        switch self {
        case .invalid(let text): text
        case .unreadableDate(let text): "unreadable date \(text)"
        }
    }
}
