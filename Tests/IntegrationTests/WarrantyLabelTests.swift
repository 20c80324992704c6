import Foundation
import PartsClient
import PartsProtocol
import Testing

/// The printed tags and lists: the QR code a scanner reads back to the tag number (decoded
/// with zbar, an implementation of its own), the SVG label, and 80 columns with CJK counted
/// as two.
@Suite("warranty tags and lists")
struct WarrantyLabelTests {
    /// Modules from the text rendering: ▀ ▄ █ and space, two module rows a line.
    static func modules(fromBlocks lines: [String], width: Int) -> [[Bool]] {
        var rows: [[Bool]] = []
        for line in lines {
            let characters = Array(line.padding(toLength: width, withPad: " ", startingAt: 0).prefix(width))
            rows.append(characters.map { $0 == "█" || $0 == "▀" })
            rows.append(characters.map { $0 == "█" || $0 == "▄" })
        }
        return rows
    }

    /// Modules from the SVG path: "M<x> <y>h<n>v1h-<n>z" runs, with the quiet zone after them.
    static func modules(fromSVG svg: String) -> [[Bool]] {
        let runs = svg.matches(of: /M(\d+) (\d+)h(\d+)v1h-\d+z/).map { match in
            (x: Int(match.output.1)!, y: Int(match.output.2)!, length: Int(match.output.3)!)
        }
        let size = (runs.map { max($0.x + $0.length, $0.y + 1) }.max() ?? 0) + 4
        var rows = [[Bool]](repeating: [Bool](repeating: false, count: size), count: size)
        for run in runs {
            for column in run.x..<(run.x + run.length) { rows[run.y][column] = true }
        }
        return rows
    }

