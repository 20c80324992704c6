import Glibc
import PartsClient

/// `partsctl --import-history FILE`: past demand from the system a site leaves, as CSV rows
/// `part_no,location,date,quantity` (a header row is skipped), sent as `history add` commands of
/// at most `batchSize` lines for one part and location.
///
/// The file is read as a stream, so its size does not matter. Every command carries a `ref=`
/// made from its own text, so running the same import again after a failure adds nothing
/// twice. A malformed row stops the import at that row, with its line number; what was sent
/// before it stays, and the rerun after the fix replays it.
struct HistoryImport {
    let batchSize: Int
    let printer: ReplyPrinter

    struct Row: Equatable {
        var partNo: String
        var location: String
        var entry: String
    }

    /// Sends the file; returns the exit status (the worst reply, or 1 for a malformed row).
    func run(path: String, connection: AdminConnection) -> Int32 {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            Output.error("cannot open \(path): \(String(cString: strerror(errno)))")
            return 2
        }
        defer { close(fd) }
        var reader = FileLineReader(fd: fd)
        var lineNumber = 0
        var pending: [Row] = []
        var worst: Int32 = 0
        var sent = 0, lines = 0
        func flush() -> Bool {
            guard let first = pending.first else { return true }
            var command = "history add \(RequestLine.quote(first.location)) \(RequestLine.quote(first.partNo))"
            for row in pending { command += " " + row.entry }
            command += " ref=csv-\(Self.fingerprint(command))"
            do {
                let reply = try connection.send(command)
                sent += 1
                lines += pending.count
                if !reply.isSuccess {
                    Output.error("rows for \(first.partNo) at \(first.location) ending at line \(lineNumber):")
                    printer.print(reply, to: 2)
                }
                worst = max(worst, exitStatus(forCode: reply.code))
            } catch {
                Output.error("\(error.description) (at line \(lineNumber))")
                worst = 2
                return false
            }
            pending.removeAll(keepingCapacity: true)
            return true
        }
        while let bytes = reader.next() {
            lineNumber += 1
            let text = String(decoding: bytes, as: UTF8.self)
            if text.trimmingSpaces.isEmpty { continue }
            let row: Row
            switch Self.parse(text) {
            case .success(let parsed): row = parsed
            case .failure(let problem):
                if lineNumber == 1 { continue }  // a header
                Output.error("\(path):\(lineNumber): \(problem.text)")
                _ = flush()
                return max(worst, 1)
            }
            if let first = pending.first, first.partNo != row.partNo || first.location != row.location || pending.count == batchSize {
                guard flush() else { return worst }
            }
            pending.append(row)
        }
        guard flush() else { return worst }
        Output.write("imported \(lines) history lines from \(path) in \(sent) commands\n")
        return worst
    }

    struct Problem: Error { let text: String }

    /// One CSV row: four fields, double quotes around a field that holds a comma or a quote.
    static func parse(_ line: String) -> Result<Row, Problem> {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(line.hasSuffix("\r") ? String(line.dropLast()) : line)
        characters.append(",")
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && field.isEmpty {
                quoted = true
            } else if character == "," {
                fields.append(field.trimmingSpaces)
                field = ""
            } else {
                field.append(character)
            }
            index += 1
        }
        guard !quoted else { return .failure(Problem(text: "a quoted field is not closed")) }
        guard fields.count == 4 else {
            return .failure(Problem(text: "expected part_no,location,date,quantity; found \(fields.count) fields"))
        }
        let date = fields[2], quantity = fields[3]
        guard date.count == 10, date.allSatisfy({ $0.isNumber || $0 == "-" }) else {
            return .failure(Problem(text: "'\(date)' is not a date like 2026-11-22"))
        }
        guard !quantity.isEmpty, quantity.allSatisfy({ $0.isNumber || $0 == "." }) else {
            return .failure(Problem(text: "'\(quantity)' is not a quantity"))
        }
        guard !fields[0].isEmpty, !fields[1].isEmpty, !(fields[0] + fields[1]).contains(" ") else {
            return .failure(Problem(text: "part_no and location must be given, without spaces"))
        }
        return .success(Row(partNo: fields[0], location: fields[1], entry: "\(date):\(quantity)"))
    }

    /// 64-bit FNV-1a of the command, in hex: the same batch gets the same ref on every run.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
