import PartsClient
import PartsDomain

/// `partsctl --import-parts FILE`: the parts master of the system a site leaves, one part a
/// row, columns named in the header in any order (those `part add` takes).
///
/// What the daemon already has is read first (`part export`). A part it lacks is sent as
/// `part add`; a part it has with the same values is "unchanged"; a part whose values differ
/// is updated with `part set` of the fields that differ, and counted "updated": at go-live the
/// old system's file is the master, and a rerun of the same file changes nothing. An empty
/// cell leaves a field as it is (or at its default for a new part).
struct PartsImport {
    static let columns = ["part_no", "description", "unit", "cost", "category", "pack", "lead_days", "supplier",
                          "warranty_return", "serialized", "fill_rate"]

    let run: ImportRun
    let connection: AdminConnection

    func start() {
        let existing: [String: [String: String]]
        do {
            let rows = try PagedList.rows(connection, "part export") { $0["part_no"] ?? "" }
            existing = Dictionary(rows.map { ($0["part_no"] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        } catch {
            Output.error(error.text)
            run.stop(status: 2)
            return
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
            var given: [String: String] = [:]
            for column in Self.columns.dropFirst() {
                guard let raw = file.value(column, in: record), !raw.isEmpty else { continue }
                switch Self.normalized(column, raw) {
                case .success(let value): given[column] = value
                case .failure(let problem):
                    run.reject(record, column: column, problem.text)
                    continue rows
                }
            }
            if let current = existing[partNo] {
                let differing = given.filter { column, value in !Self.same(column, value, current[column] ?? "") }
                if differing.isEmpty {
                    run.unchanged += 1
                    continue
                }
                let command = "part set " + RequestLine.quote(partNo) + Self.named(differing)
                run.queue(.init(text: command + Self.ref(command), records: [record], updates: true))
            } else {
                guard let description = given.removeValue(forKey: "description") else {
                    run.reject(record, column: "description", "a new part needs a description")
                    continue
                }
                let command = "part add " + RequestLine.quote(partNo) + " " + RequestLine.quote(description) + Self.named(given)
                run.queue(.init(text: command + Self.ref(command), records: [record]))
            }
        }
        run.sendQueued()
    }

    private static func ref(_ command: String) -> String { " ref=part-\(HistoryImport.fingerprint(command))" }

    /// ` key=value ...` in the columns' order, so the same row gives the same command.
    private static func named(_ fields: [String: String]) -> String {
        columns.compactMap { column in fields[column].map { " \(column)=" + RequestLine.quote($0) } }.joined()
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
