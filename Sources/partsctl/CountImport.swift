import PartsClient
import PartsDomain

/// `partsctl --import-count FILE`: a filled-in count sheet (location, part_no, counted; the
/// sheet's description and unit columns are read past) posted as one `adjust` per location,
/// which sets each part's on hand to its count and posts the difference. A location with more
/// counted parts than `batchSize` gets an adjust per `batchSize` lines: a document has a
/// line limit, and setting a count is the same in one document or two.
///
/// The whole file is read before anything is posted, so a location's counts go together
/// wherever in the file they are; each adjust's `ref=` is its own text's fingerprint, so a
/// rerun posts nothing twice.
struct CountImport {
    static let columns = ["location", "part_no", "description", "unit", "counted"]
    static let required = ["location", "part_no", "counted"]

    let run: ImportRun
    let batchSize: Int
    let reason: String

    func start() {
        var byLocation: [String: [ImportRun.Line]] = [:]
        var seen: [String: Int] = [:]
        while let record = run.nextRecord() {
            let file = run.file
            let location = file.value("location", in: record) ?? ""
            let partNo = file.value("part_no", in: record) ?? ""
            guard Identifier.isLocationCode(location) else {
                run.reject(record, column: "location", location.isEmpty ? "the location is empty" : "'\(location)' is not a location code")
                continue
            }
            guard Identifier.isPartNumber(partNo) else {
                run.reject(record, column: "part_no", partNo.isEmpty ? "the part number is empty" : "'\(partNo)' is not a valid part number")
                continue
            }
            let text = file.value("counted", in: record) ?? ""
            guard !text.isEmpty else {
                run.reject(record, column: "counted", "not counted: write the count (0 for none found)")
                continue
            }
            let counted: ExactDecimal
            do throws(NumberProblem) { counted = try ExactDecimal.count(text) } catch {
                run.reject(record, column: "counted", error.description)
                continue
            }
            if let line = seen[location + "\u{0}" + partNo] {
                run.reject(record, column: "part_no", "\(partNo) at \(location) is on line \(line) already")
                continue
            }
            seen[location + "\u{0}" + partNo] = record.line
            byLocation[location, default: []].append(ImportRun.Line(record: record, entry: "\(partNo):\(counted)"))
        }
        guard !run.stopped else { return }  // a count is posted whole or not at all
        for location in byLocation.keys.sorted() {
            let lines = byLocation[location]!
            for start in stride(from: 0, to: lines.count, by: batchSize) {
                let batch = Array(lines[start..<min(start + batchSize, lines.count)])
                var command = "adjust " + RequestLine.quote(location)
                for line in batch { command += " " + line.entry }
                command += " reason=" + RequestLine.quote(reason)
                command += " ref=count-\(HistoryImport.fingerprint(command))"
                run.queue(.init(text: command, records: batch.map(\.record), label: "the adjust of \(location) (\(batch.count) lines)"))
            }
        }
        run.sendQueued()
    }
}
