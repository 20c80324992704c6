import PartsPlanning
import Testing

@Suite("Turnover, days of supply and ABC")
struct TurnoverTests {
    @Test("turnover = cost issued / average stock; days of supply = 365 / turnover")
    func turnover() {
        let year = Turnover(costOfGoodsIssued: 120_000, averageStockValue: 30_000)
        #expect(year.turnover == 4)
        #expect(year.daysOfSupply == 91.25)
        let halfYear = Turnover(costOfGoodsIssued: 60_000, averageStockValue: 30_000, periodDays: 182.5)
        #expect(halfYear.turnover == 4)
        let dead = Turnover(costOfGoodsIssued: 0, averageStockValue: 30_000)
        #expect(dead.turnover == 0)
        #expect(dead.daysOfSupply == nil)
        let empty = Turnover(costOfGoodsIssued: 100, averageStockValue: 0)
        #expect(empty.turnover == nil && empty.daysOfSupply == nil)
        #expect(Turnover.averageValue(of: [10.0, 20, 30, 40]) == 25)
        #expect(Turnover.averageValue(of: [Double]()) == nil)
    }

    @Test("ABC: A while the value before a part is under 80 %, B under 95 %")
    func abc() {
        // Shares before each part: 0, 0.5, 0.8, 0.9, 0.95, 0.98.
        #expect(ABCClassification.classify([500, 300, 100, 50, 30, 20]) == [.a, .a, .b, .b, .c, .c])
        // The caller's order is kept; zero value is C; ties keep input order.
        #expect(ABCClassification.classify([20, 0, 500, 300, 50, 100, 30]) == [.c, .c, .a, .a, .b, .b, .c])
        #expect(ABCClassification.classify([900, 100]) == [.a, .b])  // 90 % before the second
        #expect(ABCClassification.classify([960, 40]) == [.a, .c])  // 96 % before the second
        #expect(ABCClassification.classify([50, 50]) == [.a, .a])
        #expect(ABCClassification.classify([0, 0]) == [.c, .c])
        #expect(ABCClassification.classify([]) == [])
        #expect(ABCClassification.classify([500, 300, 100, 50, 30, 20], cutoffA: 0.5, cutoffB: 0.9) == [.a, .b, .b, .c, .c, .c])
    }
}
