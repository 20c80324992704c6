import Foundation
import PartsClient

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
    private var rejects: CSVOutput?
    var progress = Progress()
    var added = 0, updated = 0, unchanged = 0, rejected = 0
    /// Rows handled, for the progress line.
    var rowsDone = 0
    private(set) var stopped = false
    /// The exit status so far: 1 once a row is rejected, 2 when the daemon went away.
    private(set) var status: Int32 = 0

    static let rejectColumn = "reject_reason"

    init(file: CSVFile, encoding: TextEncoding, rejectsPath: String?) {
        self.file = file
        self.encoding = encoding
        self.rejectsPath = rejectsPath
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

    /// The daemon could not be reached or went away: nothing more can be sent.
    func lost(_ error: AdminClientError) {
        progress.clear()
        Output.error("\(error.description) (\(file.path), rows done: \(rowsDone); run the import again: what was posted is not posted twice)")
        status = 2
        stopped = true
    }

    /// The next row to import; a row with more or fewer fields than the header is rejected.
    func nextRecord() -> CSVFile.Record? {
        while !stopped, let record = file.next() {
            rowsDone += 1
            progress.update(rows: rowsDone, fraction: file.fractionRead)
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
        if stopped, status < 2 { summary += "; stopped at the first error" }
        Output.write(summary + String(format: " (%.1f s)\n", progress.elapsedSeconds))
        return status
    }
}

extension Reply {
    /// The JSON object of a reply in JSON mode, as far as partsctl reads it: the message and
    /// the rows, each field as a CSV cell holds it.
    private struct Body: Decodable {
        var message: String?
        var rows: [[String: Cell]]?
    }

    /// A field: null as empty, booleans as yes/no (JSONDecoder keeps true and 1 apart).
    private struct Cell: Decodable {
        var text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { text = "" }
            else if let flag = try? container.decode(Bool.self) { text = flag ? "yes" : "no" }
            else if let number = try? container.decode(Int.self) { text = String(number) }
            else { text = try container.decode(String.self) }
        }
    }

    private var body: Body? {
        guard let json else { return nil }
        return try? JSONDecoder().decode(Body.self, from: Data(json.utf8))
    }

    /// What a person should read: the code, the word and a refusal's message.
    var message: String {
        body?.message.map { "\(code) \(word) \($0)" } ?? lastText
    }

    /// The rows of a list reply, each field as text.
    var rows: [[String: String]] {
        (body?.rows ?? []).map { $0.mapValues(\.text) }
    }
}
