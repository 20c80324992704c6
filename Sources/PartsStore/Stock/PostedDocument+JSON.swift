import PartsDomain

extension PostedDocument {
    /// Reads the document JSON that post_stock_document and document_json return.
    init(json: JSONValue) throws(StoreError) {
        func text(_ value: JSONValue?, _ key: String) throws(StoreError) -> String {
            guard let string = value?[key]?.string else { throw .bug("document JSON lacks \(key)") }
            return string
        }
        func decimal(_ value: JSONValue?, _ key: String) throws(StoreError) -> ExactDecimal {
            guard let number = ExactDecimal(try text(value, key)) else { throw .bug("document \(key) is not a decimal") }
            return number
        }
        var lines: [Line] = []
        for line in json["lines"]?.array ?? [] {
            guard let lineNo = Int(try text(line, "line_no")) else { throw .bug("document line_no is not a number") }
            lines.append(Line(
                lineNo: lineNo, partNo: try text(line, "part_no"), description: try text(line, "description"),
                quantity: try decimal(line, "quantity"), counted: line["counted"]?.string.flatMap { ExactDecimal($0) },
                unit: try text(line, "unit"), unitCost: try decimal(line, "unit_cost"), value: try decimal(line, "value"),
                serial: line["serial"]?.string))
        }
        lines.sort { $0.lineNo < $1.lineNo }
        self.init(
            docNo: try text(json, "doc_no"), type: try text(json, "type"), title: try text(json, "title"),
            titleZh: try text(json, "title_zh"), date: try text(json, "date"), postedAt: try text(json, "posted_at"),
            location: try text(json, "location"), locationName: try text(json, "location_name"),
            toLocation: json["to_location"]?.string, toLocationName: json["to_location_name"]?.string,
            counterparty: json["counterparty"]?.string, note: json["note"]?.string, reason: json["reason"]?.string,
            clerk: try text(json, "clerk"), ref: json["ref"]?.string, lines: lines, total: try decimal(json, "total"),
            replayed: nil)
    }
}
