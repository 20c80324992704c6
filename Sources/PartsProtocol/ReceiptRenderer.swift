import PartsDomain

/// The printed receipt of a posted document: 80 columns, for the clerk to print and the
/// receiver to sign. Wide (CJK) characters count as two columns so columns stay aligned.
public enum ReceiptRenderer {
    public static let width = FormLayout.width

    public static func render(_ document: PostedDocument) -> [String] {
        let isCount = document.type == "AD"
        var lines = FormLayout.title("\(document.title) \(document.titleZh)", document.docNo)

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
        lines += FormLayout.labelled(header)
        lines.append(FormLayout.rule("-"))

        // The description takes whatever the fixed columns leave of the 80.
        var columns: [FormLayout.Column] = isCount
            ? [.init("No", 3, right: true), .init("Part no", 14), .init("Description", 0), .init("Counted", 9, right: true),
               .init("Diff", 9, right: true), .init("Unit", 4), .init("Value", 11, right: true)]
            : [.init("No", 3, right: true), .init("Part no", 14), .init("Description", 0), .init("Qty", 9, right: true),
               .init("Unit", 4), .init("Unit cost", 10, right: true), .init("Value", 11, right: true)]
        columns[2].width = width - columns.reduce(0) { $0 + $1.width } - (columns.count - 1)
        func row(_ cells: [String]) -> String { FormLayout.row(cells, columns) }
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
        lines.append(FormLayout.rule("-"))
        let count = "\(document.lines.count) line\(document.lines.count == 1 ? "" : "s")"
        lines.append(FormLayout.spread(count, "Total 合计  " + document.total.formatted(minimumScale: 2)))
        if let note = document.note {
            lines.append(DisplayWidth.truncate("Note 备注  " + note, to: width))
        }
        lines.append("")
        let (left, right) = signatures(document.type)
        lines.append(FormLayout.spread("\(left) ____________________", "\(right) ____________________"))
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
        // Warranty old parts: a return batch to its maker, or the makers whose parts were destroyed.
        case "WS": "Batch 回运单"
        case "WD": "Maker 厂家"
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
        case "WS": ("Shipped by 发货人", "Carrier 承运人")
        case "WD": ("Destroyed by 销毁人", "Witness 监销人")
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
}
