import Glibc

/// Where the admin socket comes from: passed by systemd (socket activation) or bound here.
enum ListenSocket: Sendable, Equatable {
    case path(String)
    case inherited(descriptor: Int32)

    /// Takes the first socket systemd passed (LISTEN_FDS, fd 3), if it was passed to this
    /// process; else binds `path`.
    static func resolve(path: String, environment: [String: String]) -> ListenSocket {
        guard let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1,
              let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid()
        else { return .path(path) }
        // Not for our children: they must not think the socket is theirs.
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDNAMES")
        let descriptor: Int32 = 3
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        return .inherited(descriptor: descriptor)
    }
}
