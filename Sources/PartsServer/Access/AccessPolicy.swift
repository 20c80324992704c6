import Glibc
import PartsDomain

/// Maps a peer's Unix identity to a role.
///
/// A grant naming the user wins over group grants, so a manager can be made a mere viewer on
/// one account; among groups the highest role counts. With no grants at all, root and the
/// user running the daemon are admin and everyone else is refused: a fresh install is usable
/// by its operator and closed to everyone else.
public struct AccessPolicy: Sendable {
    public let grants: [Grant]
    let daemonUID: UInt32

    public init(grants: [Grant], daemonUID: UInt32 = getuid()) {
        self.grants = grants
        self.daemonUID = daemonUID
    }

    public func role(for identity: UnixIdentity) -> Role? {
        if grants.isEmpty {
            return identity.uid == 0 || identity.uid == daemonUID ? .admin : nil
        }
        let personal = grants.filter { grant in
            switch grant.subject {
            case .user(let name): name == identity.userName
            case .uid(let uid): uid == identity.uid
            default: false
            }
        }
        if let role = personal.map(\.role).max() { return role }
        return grants.filter { grant in
            switch grant.subject {
            case .group(let name): identity.groupNames.contains(name)
            case .gid(let gid): identity.groupIDs.contains(gid)
            default: false
            }
        }.map(\.role).max()
    }
}
