import PartsDomain

/// The printed receipt of a posted document: 80 columns, for the clerk to print and the
/// receiver to sign. Wide (CJK) characters count as two columns so columns stay aligned.
public enum ReceiptRenderer {
    public static let width = 80

    private struct Column {
        let title: String
        let width: Int
        let right: Bool
    }

    public static func render(_ document: PostedDocument) -> [String] {
        let isCount = document.type == "AD"
        var lines: [String] = []
        let heading = "\(document.title) \(document.titleZh)"
        lines.append(spread(heading, document.docNo))
        lines.append(String(repeating: "=", count: width))

        var header: [(String, String)] = [("Date 日期", dateTime(document.postedAt)), ("Clerk 经办", document.clerk)]
        header.append((fromLabel(document.type), "\(document.location)  \(document.locationName)"))
        if let to = document.toLocation {
            header.append(("To 调入", "\(to)  \(document.toLocationName ?? "")"))
        }
        if let counterparty = document.counterparty {
            header.append((counterpartyLabel(document.type, counterparty), counterparty))
        }
        if let reason = document.reason { header.append(("Reason 原因", reason)) }
        if let ref = document.ref { header.append(("Ref 参考", ref)) }
        let labelWidth = header.map { DisplayWidth.of($0.0) }.max() ?? 0
        for (label, value) in header {
            lines.append(DisplayWidth.truncate(DisplayWidth.pad(label, to: labelWidth) + "  " + value, to: width))
        }
        lines.append(String(repeating: "-", count: width))

        let columns: [Column] = isCount
            ? [Column(title: "No", width: 3, right: true), Column(title: "Part no", width: 14, right: false),
               Column(title: "Description", width: 0, right: false), Column(title: "Counted", width: 9, right: true),
               Column(title: "Diff", width: 9, right: true), Column(title: "Unit", width: 4, right: false),
               Column(title: "Value", width: 11, right: true)]
            : [Column(title: "No", width: 3, right: true), Column(title: "Part no", width: 14, right: false),
               Column(title: "Description", width: 0, right: false), Column(title: "Qty", width: 9, right: true),
               Column(title: "Unit", width: 4, right: false), Column(title: "Unit cost", width: 10, right: true),
               Column(title: "Value", width: 11, right: true)]
        // The description takes whatever the fixed columns leave of the 80.
        let fixed = columns.reduce(0) { $0 + $1.width } + columns.count - 1
        let descriptionWidth = width - fixed
        func row(_ cells: [String]) -> String {
            var parts: [String] = []
            for (column, cell) in zip(columns, cells) {
                let columnWidth = column.width == 0 ? descriptionWidth : column.width
                parts.append(DisplayWidth.pad(DisplayWidth.truncate(cell, to: columnWidth), to: columnWidth, right: column.right))
            }
            return TextRenderer.trimTrailingSpaces(parts.joined(separator: " "))
        }
        lines.append(row(columns.map(\.title)))
        for line in document.lines {
            if isCount {
                let diff = line.quantity.trimmed
                lines.append(row([String(line.lineNo), line.partNo, line.description,
                                  line.counted.map { $0.trimmed.description } ?? "",
                                  diff.isPositive ? "+" + diff.description : diff.description,
                                  line.unit, line.value.formatted(minimumScale: 2)]))
            } else {
                lines.append(row([String(line.lineNo), line.partNo, line.description, line.quantity.trimmed.description,
                                  line.unit, line.unitCost.formatted(minimumScale: 2), line.value.formatted(minimumScale: 2)]))
            }
            // A unit's serial on a line of its own under the part, which its column has no room for.
            if let serial = line.serial {
                lines.append(DisplayWidth.truncate("    S/N 序列号  \(serial)", to: width))
            }
        }
        lines.append(String(repeating: "-", count: width))
        let count = "\(document.lines.count) line\(document.lines.count == 1 ? "" : "s")"
        lines.append(spread(count, "Total 合计  " + document.total.formatted(minimumScale: 2)))
        if let note = document.note {
            lines.append(DisplayWidth.truncate("Note 备注  " + note, to: width))
        }
        lines.append("")
        let (left, right) = signatures(document.type)
        lines.append(spread("\(left) ____________________", "\(right) ____________________"))
        return lines
    }

    private static func fromLabel(_ type: String) -> String {
        switch type {
        case "GR", "RT", "RR", "VR", "CR": "Into 入库"
        case "AD", "SX": "At 库位"
        default: "From 发出"
        }
    }

    private static func counterpartyLabel(_ type: String, _ counterparty: String) -> String {
        switch type {
        case "GR": "From 供方"
        case "RT": "Issue 原单"
        // Scrap, return to supplier and the move into quarantine are posted for an exception,
        // which they name; any other TR with a counterparty ships or receives a transfer order.
        case "SC", "RS": "Exception 异常"
        case "TR": counterparty.hasPrefix("EX-") ? "Exception 异常" : "Order 调拨单"
        case "RV", "VD", "RR", "VR", "SX": "Repair 返修单"
        case "XO", "CR": "Exchange 周转单"
        case "CH": "Customer 客户"
        default: "For 领用"
        }
    }

    private static func signatures(_ type: String) -> (String, String) {
        switch type {
        case "GR": ("Delivered by 送货人", "Received by 收货人")
        case "GI": ("Issued by 发料人", "Received by 领料人")
        case "RT": ("Returned by 退料人", "Received by 收料人")
        case "TR": ("Shipped by 发货人", "Received by 收货人")
        case "AD": ("Counted by 盘点人", "Approved by 审核人")
        case "SC": ("Scrapped by 报废人", "Approved by 审核人")
        case "RS": ("Shipped by 发货人", "Supplier 供方签收")
        case "RV", "VD": ("Shipped by 发货人", "Vendor 返修厂签收")
        case "RR", "VR": ("Received by 收货人", "Checked by 检验人")
        case "SX": ("Recorded by 登记人", "Approved by 审核人")
        case "XO": ("Issued by 发货人", "Customer 客户签收")
        case "CR": ("Received by 收货人", "Customer 客户")
        case "CH": ("Handed over by 交付人", "Customer 客户签收")
        default: ("Issued by", "Received by")
        }
    }

    /// "2026-11-23T14:31:05.123+00:00" → "2026-11-23 14:31".
    private static func dateTime(_ iso: String) -> String {
        String(iso.prefix(16).map { $0 == "T" ? " " : $0 })
    }

    /// Left text at the left margin and right text at the right margin of one line.
    static func spread(_ left: String, _ right: String) -> String {
        let gap = max(1, width - DisplayWidth.of(left) - DisplayWidth.of(right))
        return left + String(repeating: " ", count: gap) + right
    }
}
