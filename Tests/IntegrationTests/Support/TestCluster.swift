import Foundation
import PostgresClient
import Synchronization

/// The throwaway PostgreSQL the test command started (PARTSD_TEST_DATABASE), and a migrated
/// template database that every test clones, so each test gets a database of its own.
enum TestCluster {
    /// Base libpq connection string of the test cluster's maintenance database.
    static var baseConninfo: String {
        get throws {
            guard let value = ProcessInfo.processInfo.environment["PARTSD_TEST_DATABASE"], !value.isEmpty else {
                throw TestFailure("PARTSD_TEST_DATABASE is not set: run the tests with deploy/test.sh, which starts a throwaway PostgreSQL")
            }
            return value
        }
    }

    /// The directory holding the built products (partsd, partsctl) next to the test bundle.
    static var binDirectory: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.pathComponents.count > 1, !FileManager.default.fileExists(atPath: url.appendingPathComponent("partsd").path) {
            url.deleteLastPathComponent()
        }
        return url
    }

    static func binary(_ name: String) -> String { binDirectory.appendingPathComponent(name).path }

    static func conninfo(database: String) throws -> String { try baseConninfo + " dbname=\(database)" }

    private static let templateName = "partsd_template_\(getpid())"
    private static let templateReady = Mutex(false)

    /// Creates a fresh, migrated database and returns its name.
    static func createDatabase() throws -> String {
        try templateReady.withLock { ready in
            if ready { return }
            try admin("DROP DATABASE IF EXISTS \(templateName)")
            try admin("CREATE DATABASE \(templateName)")
            let migrated = try run(binary("partsd"), ["migrate", "--database", conninfo(database: templateName), "--log-level", "warning"])
            guard migrated.status == 0 else { throw TestFailure("partsd migrate failed: \(migrated.output)") }
            ready = true
        }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try admin("CREATE DATABASE \(name) TEMPLATE \(templateName)")
        return name
    }

    static func dropDatabase(_ name: String) {
        _ = try? admin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs SQL on the maintenance database.
    @discardableResult
    static func admin(_ sql: String) throws -> QueryResult {
        let connection = try Connection(conninfo: try baseConninfo)
        return try connection.execute(sql)
    }

    /// Runs a program to completion and returns its exit status and output.
    @discardableResult
    static func run(_ path: String, _ arguments: [String], input: String? = nil,
                    environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let process = try Subprocess(path, arguments, input: input, environment: environment)
        let status = process.wait()
        defer { unlink(process.outputPath) }
        return (status, process.output)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
