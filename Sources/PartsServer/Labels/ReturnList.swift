import PartsDomain
import PartsProtocol
import PartsStore

/// A batch's return list (旧件回运清单) as the makers' forms have it, 80 columns: the header
/// (batch, maker, claim month, shipping mode, boxes), then two lines per old part: claim,
/// VIN, mileage, part number, amount, quantity due and returned, box; the part's name, its
/// failure code, the supplier responsible and the tag.
enum ReturnList {
    private static let first: [FormLayout.Column] = [
        .init("No", 3, right: true), .init("Claim no", 12), .init("VIN", 17), .init("Mileage", 7, right: true),
        .init("Part no", 12), .init("Amount", 10, right: true), .init("Due", 4, right: true), .init("Ret", 4, right: true),
        .init("Box", 3),
    ]
    private static let second: [FormLayout.Column] = [
        .init("", 3), .init("Part name 名称", 33), .init("Failure 故障", 12), .init("Supplier 供方", 14), .init("Tag 标签", 14),
    ]

    static func lines(_ batch: ReturnBatch) -> [String] {
        var lines = FormLayout.title("旧件回运清单 OLD PARTS RETURN LIST", batch.rbNo)
        var header: [(String, String)] = [
            ("Maker 厂家", "\(batch.oem)  \(batch.oemName)"), ("Claim month 索赔月份", batch.claimMonth ?? "-"),
            ("Mode 运输方式", batch.mode), ("Boxes 箱数", "\(batch.boxes)"), ("State 状态", batch.state.rawValue),
            ("From 发出", batch.location), ("Created 制单", "\(batch.createdBy) \(StockCommands.shortTime(batch.createdAt))"),
        ]
        if let approvedBy = batch.approvedBy {
            header.append(("Approved 审批", "\(approvedBy) \(StockCommands.shortTime(batch.approvedAt ?? ""))"))
        }
        if let shippedOn = batch.shippedOn {
            let carrier = [batch.carrier, batch.tracking].compactMap { $0 }.joined(separator: " ")
            header.append(("Shipped 发运", "\(shippedOn) \(batch.shippedBy ?? "")  \(batch.shipDocument ?? "")  \(carrier)"))
        }
        if let receivedOn = batch.receivedOn { header.append(("Received 签收", "\(receivedOn) \(batch.receivedBy ?? "")")) }
        lines += FormLayout.labelled(header)
        lines.append(FormLayout.rule("-"))
        // The box column is as wide as its numbers need; the amount gives the room up.
        let boxWidth = max(3, batch.lines.compactMap(\.box).map { String($0).count }.max() ?? 0)
        var top = first
        top[top.count - 1].width = boxWidth
        top[5].width -= boxWidth - 3
        lines.append(FormLayout.row(top.map(\.title), top))
        lines.append(FormLayout.row(second.map(\.title), second))
        lines.append(FormLayout.rule("-"))
        for (index, part) in batch.lines.enumerated() {
            lines.append(FormLayout.row([
                String(index + 1), part.claimNo, part.vin ?? "", part.mileage.map(String.init) ?? "", part.partNo,
                part.amount.formatted(minimumScale: 2), part.quantity.trimmed.description,
                (part.quantityReturned ?? .zero).trimmed.description, part.box.map(String.init) ?? "-",
            ], top))
            lines.append(FormLayout.row(["", part.description, part.failure ?? "", part.supplier ?? "-", part.tagNo], second))
        }
        lines.append(FormLayout.rule("-"))
        lines.append(FormLayout.spread("\(batch.parts) old part\(batch.parts == 1 ? "" : "s") in \(batch.boxes) box\(batch.boxes == 1 ? "" : "es")",
                                       "Total 合计  " + batch.amount.formatted(minimumScale: 2)))
        lines.append("")
        for (left, right) in [("Packed by 装箱人", "Approved by 审批人"), ("Carrier 承运人", "Received by 厂家签收")] {
            lines.append(DisplayWidth.pad(DisplayWidth.pad(left, to: 16) + " ________________", to: 42)
                         + DisplayWidth.pad(right, to: 19) + " ________________")
        }
        return lines
    }
}
