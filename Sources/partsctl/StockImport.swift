import PartsClient
import PartsDomain

/// `partsctl --import-stock FILE`: opening balances (location, part_no, quantity and, when
/// given, unit_cost), posted as goods receipts with the note "opening balance", at most
/// `batchSize` lines a receipt, one location a receipt.
///
/// Each receipt's `ref=` is the fingerprint of its own text, which the file and the batch
/// decide: a rerun after a failure replays what was posted instead of posting it again. And
/// an opening balance is posted once: a part that the location already holds is "unchanged"
/// when the quantity is the file's, and rejected when it is not (a count corrects stock, with
/// adjust), so even a rerun of an edited file cannot post a balance twice.
///
/// A serialised part comes in unit by unit: a row per unit, its `serial` column filled and
/// its quantity 1, received as `<part_no>#<serial>`; the daemon refuses a serial it knows.
struct StockImport {
    /// The columns `--export-stock` writes and the import reads.
    static let columns = ["location", "part_no", "quantity", "unit_cost"]
    /// What the import reads beyond them: a unit's serial.
    static let known = columns + ["serial"]
    static let required = ["location", "part_no", "quantity"]
    private static let one = ExactDecimal(units: 1, scale: 0)

    let run: ImportRun
    let connection: AdminConnection
    let batchSize: Int

    func start() {
        let parts: [String: Bool]
        let locations: Set<String>
        var held: [String: String] = [:]
        do {
            let partRows = try PagedList.rows(connection, "part export") { $0["part_no"] ?? "" }
            parts = Dictionary(partRows.map { ($0["part_no"] ?? "", $0["serialized"] == "yes") }, uniquingKeysWith: { first, _ in first })
            let reply = try connection.send("location list")
            guard reply.isSuccess else { throw PagedList.Failure(text: "location list: \(reply.message)") }
            locations = Set(reply.rows.compactMap { $0["code"] })
            for row in try PagedList.rows(connection, "stock export", after: { "\($0["location"] ?? ""):\($0["part_no"] ?? "")" }) {
                held[Self.key(row["location"] ?? "", row["part_no"] ?? "")] = row["quantity"] ?? ""
            }
        } catch let failure as PagedList.Failure {
            Output.error(failure.text)
            run.stop(status: 2)
            return
        } catch {
            Output.error("\(error)")
            run.stop(status: 2)
            return
        }
        var pending: [String: [ImportRun.Line]] = [:]
        var seen: [String: Int] = [:]
        func flush(_ location: String) {
            guard let lines = pending.removeValue(forKey: location), !lines.isEmpty else { return }
            var command = "receive " + RequestLine.quote(location)
            for line in lines { command += " " + line.entry }
            command += " note=\"opening balance\""
            command += " ref=open-\(HistoryImport.fingerprint(command))"
            run.queue(.init(text: command, records: lines.map(\.record),
                            label: "its receipt (\(lines.count) lines from line \(lines[0].record.line))"))
        }
        func add(_ record: CSVFile.Record, _ entry: String, at location: String) {
            pending[location, default: []].append(ImportRun.Line(record: record, entry: entry))
            if pending[location]!.count >= batchSize { flush(location) }
        }
        while let record = run.nextRecord() {
            let file = run.file
            let location = file.value("location", in: record) ?? ""
            let partNo = file.value("part_no", in: record) ?? ""
            guard locations.contains(location) else {
                run.reject(record, column: "location", location.isEmpty ? "the location is empty" : "unknown location \(location)")
                continue
            }
            guard let serialized = parts[partNo] else {
                run.reject(record, column: "part_no", partNo.isEmpty ? "the part number is empty" : "unknown part \(partNo) (import the parts first)")
                continue
            }
            let serial = file.value("serial", in: record) ?? ""
            if serialized, serial.isEmpty {
                run.reject(record, column: "serial", "\(partNo) is serialised: give each unit a row of its own with its serial")
                continue
            }
            if !serialized, !serial.isEmpty {
                run.reject(record, column: "serial", "\(partNo) is not serialised: leave its serial empty")
                continue
            }
            if serialized, !Identifier.isSerial(serial) {
                run.reject(record, column: "serial", "'\(serial)' is not a valid serial (\(Identifier.partNumberRule))")
                continue
            }
            let quantityText = file.value("quantity", in: record) ?? ""
            let quantity: ExactDecimal
            do throws(NumberProblem) { quantity = try ExactDecimal.count(quantityText) } catch {
                run.reject(record, column: "quantity", error.description)
                continue
            }
            if serialized, quantity < Self.one || quantity > Self.one {
                run.reject(record, column: "quantity", "a unit is one piece: \(partNo)#\(serial) cannot have \(quantity.trimmed)")
                continue
            }
            var entry = serialized ? "\(partNo)#\(serial)" : "\(partNo):\(quantity)"
            if let cost = file.value("unit_cost", in: record), !cost.isEmpty {
                do throws(NumberProblem) { entry += "@\(try ExactDecimal.cost(cost))" } catch {
                    run.reject(record, column: "unit_cost", error.description)
                    continue
                }
            }
            if serialized {
                // A unit is one place: its serial once in the file, and the daemon refuses
                // one it already knows, wherever it is.
                let unit = partNo + "#" + serial
                if let line = seen[unit] {
                    run.reject(record, column: "serial", "\(unit) is on line \(line) already")
                    continue
                }
                seen[unit] = record.line
                add(record, entry, at: location)
                continue
            }
            let key = Self.key(location, partNo)
            if let line = seen[key] {
                run.reject(record, column: "part_no", "\(partNo) at \(location) is on line \(line) already")
                continue
            }
            seen[key] = record.line
            if let holding = held[key] {
                if ExactDecimal(holding) == quantity {
                    run.unchanged += 1
                } else {
                    run.reject(record, column: "quantity", "\(location) already holds \(ExactDecimal(holding)?.trimmed.description ?? holding) of \(partNo); an opening balance is posted once (correct stock with adjust)")
                }
                continue
            }
            guard quantity.isPositive else {
                run.unchanged += 1  // nothing to open with
                continue
            }
            add(record, entry, at: location)
        }
        // The rows read before a stop are sent: they were good, and the rerun replays them.
        for location in pending.keys.sorted() { flush(location) }
        run.sendQueued()
    }

    private static func key(_ location: String, _ partNo: String) -> String { location + "\u{0}" + partNo }
}
