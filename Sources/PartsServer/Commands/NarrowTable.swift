import PartsDomain
import PartsProtocol

/// A list for people and programs at once: in JSON every column; in text only the columns
/// given a width, each cell cut to it, so that the list fits 80 columns.
struct NarrowTable {
    struct Column {
        var key: String
        var title: String?
        var alignment: Table.Alignment
        /// Text columns at most; nil: JSON only.
        var width: Int?

        init(_ key: String, _ title: String? = nil, _ alignment: Table.Alignment = .left, width: Int?) {
            self.key = key
            self.title = title
            self.alignment = alignment
            self.width = width
        }
    }

    var key = "rows"
    var columns: [Column]
    var rows: [[Value]]

    var block: Block {
        let shown = columns.indices.filter { columns[$0].width != nil }
        let table = Table(columns: shown.map { Table.Column(columns[$0].key, columns[$0].title, columns[$0].alignment) },
                          rows: rows.map { row in
                              shown.map { index in
                                  Value.text(DisplayWidth.truncate(TextRenderer.text(row[index]), to: columns[index].width!))
                              }
                          })
        return .form(TextRenderer.render(table), [Field(key, json)])
    }

    /// The rows as JSON, every column.
    var json: Value { .list(rows.map { row in .object(zip(columns, row).map { ($0.key, $1) }) }) }
}
