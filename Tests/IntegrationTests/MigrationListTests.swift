import Foundation
import PartsMigrations
import Testing

@Suite("migrations")
struct MigrationListTests {
    /// A migration or script file that is not compiled in would never be applied.
    @Test func everyFileInSQLIsCompiledIn() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sql")
        let migrations = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(BundledSQL.migrations.map(\.name).sorted() == migrations)
        for file in BundledSQL.migrations {
            #expect(try String(contentsOf: folder.appendingPathComponent(file.name), encoding: .utf8) == file.text)
        }
        let scripts = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("functions").path)
            .filter { $0.hasSuffix(".sql") }.map { "functions/" + $0 }.sorted()
        #expect(BundledSQL.scripts.map(\.name).sorted() == scripts)
        for file in BundledSQL.scripts {
            #expect(try String(contentsOf: folder.appendingPathComponent(file.name), encoding: .utf8) == file.text)
        }
    }
}
