import CSV
import Foundation
import Glibc

/// Rows written as RFC 4180 CSV through CSV.swift (CR LF between records, a field quoted when
/// it holds a comma, a quote or a line break), then converted to the file's encoding and
/// written whole: a half-written export must not pass for a complete one.
struct CSVOutput {
    let header: [String]
    private(set) var rows: [[String]] = []

    init(header: [String]) { self.header = header }

    mutating func append(_ row: [String]) { rows.append(row) }

    /// The CSV text of the header and the rows, ended by CR LF.
    func text() throws -> String {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream, codecType: UTF8.self, delimiter: ",", newline: .crlf)
        try writer.write(row: header)
        for row in rows { try writer.write(row: row) }
        guard let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else { return "" }
        return String(decoding: data, as: UTF8.self) + "\r\n"
    }

    /// Writes the file through a temporary one renamed over it; returns why not, or nil.
    func write(to path: String, encoding: TextEncoding) -> String? {
        let bytes: [UInt8]
        do {
            bytes = try encoding.encode(try text())
        } catch let failure as TextEncoding.Failure {
            return "cannot write \(encoding.rawValue): \(failure.text)"
        } catch {
            return "cannot write the CSV: \(error)"
        }
        let temporary = path + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "cannot create \(temporary): \(String(cString: strerror(errno)))" }
        Output.write(bytes, to: fd)
        guard close(fd) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return "cannot write \(path): \(reason)"
        }
        return nil
    }
}
