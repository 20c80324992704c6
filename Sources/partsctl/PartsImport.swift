import PartsClient
import PartsDomain

/// `partsctl --import-parts FILE`: the parts master of the system a site leaves, one part a
/// row, columns named in the header in any order (those `part add` takes).
///
/// What the daemon already has is read first (`part export`): a row that says what the daemon
/// holds is counted unchanged and not sent. The others go as `part load` requests of up to
/// `batchSize` rows (and one request line's bytes), which add a part the daemon lacks and
/// change the fields of one it has where the file says otherwise: at go-live the old system's
/// file is the master, and a rerun of the same file changes nothing. An empty cell leaves a
/// field as it is (or at its default for a new part). Each request's `ref=` is the
/// fingerprint of its own text, so a retried request replays what went in.
struct PartsImport {
    static let columns = ["part_no", "description", "unit", "cost", "category", "pack", "lead_days", "supplier",
                          "warranty_return", "serialized", "fill_rate"]
    /// The request line's budget for rows: the daemon's line limit (8 KiB) less the command,
    /// its columns and its ref.
    static let lineBudget = 7_900

    let run: ImportRun
    let connection: AdminConnection
    let batchSize: Int

    func start() {
        // What the daemon holds, read first, so that a row that says the same is counted
        // unchanged and not sent: a rerun of the whole file sends nothing.
        let existing: [String: [String: String]]
        do {
            let rows = try PagedList.rows(connection, "part export") { $0["part_no"] ?? "" }
            existing = Dictionary(rows.map { ($0["part_no"] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        } catch {
            Output.error(error.text)
            run.stop(status: 2)
            return
        }
        // The file's columns in part load's order: every row sends a value for each.
        let sent = Self.columns.filter(run.file.header.contains)
        let head = "part load columns=" + sent.joined(separator: ",")
        var pending: [ImportRun.Line] = []
        var bytes = head.utf8.count
        func flush() {
            guard !pending.isEmpty else { return }
            var command = head
            for line in pending { command += line.entry }
            command += " ref=part-\(HistoryImport.fingerprint(command))"
            run.queue(.init(text: command, records: pending.map(\.record), label: "its part load", rowOutcomes: true))
            pending.removeAll(keepingCapacity: true)
            bytes = head.utf8.count
        }
        var seen: [String: Int] = [:]
        rows: while let record = run.nextRecord() {
            let file = run.file
            let partNo = file.value("part_no", in: record) ?? ""
            guard Identifier.isPartNumber(partNo) else {
                run.reject(record, column: "part_no", partNo.isEmpty ? "the part number is empty"
                           : "'\(partNo)' is not a valid part number (\(Identifier.partNumberRule))")
                continue
            }
            if let line = seen[partNo] {
                run.reject(record, column: "part_no", "\(partNo) is on line \(line) already")
                continue
            }
            seen[partNo] = record.line
            var values: [String] = []
            for column in sent.dropFirst() {
                var value = ""
                if let raw = file.value(column, in: record), !raw.isEmpty {
                    switch Self.normalized(column, raw) {
                    case .success(let normal): value = normal
                    case .failure(let problem):
                        run.reject(record, column: column, problem.text)
                        continue rows
                    }
                }
                values.append(value)
            }
            if let current = existing[partNo],
               zip(sent.dropFirst(), values).allSatisfy({ column, value in value.isEmpty || Self.same(column, value, current[column] ?? "") }) {
                run.unchanged += 1
                continue
            }
            let entry = ([partNo] + values).reduce(into: "") { $0 += " " + RequestLine.value($1) }
            if pending.count == batchSize || bytes + entry.utf8.count > Self.lineBudget { flush() }
            pending.append(ImportRun.Line(record: record, entry: entry))
            bytes += entry.utf8.count
        }
        flush()
        run.sendQueued()
    }

    struct Problem: Error { let text: String }

    /// A cell as the daemon takes it, or why it cannot be. A description's line breaks become
    /// spaces: a request is one line, and a printed receipt has one line per part.
    static func normalized(_ column: String, _ raw: String) -> Result<String, Problem> {
        switch column {
        case "description":
            let flat = raw.split(whereSeparator: \.isNewline).map { String($0).trimmingSpaces }.filter { !$0.isEmpty }.joined(separator: " ")
            guard flat.count <= 200 else { return .failure(Problem(text: "the description is longer than 200 characters")) }
            return .success(flat)
        case "unit": return .success(raw.uppercased())
        case "cost":
            do throws(NumberProblem) { _ = try ExactDecimal.cost(raw) } catch { return .failure(Problem(text: error.description)) }
            return .success(raw)
        case "pack":
            do throws(NumberProblem) { _ = try ExactDecimal.quantity(raw) } catch { return .failure(Problem(text: error.description)) }
            return .success(raw)
        case "lead_days":
            guard let days = Int(raw), (0...3650).contains(days) else {
                return .failure(Problem(text: "'\(raw)' is not a whole number of days from 0 to 3650"))
            }
            return .success(String(days))
        case "fill_rate":
            // Its range is the daemon's to check, and its refusal names it.
            guard ExactDecimal(raw) != nil else { return .failure(Problem(text: "'\(raw)' is not a fill rate such as 0.95")) }
            return .success(raw)
        case "warranty_return", "serialized":
            switch raw.lowercased() {
            case "yes", "y", "true", "1", "是": return .success("yes")
            case "no", "n", "false", "0", "否": return .success("no")
            default: return .failure(Problem(text: "'\(raw)' is not yes or no"))
            }
        default:
            guard raw.count <= 40 else { return .failure(Problem(text: "longer than 40 characters")) }
            return .success(raw)
        }
    }

    /// Whether a cell says what the daemon holds: numbers by value, the rest as text.
    static func same(_ column: String, _ given: String, _ held: String) -> Bool {
        switch column {
        case "cost", "pack", "fill_rate": return ExactDecimal(given) == ExactDecimal(held)
        default: return given == held
        }
    }
}
