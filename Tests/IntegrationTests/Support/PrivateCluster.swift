import Foundation

/// A PostgreSQL cluster of a test's own, for tests that stop and restart the server. Runs
/// the server binaries as the postgres user when the tests run as root, as initdb requires.
final class PrivateCluster {
    let directory: String
    let socketDirectory: String

    init() throws {
        directory = "/tmp/pc-" + UUID().uuidString.prefix(8)
        socketDirectory = directory + "/run"
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        if getuid() == 0 { try TestCluster.run("/bin/chown", ["-R", "postgres", directory]) }
        try postgres("initdb", ["--no-sync", "-U", "postgres", "--auth=trust", "-D", directory + "/data"])
        try start()
    }

    deinit {
        _ = try? postgres("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    var conninfo: String { "host=\(socketDirectory) user=postgres dbname=postgres" }

    func start() throws {
        try postgres("pg_ctl", ["-D", directory + "/data", "-l", directory + "/log", "-w", "-o",
                                "-c listen_addresses='' -c unix_socket_directories=\(socketDirectory) -c fsync=off", "start"])
    }

    func stop() throws {
        try postgres("pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
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
