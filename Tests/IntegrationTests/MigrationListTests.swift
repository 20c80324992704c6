import Foundation
import PartsMigrations
import Testing

@Suite("migrations")
struct MigrationListTests {
    /// A migration file that is not compiled in would never be applied.
    @Test func everyFileInSQLIsCompiledIn() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sql")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(BundledSQL.files.map(\.name).sorted() == files)
        for file in BundledSQL.files {
            #expect(try String(contentsOf: folder.appendingPathComponent(file.name), encoding: .utf8) == file.text)
        }
    }
}
