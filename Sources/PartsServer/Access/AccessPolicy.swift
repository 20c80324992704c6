import Glibc
import PartsDomain

/// Maps a peer's Unix identity to a role.
///
/// Root and the user running the daemon are admin: they can read the database and the
/// daemon's memory anyway, and refusing them only makes an operator's life harder. A site that
/// wants them to go through grants like everyone says so (`access.trust_root=false`).
/// Everyone else has what the grants give: a grant naming the user wins over group grants, so
/// a manager can be made a mere viewer on one account; among groups the highest role counts.
/// With no grants, a fresh install is usable by its operator and closed to everyone else.
public struct AccessPolicy: Sendable {
    public let grants: [Grant]
    let daemonUID: UInt32
    let trustRoot: Bool

    public init(grants: [Grant], trustRoot: Bool = true, daemonUID: UInt32 = getuid()) {
        self.grants = grants
        self.trustRoot = trustRoot
        self.daemonUID = daemonUID
    }

    public func role(for identity: UnixIdentity) -> Role? {
        if trustRoot, identity.uid == 0 || identity.uid == daemonUID { return .admin }
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
