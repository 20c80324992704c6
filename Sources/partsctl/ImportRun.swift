import Foundation
import PartsClient
import PartsDomain

/// What every CSV import shares: the file, where a rejected row goes, the counts, the progress
/// line and the summary.
///
/// A bad row is never skipped silently: by default it is printed with its line and column and
/// the import stops; with `--rejects FILE` it is written there (the row as it was, and why, in
/// a `reject_reason` column that the imports accept and ignore, so the fixed file imports as
/// it is) and the import goes on.
final class ImportRun {
    let file: CSVFile
    let encoding: TextEncoding
    let rejectsPath: String?
    let sender: ParallelSender
    private var rejects: CSVOutput?
    var progress = Progress()
    var added = 0, updated = 0, unchanged = 0, rejected = 0
    /// Rows of commands left unsent when the import stopped.
    private var notSent = 0

    /// A command the import will send, and the rows it carries.
    struct Command {
        var text: String
        var records: [CSVFile.Record]
        /// What a refusal is called in a rejected row's reason ("its receipt"); nil: the reply alone.
        var label: String?
        /// The reply answers each row on its own (part load): added, changed, unchanged or
        /// refused, in the rows' order.
        var rowOutcomes = false
    }

    private var commands: [Command] = []

    /// A row turned into one line of a command (`P-1:5@2.10`, `2026-01-05:3`), kept with the
    /// row so that a refusal of the command names every row it carried.
    struct Line {
        var record: CSVFile.Record
        var entry: String
    }
    /// Rows read so far.
    private(set) var rowsRead = 0
    private(set) var stopped = false
    /// The exit status so far: 1 once a row is rejected, 2 when the daemon went away.
    private(set) var status: Int32 = 0

    static let rejectColumn = "reject_reason"

    init(file: CSVFile, encoding: TextEncoding, rejectsPath: String?, sender: ParallelSender) {
        self.file = file
        self.encoding = encoding
        self.rejectsPath = rejectsPath
        self.sender = sender
        if rejectsPath != nil {
            rejects = CSVOutput(header: file.header.filter { $0 != Self.rejectColumn } + [Self.rejectColumn])
        }
    }

    /// Records a bad row; returns whether the import goes on.
    @discardableResult
    func reject(_ record: CSVFile.Record, column: String?, _ text: String) -> Bool {
        rejected += 1
        status = max(status, 1)
        let problem = CSVFile.Problem(line: record.line, column: column, text: text)
        if rejects != nil {
            let kept = zip(file.header, record.fields).filter { $0.0 != Self.rejectColumn }.map(\.1)
            rejects!.append(kept + ["line \(record.line): " + (column.map { "column \($0): " } ?? "") + text])
            return true
        }
        progress.clear()
        Output.error(problem.described(path: file.path))
        stopped = true
        return false
    }

    func queue(_ command: Command) { commands.append(command) }

    /// Sends what was queued, in file order over the sender's connections, and counts each
    /// row by its command's reply. Without --rejects the first refusal stops what is not yet
    /// sent; what was in flight is still counted, refusals and all.
    func sendQueued() {
        guard !commands.isEmpty else { return }
        let rows = commands.reduce(0) { $0 + $1.records.count }
        let count = Double(commands.count)
        let outcome = sender.send(commands.map(\.text), stopOnRefusal: rejectsPath == nil) { done in
            progress.update(rows: Int(Double(rows) * Double(done) / count), fraction: Double(done) / count)
        }
        for (command, reply) in zip(commands, outcome.replies) {
            guard let reply else {
                notSent += command.records.count
                continue
            }
            if reply.isSuccess, command.rowOutcomes {
                countRows(reply.rows, of: command.records)
                continue
            }
            if reply.isSuccess {
                added += command.records.count
                continue
            }
            let reason = command.label.map { "\($0) was refused: \(reply.message)" } ?? reply.message
            for record in command.records { reject(record, column: nil, reason) }
        }
        commands.removeAll()
        if let lost = outcome.lost { self.lost(lost) }
    }

    /// Counts each row by its own outcome; a reply that does not answer every row is the
    /// daemon's bug, and its rows are rejected rather than counted as done.
    private func countRows(_ answers: [[String: String]], of records: [CSVFile.Record]) {
        guard answers.count == records.count else {
            for record in records { reject(record, column: nil, "the daemon answered \(answers.count) rows of \(records.count)") }
            return
        }
        for (record, answer) in zip(records, answers) {
            switch answer["outcome"] {
            case "added": added += 1
            case "changed": updated += 1
            case "unchanged": unchanged += 1
            default: reject(record, column: nil, "\(answer["code"] ?? "") \(answer["message"] ?? answer["outcome"] ?? "")")
            }
        }
    }

    /// The daemon could not be reached or went away: nothing more can be sent.
    func lost(_ error: AdminClientError) {
        progress.clear()
        Output.error("\(error.description) (\(file.path), rows read: \(rowsRead); run the import again: what was posted is not posted twice)")
        status = 2
        stopped = true
    }

    /// The next row to import; a row with more or fewer fields than the header is rejected.
    func nextRecord() -> CSVFile.Record? {
        while !stopped, let record = file.next() {
            rowsRead += 1
            if let problem = file.shapeProblem(record) {
                reject(record, column: nil, problem)
                continue
            }
            return record
        }
        return nil
    }

    /// Ends the import before its end for a reason already printed.
    func stop(status: Int32) {
        self.status = max(self.status, status)
        stopped = true
    }

    /// Writes the rejects file and the summary; returns the exit status.
    func finish(what: String) -> Int32 {
        var summary = "\(file.path): \(added) \(what) added, "
        if updated > 0 { summary += "\(updated) updated, " }
        summary += "\(unchanged) unchanged, \(rejected) rejected"
        return finish(summary: summary)
    }

    func finish(summary: String) -> Int32 {
        progress.clear()
        if let rejects, let rejectsPath {
            if let problem = rejects.write(to: rejectsPath, encoding: encoding) {
                Output.error(problem)
                status = 2
            }
        }
        var summary = summary
        if let rejectsPath, rejected > 0 { summary += " (written to \(rejectsPath))" }
        if notSent > 0 { summary += ", \(notSent) not sent" }
        if stopped, status < 2 { summary += "; stopped at the first error" }
        Output.write(summary + String(format: " (%.1f s)\n", progress.elapsedSeconds))
        return status
    }
}

extension Reply {
    /// The JSON object of a reply in JSON mode, read by the store's own parser (JSONValue):
    /// through Foundation's JSONDecoder, reading the replies and the exports was three quarters
    /// of an import's CPU in partsctl.
    private var body: JSONValue? {
        guard let json else { return nil }
        return try? JSONValue.parse(json)
    }

    /// A field as a CSV cell holds it: null as empty, booleans as yes/no, numbers as written.
    private static func cell(_ value: JSONValue) -> String {
        switch value {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "yes" : "no"
        case .null, .array, .object: ""
        }
    }

    /// What a person should read: the code, the word and a refusal's message.
    var message: String {
        body?["message"]?.string.map { "\(code) \(word) \($0)" } ?? lastText
    }

    /// Whether the reply refuses the request or any row of it (a part load's).
    var refusesAny: Bool {
        guard isSuccess else { return true }
        // The JSON is read only when it could say so.
        return (json?.contains("refused") ?? false) && rows.contains { $0["outcome"] == "refused" }
    }

    /// The rows of a list reply, each field as text.
    var rows: [[String: String]] {
        (body?["rows"]?.array ?? []).map { row in
            guard case .object(let fields) = row else { return [:] }
            return fields.mapValues(Self.cell)
        }
    }
}