    /// What zbarimg reads in the modules, drawn as a PBM four pixels a module.
    static func decode(_ rows: [[Bool]]) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zbarimg") else {
            throw TestFailure("zbarimg is missing: deploy/test.sh installs zbar-tools")
        }
        let scale = 4
        var pbm = "P1\n\(rows[0].count * scale) \(rows.count * scale)\n"
        for row in rows {
            let line = row.flatMap { Array(repeating: $0 ? "1" : "0", count: scale) }.joined(separator: " ") + "\n"
            pbm += String(repeating: line, count: scale)
        }
        let path = NSTemporaryDirectory() + "qr-\(UUID().uuidString).pbm"
        try pbm.write(toFile: path, atomically: true, encoding: .ascii)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try TestCluster.run("/usr/bin/zbarimg", ["--quiet", "--nodbus", "--raw", path])
        guard result.status == 0 else { throw TestFailure("zbarimg found no code: \(result.output)") }
        // Its output and its complaints come mixed: the code is the last line.
        return result.output.split(separator: "\n").last.map(String.init) ?? ""
    }

    @Test func theTagsQRCodeDecodesToTheTagNumber() throws {
        let site = try WarrantySite()
        try site.ok("claim new SAIC C-1 P-1001:1 ECU-7#SN-12345678@1200 vin=LSVAU2180N2183456 failure=F-0231 mileage=23410")
        for tag in try site.tags("C-1") {
            let text = try site.ok("claim tag \(tag)")
            #expect(text.body.first?.hasSuffix(tag) == true)
            // The code is the left block: the field column starts two spaces after it.
            let fieldLine = try #require(text.body.first { $0.contains("Claim 索赔单") })
            let codeWidth = fieldLine.distance(from: fieldLine.startIndex, to: fieldLine.range(of: "Claim 索赔单")!.lowerBound) - 2
            let codeLines = text.body.dropFirst(2).prefix { !$0.hasPrefix("=") }.map { String($0.prefix(codeWidth)) }
            let rows = Self.modules(fromBlocks: codeLines, width: codeWidth)
            let fromText = try Self.decode(Array(rows.prefix(codeWidth)))
            #expect(fromText == tag, "\(codeLines.joined(separator: "\n"))")

            let svg = try site.ok("claim tag \(tag) --svg")
            #expect(svg.body.first == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            #expect(svg.body.last == "</svg>")
            let fromSVG = try Self.decode(Self.modules(fromSVG: svg.body.joined(separator: "\n")))
            #expect(fromSVG == tag)
            try site.ok("format json")
            let json = try #require(try site.ok("claim tag \(tag) --svg").json)
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            #expect(object["svg"] as? String == svg.body.joined(separator: "\n"))
            try site.ok("format text")
        }
    }

    /// partsctl --body writes just the data lines: the SVG file a label printer takes.
    @Test func partsctlBodyWritesTheLabelToAFile() throws {
        let site = try WarrantySite()
        try site.ok("claim new SAIC C-1 P-1001:1 vin=V1 failure=F1")
        let tag = try site.tags("C-1")[0]
        let written = try TestCluster.run(TestCluster.binary("partsctl"),
                                          ["--socket", site.daemon.socketPath, "--body", "claim", "tag", tag, "--svg"])
        #expect(written.status == 0)
        #expect(written.output.hasPrefix("<?xml") && written.output.hasSuffix("</svg>\n"), "\(written.output)")
        #expect(!written.output.split(separator: "\n").contains { $0.hasPrefix("200") }, "\(written.output)")
        let refused = try TestCluster.run(TestCluster.binary("partsctl"),
                                          ["--socket", site.daemon.socketPath, "--body", "claim", "tag", "TG-2026-999999"])
        #expect(refused.status == 1)
        #expect(refused.output.contains("404 NOT_FOUND unknown tag TG-2026-999999"), "\(refused.output)")
    }

    /// Tags, the return list and every warranty list stay within 80 columns, CJK counted as
    /// two, with long Chinese names, long numbers and large amounts.
    @Test func tagsAndListsFitEightyColumns() throws {
        let site = try WarrantySite(rules: "request_days=30")
        try site.ok("part add LONG-PART-NUMBER-1234567890 \"后轮毂轴承总成（带ABS传感器）rear wheel hub bearing assembly with ABS sensor\" supplier=长城汽车零部件有限公司")
        try site.ok("oem add BYD-AUTO-LONG-CODE \"比亚迪汽车工业有限公司 BYD Auto Industry Company Limited\" return=all cycle=weekly")
        let claim = "CLAIM-2026-LONG-NUMBER-0000000000123456"
        try site.ok("claim new SAIC \(claim) LONG-PART-NUMBER-1234567890:2@987654.32 P-1001:1 vin=LSVAU2180N2183456 "
                    + "failure=F-0231-ABCDEFGHIJ mileage=9999999 wo=WO-2026-0000123456789 technician=王师傅（钣喷车间）")
        try site.ok("claim new BYD-AUTO-LONG-CODE BYD-1 LONG-PART-NUMBER-1234567890:1 vin=V1 failure=F1 amount=12345678.90")
        let tags = try site.tags(claim)
        try site.ok("claim call \(claim)")
        let rb = try site.ok("batch new SAIC mode=courier").lastText
        try site.ok("batch box \(rb) \(tags[0]) box=1234")
        try site.ok("batch box \(rb) \(tags[1]) \(tags[2]) box=2")
        try site.ok("batch approve \(rb)")
        let replies = [
            try site.ok("claim tag \(tags[0])"), try site.ok("claim show \(claim)"), try site.ok("claim list"),
            try site.ok("claim list due_within=60"), try site.ok("batch show \(rb)"), try site.ok("batch list"),
            try site.ok("oem show SAIC"), try site.ok("oem list"), try site.ok("report warranty"), try site.ok("report defects"),
            try site.ok("report defects by=supplier"), try site.ok("report defects by=failure"),
            try site.ok("batch ship \(rb) carrier=顺丰速运 tracking=SF1234567890123"),
        ]
        for reply in replies {
            let (width, line) = widestLine(reply)
            #expect(width <= 80, "\(width) columns: \(line)\nin \(reply.lastText)")
        }
        let list = try site.ok("batch show \(rb)")
        #expect(list.body.contains { $0.contains("LSVAU2180N2183456") && $0.contains("1234") })
        #expect(list.body.contains { $0.hasPrefix("Mode 运输方式") && $0.contains("courier") })
        #expect(list.body.contains { $0.hasPrefix("Boxes 箱数") && $0.hasSuffix("2") })
    }
}
