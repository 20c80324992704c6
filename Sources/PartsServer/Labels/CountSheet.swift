import PartsDomain
import PartsProtocol
import PartsStore

/// A location's count sheet (盘点表) as a clerk carries it round the shelves, 80 columns: each
/// part with its unit and a blank to write the count in. The book quantity is left off on
/// purpose: a count that can copy it is not a count.
enum CountSheet {
    private static let columns: [FormLayout.Column] = [
        .init("No", 4, right: true), .init("Part no 编号", 20), .init("Description 名称", 32), .init("Unit", 4),
        .init("Counted 实盘", 15),
    ]

    static func lines(location: String, rows: [StockRow], firstNumber: Int) -> [String] {
        var lines = FormLayout.title("盘点表 COUNT SHEET", location)
        lines.append(FormLayout.row(columns.map(\.title), columns))
        lines.append(FormLayout.rule("-"))
        for (index, row) in rows.enumerated() {
            lines.append(FormLayout.row([String(firstNumber + index), row.partNo, row.description, row.unit, "_______________"], columns))
        }
        lines.append(FormLayout.rule("-"))
        lines.append(DisplayWidth.pad("Counted by 盘点人 ________________", to: 42) + "Checked by 复核人 ________________")
        return lines
    }
}
