import PartsDomain
import PartsProtocol
import Testing

@Suite("text charts")
struct TextChartTests {
    private func decimals(_ texts: [String]) -> [ExactDecimal] { texts.map { ExactDecimal($0)! } }

    private let levels = { (reorderPoint: String, orderUpTo: String) in
        [TextChart.Level("reorder point", ExactDecimal(reorderPoint)!, mark: "─"),
         TextChart.Level("order-up-to", ExactDecimal(orderUpTo)!, mark: "═")]
    }

    /// PlanTests' smooth part: 10 a week against a top of 61.429 over 5 rows of 8 eighths is
    /// 6.51, drawn as 7 eighths; the reorder point 21.429 is 13.95 eighths, in the second row;
    /// the order-up-to level is the top, in the top row.
    @Test func columnsMarkTheLevelsAtTheirHeights() {
        let chart = TextChart.columns(decimals(Array(repeating: "10.000", count: 20)), levels: levels("21.429", "61.429"))
        #expect(chart.shown == 20)
        #expect(chart.lines == [
            "61.429 ┤════════════════════",
            "       │",
            "       │",
            "       │────────────────────",
            "       │▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇",
            "       ─ reorder point 21.429  ═ order-up-to 61.429  · 0",
        ])
    }

    /// Over 4 rows and a top of 16 a row is 4: 12 fills three rows, 3 is 6 eighths, 1 is 2;
    /// periods without demand show the zero mark, never a blank.
    @Test func columnsShowZeroDemandAndStackFullRows() {
        let chart = TextChart.columns(decimals(["0", "3", "0", "0", "12", "1", "0"]), levels: levels("4", "16.000"), rows: 4)
        #expect(chart.lines == [
            "16 ┤═══════",
            "   │    █",
            "   │────█──",
            "   │·▆··█▂·",
            "   ─ reorder point 4  ═ order-up-to 16  · 0",
        ])
    }

    /// A value far below the top still shows: the smallest step, not the zero mark.
    @Test func aSmallValueIsNeverDrawnAsZero() {
        let chart = TextChart.columns(decimals(["0.001", "0", "1000"]), levels: [], rows: 2)
        #expect(chart.lines == ["1000 ┤  █", "     │▁·█", "     · 0"])
    }

    /// 100 periods in 30 columns: the axis label "100" and its tick take 5, so the last 25
    /// show, 76 to 100, the most recent at the right: in one row 76 to 81 round to 6 eighths,
    /// 82 to 93 to 7, from 94 on the cell is full.
    @Test func columnsKeepTheMostRecentValuesThatFit() {
        let chart = TextChart.columns((1...100).map { ExactDecimal(units: Int64($0), scale: 0) }, levels: [], rows: 1, width: 30)
        #expect(chart.shown == 25)
        #expect(chart.lines[0] == "100 ┤" + String(repeating: "▆", count: 6) + String(repeating: "▇", count: 12)
            + String(repeating: "█", count: 7))
        #expect(chart.lines.allSatisfy { DisplayWidth.of($0) <= 30 })
        let all = TextChart.columns(decimals(["1", "2"]), levels: [], width: 30)
        #expect(all.shown == 2)
    }

    @Test func aLegendOfWideNamesIsCutByDisplayWidth() {
        let chart = TextChart.columns(decimals(["1", "2"]), levels: [TextChart.Level("再订货点", ExactDecimal("1")!, mark: "─"),
                                                                     TextChart.Level("最高库存", ExactDecimal("3")!, mark: "═")], width: 20)
        let legend = chart.lines.last!
        #expect(legend == "  ─ 再订货点 1  ═ ~")
        #expect(DisplayWidth.of(legend) <= 20)
    }

    /// Top 2 over 20 cells: 1.67 is 133.6 eighths, drawn as 16 cells and 6 eighths; the
    /// target 1.5 sits after cell 15, in a cell of its own. Zero is the zero mark, no value no
    /// bar; the CJK label takes the width of four, like MAIN.
    @Test func barsShareOneScaleAndMarkTheTarget() {
        let lines = TextChart.bars([
            TextChart.Bar("MAIN", ExactDecimal("1.67"), target: ExactDecimal("1.5"), note: "1.67 / 1.5"),
            TextChart.Bar("BR2", ExactDecimal("0.00"), target: nil, note: "0.00 / -"),
            TextChart.Bar("总库", nil, target: ExactDecimal("2"), note: "- / 2"),
        ], value: "turnover", target: "target", width: 40)
        #expect(lines == [
            "  █ turnover  │ target  full width 2",
            "  MAIN " + String(repeating: "█", count: 15) + "│█▊     1.67 / 1.5",
            "  BR2  ·" + String(repeating: " ", count: 22) + "  0.00 / -",
            "  总库 " + String(repeating: " ", count: 20) + "│       - / 2",
        ])
        #expect(lines.dropFirst().allSatisfy { DisplayWidth.of($0) == 40 })
    }

    @Test func longLabelsAreCutSoBarsStayInLine() {
        let lines = TextChart.bars([
            TextChart.Bar("MAIN 前刹车片前刹车片前刹车片", ExactDecimal("1"), target: nil, note: "1"),
            TextChart.Bar("MAIN brakes", ExactDecimal("2"), target: nil, note: "2"),
        ], value: "turnover", target: "target")
        #expect(lines[1].hasPrefix("  MAIN 前刹车片前~ █"))
        #expect(lines[2].hasPrefix("  MAIN brakes      █"))
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= TextChart.width })
    }
}
