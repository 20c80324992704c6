import PartsDomain
import PartsProtocol
import PartsStore

/// The printed tag of an old part (旧件标签): what the makers' forms ask a tag to carry, and a
/// QR code holding the tag number for the scanner at packing time. In text it fits 80
/// columns (CJK counted as two), the fields beside the code or, when the code is too wide,
/// below it; as SVG it is a label a label printer takes.
struct TagLabel {
    let claim: WarrantyClaim
    let part: OldPart

    /// The fields as label and value, in the order the tag prints them.
    var fields: [(String, String)] {
        var fields: [(String, String)] = [
            ("Claim 索赔单", claim.claimNo), ("Maker 厂家", "\(claim.oem)  \(claim.oemName)"), ("VIN 车架号", claim.vin),
            ("Mileage 里程", claim.mileage.map { "\($0) km" } ?? "-"), ("Part 配件", "\(part.partNo)  \(part.description)"),
        ]
        if let serial = part.serial { fields.append(("Serial 序列号", serial)) }
        fields += [
            ("Qty 数量", "\(part.quantity.trimmed) \(part.unit)"), ("Failure 故障", claim.failure),
            ("Repaired 维修", claim.repaired ?? "-"), ("WO 工单", claim.workOrder ?? "-"),
            ("Technician 技师", claim.technician ?? "-"),
        ]
        // The ship-by date once the part is wanted; before that, until when it may be called
        // back and how long it is kept.
        if let shipBy = part.shipBy {
            fields.append(("Due 返厂期限", "ship by \(shipBy)"))
        } else {
            fields.append(("Due 返厂期限", part.requestBy.map { "if called back by \($0)" } ?? "-"))
            fields.append(("Kept until 保存至", part.retainUntil))
        }
        return fields
    }

    var qr: QRCode? { QRCode(part.tagNo) }

    /// The tag in text, 80 columns.
    var lines: [String] {
        let width = FormLayout.width
        var lines = FormLayout.title("旧件标签 WARRANTY OLD PART", part.tagNo)
        let code = qr?.blockLines ?? []
        let codeWidth = code.first.map { DisplayWidth.of($0) } ?? 0
        let beside = width - codeWidth - 2
        if beside >= 40 {
            let text = FormLayout.labelled(fields, width: beside)
            for index in 0..<max(code.count, text.count) {
                let left = index < code.count ? code[index] : String(repeating: " ", count: codeWidth)
                lines.append(FormLayout.trimmed(left + "  " + (index < text.count ? text[index] : "")))
            }
        } else {
            lines += code
            lines += FormLayout.labelled(fields, width: width)
        }
        lines.append(FormLayout.rule("="))
        return lines
    }

    /// The tag as an SVG label in millimetres, one module a millimetre: the code on the left, the
    /// fields beside it. One element a line.
    var svg: [String] {
        let code = qr
        let side = code?.size ?? 0
        let rows = fields.count + 1
        let height = max(side, 4 + rows * 4)
        let width = side + 72
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)mm\" height=\"\(height)mm\" viewBox=\"0 0 \(width) \(height)\">",
            "<rect width=\"\(width)\" height=\"\(height)\" fill=\"#fff\"/>",
        ]
        if let code { lines.append("<path fill=\"#000\" d=\"\(code.svgPath)\"/>") }
        let x = side + 1
        lines.append("<text x=\"\(x)\" y=\"5\" font-family=\"sans-serif\" font-size=\"3.5\" font-weight=\"bold\">\(Self.escaped(part.tagNo))</text>")
        for (index, field) in fields.enumerated() {
            lines.append("<text x=\"\(x)\" y=\"\(9 + index * 4)\" font-family=\"sans-serif\" font-size=\"2.8\">"
                         + Self.escaped("\(field.0)  \(field.1)") + "</text>")
        }
        lines.append("</svg>")
        return lines
    }

    /// The tag's data, for JSON.
    var record: [Field] {
        [
            Field("tag_no", .text(part.tagNo)), Field("claim_no", .text(claim.claimNo)), Field("oem", .text(claim.oem)),
            Field("oem_name", .text(claim.oemName)), Field("vin", .text(claim.vin)),
            Field("mileage", claim.mileage.map(Value.integer) ?? .null), Field("part_no", .text(part.partNo)),
            Field("description", .text(part.description)), Field("serial", .optional(part.serial)),
            Field("quantity", .decimal(part.quantity)), Field("unit", .text(part.unit)), Field("failure", .text(claim.failure)),
            Field("repaired", .optional(claim.repaired)), Field("work_order", .optional(claim.workOrder)),
            Field("technician", .optional(claim.technician)), Field("state", .text(part.state.rawValue)),
            Field("ship_by", .optional(part.shipBy)), Field("request_by", .optional(part.requestBy)),
            Field("retain_until", .text(part.retainUntil)), Field("qr_text", .text(part.tagNo)),
        ]
    }

    private static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
