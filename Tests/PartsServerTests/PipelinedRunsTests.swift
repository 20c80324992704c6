@testable import PartsServer
import Testing

@Suite("pipelined lines served at once")
struct PipelinedRunsTests {
    /// "add X" is part add of X, "set X" part set of X, "ref X R" part add of X with ref R,
    /// anything else a command served alone.
    private func independence(_ line: String) -> PipelinedRuns.Independence? {
        let words = line.split(separator: " ").map(String.init)
        switch words.first {
        case "add": return .init(command: "part add", key: words[1])
        case "set": return .init(command: "part set", key: words[1])
        case "ref": return .init(command: "part add", key: words[1], ref: words[2])
        default: return nil
        }
    }

    private func runs(_ lines: [String]) -> [[String]] {
        PipelinedRuns.split(lines, independence: independence).map { Array(lines[$0]) }
    }

    @Test func distinctKeysOfOneCommandRunTogether() {
        #expect(runs(["add A", "add B", "add C"]) == [["add A", "add B", "add C"]])
        #expect(runs(["add A"]) == [["add A"]])
        #expect(runs([]) == [])
    }

    @Test func aRepeatedKeyOrRefStartsANewRun() {
        #expect(runs(["add A", "add B", "add A", "add C"]) == [["add A", "add B"], ["add A", "add C"]])
        #expect(runs(["ref A r1", "ref B r1", "ref C r2"]) == [["ref A r1"], ["ref B r1", "ref C r2"]])
    }

    @Test func anotherCommandOrAnUnbatchedLineStandsBetween() {
        #expect(runs(["add A", "set B", "set C", "show A", "add D", "add E"])
                == [["add A"], ["set B", "set C"], ["show A"], ["add D", "add E"]])
        #expect(runs(["show A", "show B"]) == [["show A"], ["show B"]])
    }

    @Test func aRunHoldsABatchAtMost() {
        let lines = (0..<70).map { "add P\($0)" }
        #expect(runs(lines).map(\.count) == [32, 32, 6])
    }
}
