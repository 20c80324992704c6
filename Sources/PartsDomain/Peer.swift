/// Who is on the other end of a connection, from the socket's peer credentials.
public struct Peer: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    /// The user name for `uid`, or the number itself when the system has no name for it.
    public var userName: String
    public var role: Role

    public init(uid: UInt32, gid: UInt32, pid: Int32, userName: String, role: Role) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.userName = userName
        self.role = role
    }
}

/// One command that changes data, as the audit log and `ref=` retries see it.
public struct CommandContext: Sendable {
    public var peer: Peer
    /// The request line as the client sent it.
    public var command: String
    public var ref: String?
    /// Every word but the ref, in a canonical order: equal for a faithful retry.
    public var fingerprint: String

    public init(peer: Peer, command: String, ref: String?, fingerprint: String) {
        self.peer = peer
        self.command = command
        self.ref = ref
        self.fingerprint = fingerprint
    }
}
