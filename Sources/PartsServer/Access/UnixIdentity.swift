import Glibc

/// A peer's uid and gid with the names and groups the system knows for them.
public struct UnixIdentity: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    /// The account name, or the uid as text when the account has no passwd entry (a client
    /// started with setpriv under a bare uid, or a container's user).
    public var userName: String
    public var groupIDs: Set<UInt32>
    public var groupNames: Set<String>

    public init(uid: UInt32, gid: UInt32, pid: Int32, userName: String, groupIDs: Set<UInt32>, groupNames: Set<String>) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.userName = userName
        self.groupIDs = groupIDs
        self.groupNames = groupNames
    }

    /// Looks up names and supplementary groups. These calls may read /etc or ask NSS, so the
    /// server runs them off the cooperative pool.
    public static func lookUp(uid: UInt32, gid: UInt32, pid: Int32) -> UnixIdentity {
        let name = userName(uid)
        var groups: Set<UInt32> = [gid]
        if let name { groups.formUnion(supplementaryGroups(name, gid)) }
        let groupNames = Set(groups.compactMap(groupName))
        return UnixIdentity(uid: uid, gid: gid, pid: pid, userName: name ?? String(uid),
                            groupIDs: groups, groupNames: groupNames)
    }

    private static func userName(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else {
            return nil
        }
        return String(cString: name)
    }

    private static func groupName(_ gid: UInt32) -> String? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.gr_name else {
            return nil
        }
        return String(cString: name)
    }

    private static func supplementaryGroups(_ user: String, _ gid: UInt32) -> [UInt32] {
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, gid, &groups, &count) == -1 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(user, gid, &groups, &count) != -1 else { return [] }
        }
        return Array(groups.prefix(Int(count)))
    }
}
