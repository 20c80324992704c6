/// What a peer may do, from least to most. Each role may do everything the roles below it may.
public enum Role: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case viewer = 1
    case clerk = 2
    case manager = 3
    case admin = 4

    public init?(name: String) {
        switch name {
        case "viewer": self = .viewer
        case "clerk": self = .clerk
        case "manager": self = .manager
        case "admin": self = .admin
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .viewer: "viewer"
        case .clerk: "clerk"
        case .manager: "manager"
        case .admin: "admin"
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}
