import PartsClient
import PartsDomain

/// `partsctl --import-history FILE`: past demand from the system a site leaves, as CSV rows
/// `part_no,location,date,quantity` (a header naming them, in any order, or none and this
/// order), sent as `history add` commands of at most `batchSize` lines for one part and
/// location.
///
/// Every command carries a `ref=` made from its own text, so running the same import again
/// after a failure adds nothing twice. A malformed row stops the import at that row, with its
/// line and column (or, with --rejects, goes there); what was read before it is sent, and the
/// rerun after the fix replays it.
struct HistoryImport {
    static let columns = ["part_no", "location", "date", "quantity"]

    let run: ImportRun
    let batchSize: Int

    func start() -> Int32 {
        var pending: [ImportRun.Line] = []
        var key: (partNo: String, location: String)?
        var commands = 0
        func flush() {
            guard let key, !pending.isEmpty else { return }
            var command = "history add \(RequestLine.quote(key.location)) \(RequestLine.quote(key.partNo))"
            for line in pending { command += " " + line.entry }
            command += " ref=csv-\(Self.fingerprint(command))"
            run.queue(.init(text: command, records: pending.map(\.record), label: "its history add"))
            commands += 1
            pending.removeAll(keepingCapacity: true)
        }
        while let record = run.nextRecord() {
            let file = run.file
            let partNo = file.value("part_no", in: record) ?? "", location = file.value("location", in: record) ?? ""
            let date = file.value("date", in: record) ?? "", quantity = file.value("quantity", in: record) ?? ""
            guard Identifier.isPartNumber(partNo) else {
                run.reject(record, column: "part_no", "'\(partNo)' is not a part number")
                continue
            }
            guard Identifier.isLocationCode(location) else {
                run.reject(record, column: "location", "'\(location)' is not a location code")
                continue
            }
            guard date.count == 10, date.allSatisfy({ $0.isNumber || $0 == "-" }) else {
                run.reject(record, column: "date", "'\(date)' is not a date like 2026-11-22")
                continue
            }
            do throws(NumberProblem) { _ = try ExactDecimal.quantity(quantity) } catch {
                run.reject(record, column: "quantity", error.description)
                continue
            }
            if let current = key, current.partNo != partNo || current.location != location || pending.count == batchSize {
                flush()
            }
            key = (partNo, location)
            pending.append(ImportRun.Line(record: record, entry: "\(date):\(quantity)"))
        }
        flush()
        run.sendQueued()
        return run.finish(summary: "imported \(run.added) history lines from \(run.file.path) in \(commands) commands")
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
