import Foundation

/// A PostgreSQL cluster of a test's own, for tests that stop and restart the server, or that
/// need a streaming standby. Runs the server binaries as the postgres user when the tests run
/// as root, as initdb requires.
final class PrivateCluster {
    let directory: String
    let socketDirectory: String
    /// Server settings given at every start (`name=value`), on top of the test defaults.
    let settings: [String]

    init(settings: [String] = []) throws {
        directory = "/tmp/pc-" + UUID().uuidString.prefix(8)
        socketDirectory = directory + "/run"
        self.settings = settings
        try Self.makeDirectories(directory)
        try postgres("initdb", ["--no-sync", "-U", "postgres", "--auth=trust", "-D", directory + "/data"])
        try start()
    }

    /// A streaming standby of `primary`, made with pg_basebackup and started on a socket of
    /// its own; it names itself `applicationName` to the primary (for synchronous_standby_names).
    init(standbyOf primary: PrivateCluster, applicationName: String, settings: [String] = []) throws {
        directory = "/tmp/pc-" + UUID().uuidString.prefix(8)
        socketDirectory = directory + "/run"
        self.settings = settings
        try Self.makeDirectories(directory)
        try postgres("pg_basebackup", ["-D", directory + "/data", "-R", "-X", "stream", "-c", "fast",
                                       "-d", "host=\(primary.socketDirectory) user=postgres application_name=\(applicationName)"])
        try start()
    }

    deinit {
        _ = try? postgres("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    var conninfo: String { "host=\(socketDirectory) user=postgres dbname=postgres" }

    func start() throws {
        let options = (["listen_addresses=''", "unix_socket_directories=\(socketDirectory)", "fsync=off"] + settings)
            .map { "-c \($0)" }.joined(separator: " ")
        try postgres("pg_ctl", ["-D", directory + "/data", "-l", directory + "/log", "-w", "-o", options, "start"])
    }

    func stop() throws {
        try postgres("pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
    }

    /// As if the machine went away: no shutdown checkpoint, connections cut.
    func crash() throws {
        try postgres("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
    }

    /// A standby becomes a primary.
    func promote() throws {
        try postgres("pg_ctl", ["-D", directory + "/data", "-w", "promote"])
    }

    private static func makeDirectories(_ directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory + "/run", withIntermediateDirectories: true)
        if getuid() == 0 { try TestCluster.run("/bin/chown", ["-R", "postgres", directory]) }
    }

    @discardableResult
    private func postgres(_ tool: String, _ arguments: [String]) throws -> String {
        let bin = Self.binDirectory + "/" + tool
        let result = getuid() == 0
            ? try TestCluster.run("/usr/sbin/runuser", ["-u", "postgres", "--", bin] + arguments)
            : try TestCluster.run(bin, arguments)
        guard result.status == 0 else { throw TestFailure("\(tool) failed: \(result.output)") }
        return result.output
    }

    static let binDirectory: String = {
        if let output = try? TestCluster.run("/usr/bin/pg_config", ["--bindir"]).output.trimmingCharacters(in: .whitespacesAndNewlines),
           FileManager.default.fileExists(atPath: output + "/initdb") {
            return output
        }
        return "/usr/lib/postgresql/15/bin"
    }()
}
