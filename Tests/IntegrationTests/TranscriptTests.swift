import Foundation
import PartsClient
import Testing

/// Replays each file in Transcripts/ against a fresh daemon: `> line` is sent, the lines
/// after it are the expected reply. In expected lines `{*}` matches any text and `{year}` the
/// current year (which requests may name too); `#` lines are comments.
@Suite("protocol transcripts")
struct TranscriptTests {
    static let files: [URL] = {
        let directory = Bundle.module.url(forResource: "Transcripts", withExtension: nil)!
        return ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "txt" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }()

    @Test(arguments: files)
    func transcript(_ file: URL) throws {
        let steps = try Self.parse(String(contentsOf: file, encoding: .utf8))
        let daemon = try TestDaemon()
        let client = try daemon.connect()
        let year = String(Calendar(identifier: .gregorian).component(.year, from: Date()))
        for step in steps {
            // A request may name what an earlier one made this year: RO-{year}-000001.
            let reply = try client.send(step.request.replacingOccurrences(of: "{year}", with: year))
            let matches = reply.lines.count == step.expected.count
                && zip(reply.lines, step.expected).allSatisfy { Self.matches($0, pattern: $1, year: year) }
            #expect(matches, "\(file.lastPathComponent): > \(step.request)\nexpected:\n\(step.expected.joined(separator: "\n"))\ngot:\n\(reply.lines.joined(separator: "\n"))")
            if !matches { return }
        }
    }

    struct Step {
        var request: String
        var expected: [String]
    }

    static func parse(_ text: String) throws -> [Step] {
        var steps: [Step] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("> ") {
                steps.append(Step(request: String(line.dropFirst(2)), expected: []))
            } else if line.hasPrefix("#") || line.isEmpty {
                continue
            } else {
                guard !steps.isEmpty else { throw TestFailure("reply line before any request: \(line)") }
                steps[steps.count - 1].expected.append(String(line))
            }
        }
        return steps
    }

    static func matches(_ line: String, pattern: String, year: String) -> Bool {
        let pieces = pattern.replacingOccurrences(of: "{year}", with: year).components(separatedBy: "{*}")
        guard pieces.count > 1 else { return line == pieces[0] }
        guard line.hasPrefix(pieces[0]), line.hasSuffix(pieces[pieces.count - 1]) else { return false }
        var rest = Substring(line.dropFirst(pieces[0].count))
        for piece in pieces.dropFirst().dropLast() {
            guard let range = rest.range(of: piece) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.count >= pieces[pieces.count - 1].count
    }
}
