import PartsDomain
import PartsProtocol
import Testing

@Suite("reply rendering")
struct RenderingTests {
    @Test func textRepliesContinueWithDashAndEndWithTheWord() {
        let reply = Reply(.ok, "2 rows", blocks: [.record([Field("on_hand", .decimal(ExactDecimal("5.000")!)), Field("unit", .text("PCS"))])])
        #expect(TextRenderer.render(reply) == ["200-on hand  5", "200-unit     PCS", "200 OK 2 rows"])
        #expect(TextRenderer.render(Reply(.ok, word: "PONG")) == ["200 PONG"])
    }

    @Test func messagesNeverBreakTheLineGrammar() {
        #expect(TextRenderer.render(.error(.invalid, "two\nlines")) == ["422 INVALID two lines"])
        #expect(JSONRenderer.render(.error(.invalid, "two\nlines\u{2028}")) == #"422 {"error":"INVALID","message":"two\nlines\u2028"}"#)
    }

    @Test func jsonKeepsDecimalsAsStringsAndKeysInOrder() {
        let table = Table(columns: [Table.Column("part_no"), Table.Column("qty", nil, .right)],
                          rows: [[.text("P-1"), .decimal(ExactDecimal("12.500")!)], [.text("“引号”"), .null]])
        #expect(JSONRenderer.render(Reply(.ok, blocks: [.table(table)]))
            == #"200 {"status":"OK","rows":[{"part_no":"P-1","qty":"12.500"},{"part_no":"“引号”","qty":null}]}"#)
    }

    @Test func tablesAlignWideCharacters() {
        let table = Table(columns: [Table.Column("part_no"), Table.Column("description"), Table.Column("qty", nil, .right)],
                          rows: [[.text("P-1"), .text("前刹车片"), .integer(2)], [.text("P-22"), .text("oil filter"), .integer(10)]])
        let lines = TextRenderer.render(table)
        #expect(lines == [
            "PART NO  DESCRIPTION  QTY",
            "P-1      前刹车片       2",
            "P-22     oil filter    10",
        ])
        #expect(Set(lines.map(DisplayWidth.of)).count == 1)
    }

    @Test func displayWidthCountsCJKAsTwoAndMarksAsZero() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("机油") == 4)
        #expect(DisplayWidth.of("ＡＢ") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.truncate("前刹车片abc", to: 6) == "前刹~")
        #expect(DisplayWidth.of(DisplayWidth.truncate("前刹车片abc", to: 6)) <= 6)
    }

    @Test func receiptsAreEightyColumnsWithSignatureLines() {
        let document = PostedDocument(
            docNo: "GI-2026-000042", type: "GI", title: "GOODS ISSUE", titleZh: "出库单", date: "2026-11-23",
            postedAt: "2026-11-23T09:15:00+00:00", location: "MAIN", locationName: "总库 Main", toLocation: nil,
            toLocationName: nil, counterparty: "WO-88", note: "左前门 left front door", reason: nil, clerk: "li", ref: nil,
            lines: [
                .init(lineNo: 1, partNo: "P-1001", description: "前刹车片前刹车片前刹车片前刹车片 very long", quantity: ExactDecimal("2.000")!,
                      counted: nil, unit: "PCS", unitCost: ExactDecimal("12.5000")!, value: ExactDecimal("25.00")!),
                .init(lineNo: 2, partNo: "OIL-5W30", description: "Engine oil", quantity: ExactDecimal("4.250")!,
                      counted: nil, unit: "L", unitCost: ExactDecimal("6.2000")!, value: ExactDecimal("26.35")!),
            ],
            total: ExactDecimal("51.35")!, replayed: false)
        let lines = ReceiptRenderer.render(document)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 })
        #expect(lines[0].hasPrefix("GOODS ISSUE 出库单") && lines[0].hasSuffix("GI-2026-000042") && DisplayWidth.of(lines[0]) == 80)
        #expect(lines.contains("Date 日期   2026-11-23 09:15"))
        #expect(lines.contains { $0.hasPrefix("  1 P-1001         前刹车片") && $0.hasSuffix("2 PCS       12.50       25.00") })
        #expect(lines.contains { $0.hasPrefix("  2 OIL-5W30") && $0.hasSuffix("4.25 L          6.20       26.35") })
        #expect(lines.contains { $0.hasSuffix("Total 合计  51.35") })
        #expect(lines.last!.contains("Issued by 发料人") && lines.last!.contains("Received by 领料人"))
        // Columns line up: the quantity column ends at the same display column on every line.
        let rows = lines.filter { $0.hasPrefix("  1 ") || $0.hasPrefix("  2 ") || $0.hasPrefix(" No ") }
        #expect(Set(rows.map(DisplayWidth.of)).count == 1)
    }
}
