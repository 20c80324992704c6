import PartsDomain

/// One line of the role map: a user (by name or uid) or a group (`@name` or `@gid`) and the
/// role it gets.
public struct Grant: Sendable, Equatable, CustomStringConvertible {
    public enum Subject: Sendable, Equatable {
        case user(String)
        case uid(UInt32)
        case group(String)
        case gid(UInt32)
    }

    public var subject: Subject
    public var role: Role

    public init(subject: Subject, role: Role) {
        self.subject = subject
        self.role = role
    }

    /// Parses `li=clerk`, `1001=viewer`, `@partsmgr=manager`, `@1002=clerk`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw ConfigurationProblem("grant '\(text)' must look like USER=ROLE or @GROUP=ROLE")
        }
        guard let role = Role(name: parts[1]) else {
            throw ConfigurationProblem("grant '\(text)': unknown role \(parts[1]) (viewer, clerk, manager, admin)")
        }
        var who = parts[0]
        let isGroup = who.hasPrefix("@")
        if isGroup { who.removeFirst() }
        guard !who.isEmpty else { throw ConfigurationProblem("grant '\(text)' names no group") }
        if let number = UInt32(who) {
            subject = isGroup ? .gid(number) : .uid(number)
        } else {
            subject = isGroup ? .group(who) : .user(who)
        }
        self.role = role
    }

    public var description: String {
        switch subject {
        case .user(let name): "\(name)=\(role)"
        case .uid(let uid): "\(uid)=\(role)"
        case .group(let name): "@\(name)=\(role)"
        case .gid(let gid): "@\(gid)=\(role)"
        }
    }
}
