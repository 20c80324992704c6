import PartsClient

/// `--export-parts`, `--export-stock` and `--export-count`: a paged list command's rows
/// written as a CSV file, in the columns the matching import reads, so what one system
/// exports the other imports (UTF-8, or GB18030 for a spreadsheet on a Chinese desktop).
struct Export {
    enum Kind {
        case parts, stock(location: String?), countSheet(location: String)
    }

    let kind: Kind
    let encoding: TextEncoding

    func run(path: String, connection: AdminConnection) -> Int32 {
        let columns: [String]
        let rows: [[String: String]]
        do {
            switch kind {
            case .parts:
                columns = PartsImport.columns
                rows = try PagedList.rows(connection, "part export") { $0["part_no"] ?? "" }
            case .stock(let location):
                columns = StockImport.columns
                rows = try PagedList.rows(connection, "stock export" + (location.map { " location=" + RequestLine.quote($0) } ?? "")) {
                    "\($0["location"] ?? ""):\($0["part_no"] ?? "")"
                }
            case .countSheet(let location):
                columns = CountImport.columns
                rows = try PagedList.rows(connection, "count sheet " + RequestLine.quote(location)) { $0["part_no"] ?? "" }
            }
        } catch {
            Output.error(error.text)
            return 2
        }
        var output = CSVOutput(header: columns)
        for row in rows { output.append(columns.map { row[$0] ?? "" }) }
        if let problem = output.write(to: path, encoding: encoding) {
            Output.error(problem)
            return 2
        }
        Output.write("wrote \(rows.count) rows to \(path)\n")
        return 0
    }
}
