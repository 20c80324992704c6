import CSV
import Glibc

/// A CSV file with a header row, read through CSV.swift (RFC 4180: quoted fields with commas,
/// doubled quotes and line breaks inside), after conversion to UTF-8.
///
/// The whole file is read into memory first (100,000 parts are about 10 MB): iconv and the
/// line numbers of bad bytes need it, and a go-live file is read once.
final class CSVFile {
    let path: String
    /// Column names as written, and lowercased and trimmed for lookup.
    let header: [String]
    private let index: [String: Int]
    private let reader: CSVReader
    /// The physical line the next record starts on: records may span lines.
    private var nextLine = 1

    /// A problem with the file as a whole or with one row, named by line and column.
    struct Problem: Error {
        let line: Int
        let column: String?
        let text: String

        func described(path: String) -> String {
            "\(path):" + (line > 0 ? "\(line): " : " ") + (column.map { "column \($0): " } ?? "") + text
        }
    }

    struct Record {
        /// The line the record starts on.
        let line: Int
        let fields: [String]
    }

    /// The first record when it was data, not a header.
    private var pushedBack: Record?

    /// Opens the file and reads its header; `known` are the columns this import understands
    /// (any order), `required` those it must have. With `positional`, a file whose first row
    /// names none of the known columns has no header: its columns are these, in this order.
    init(path: String, encoding: TextEncoding, known: [String], required: [String], positional: [String]? = nil) throws(Problem) {
        self.path = path
        let bytes = try Self.readAll(path)
        let text: String
        do { text = try encoding.decode(bytes) } catch { throw Problem(line: error.line, column: nil, text: error.text) }
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: false)
        } catch {
            throw Problem(line: 1, column: nil, text: "cannot read the CSV: \(error)")
        }
        guard let first = reader.next(), first != [""] else {
            throw Problem(line: 1, column: nil, text: "the file is empty: the first line must name the columns (\(known.joined(separator: ",")))")
        }
        nextLine = 1 + Self.lineCount(first)
        let names = first.map { $0.trimmingSpaces.lowercased() }
        if let positional, !names.contains(where: known.contains) {
            header = positional
            pushedBack = Record(line: 1, fields: first)
        } else {
            header = names
        }
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() {
            guard index[name] == nil else { throw Problem(line: 1, column: name, text: "the column is named twice") }
            index[name] = position
        }
        self.index = index
        let unknown = header.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
            throw Problem(line: 1, column: nil, text: "unknown column\(unknown.count == 1 ? "" : "s") \(names); known: \(known.joined(separator: ", "))")
        }
        let missing = required.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw Problem(line: 1, column: nil, text: "missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))")
        }
    }

    /// The next record that is not a blank line.
    func next() -> Record? {
        if let record = pushedBack {
            pushedBack = nil
            return record
        }
        while let fields = reader.next() {
            let line = nextLine
            nextLine += Self.lineCount(fields)
            if fields == [""] { continue }
            return Record(line: line, fields: fields)
        }
        return nil
    }

    /// Why a record cannot be read by its header's names, or nil.
    func shapeProblem(_ record: Record) -> String? {
        guard record.fields.count != header.count else { return nil }
        let hint = record.fields.contains { $0.contains("\n") } ? " (a quote that is not closed?)" : ""
        return "\(record.fields.count) fields, the header has \(header.count)\(hint)"
    }

    /// The field of a column, trimmed; nil when the file has no such column.
    func value(_ column: String, in record: Record) -> String? {
        index[column].map { record.fields[$0].trimmingSpaces }
    }

    func has(_ column: String) -> Bool { index[column] != nil }

    /// How many lines of the file a record took: one, and one more for each line break in a
    /// quoted field (CR LF counted once).
    private static func lineCount(_ fields: [String]) -> Int {
        var count = 1
        for field in fields {
            var afterCR = false
            for scalar in field.unicodeScalars {
                if scalar == "\n" { if !afterCR { count += 1 } }
                else if scalar == "\r" { count += 1 }
                afterCR = scalar == "\r"
            }
        }
        return count
    }

    private static func readAll(_ path: String) throws(Problem) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Problem(line: 0, column: nil, text: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            else if count < 0, errno == EINTR { continue }
            else if count < 0 { throw Problem(line: 0, column: nil, text: "cannot read: \(String(cString: strerror(errno)))") }
            else { return bytes }
        }
    }
}
