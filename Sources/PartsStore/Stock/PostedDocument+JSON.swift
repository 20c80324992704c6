import PartsDomain

extension PostedDocument {
    /// Reads the document JSON that post_stock_document and document_json return.
    init(json: JSONValue) throws(StoreError) {
        let fields = JSONFields(json, "document")
        var lines: [Line] = []
        for line in fields.objects("lines", "document line") {
            lines.append(Line(
                lineNo: try line.int("line_no"), partNo: try line.text("part_no"), description: try line.text("description"),
                quantity: try line.decimal("quantity"), counted: try line.optionalDecimal("counted"),
                unit: try line.text("unit"), unitCost: try line.decimal("unit_cost"), value: try line.decimal("value"),
                serial: line.optionalText("serial")))
        }
        lines.sort { $0.lineNo < $1.lineNo }
        self.init(
            docNo: try fields.text("doc_no"), type: try fields.text("type"), title: try fields.text("title"),
            titleZh: try fields.text("title_zh"), date: try fields.text("date"), postedAt: try fields.text("posted_at"),
            location: try fields.text("location"), locationName: try fields.text("location_name"),
            toLocation: fields.optionalText("to_location"), toLocationName: fields.optionalText("to_location_name"),
            counterparty: fields.optionalText("counterparty"), note: fields.optionalText("note"),
            reason: fields.optionalText("reason"), clerk: try fields.text("clerk"), ref: fields.optionalText("ref"),
            lines: lines, total: try fields.decimal("total"), replayed: nil)
    }
}
