import PartsPlanning
import Testing

@Suite("Dates and demand series")
struct PlanningDateTests {
    func date(_ text: String) throws -> PlanningDate { try #require(PlanningDate(text)) }

    @Test("day numbers, weekdays and validation")
    func days() throws {
        let epoch = try date("1970-01-01")
        #expect(epoch.dayNumber == 0)
        #expect(epoch.isoWeekday == 4)  // Thursday
        #expect(try date("2000-01-01").dayNumber == 10_957)
        #expect(try date("1969-12-31").dayNumber == -1)
        #expect(try date("2000-02-29").day == 29)
        #expect(PlanningDate(year: 1900, month: 2, day: 29) == nil)
        #expect(PlanningDate(year: 2025, month: 13, day: 1) == nil)
        #expect(PlanningDate("2025-3-7") == nil)
        #expect(PlanningDate("2025-02-30") == nil)
        #expect(PlanningDate("20x5-02-03") == nil)
        #expect(try date("2025-03-07").description == "2025-03-07")
        for n in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(PlanningDate(dayNumber: n).dayNumber == n)
        }
        #expect(try date("2024-02-28").adding(days: 2) == date("2024-03-01"))
        #expect(try date("2025-03-01").days(until: date("2025-02-28")) == -1)
    }

    @Test("ISO weeks start on Monday; months on the first")
    func periodStarts() throws {
        #expect(try date("2025-01-01").isoWeekday == 3)
        #expect(try date("2025-01-01").isoWeekStart == date("2024-12-30"))
        #expect(try date("2025-01-05").isoWeekStart == date("2024-12-30"))  // Sunday
        #expect(try date("2025-01-06").isoWeekStart == date("2025-01-06"))
        #expect(try date("2025-01-15").monthStart(offsetBy: -1) == date("2024-12-01"))
        #expect(try date("2025-01-15").monthStart(offsetBy: 13) == date("2026-02-01"))
        #expect(try PlanningPeriod.month.periods(from: date("2024-11-30"), to: date("2025-02-01")) == 3)
        #expect(try PlanningPeriod.week.periods(from: date("2025-01-05"), to: date("2025-01-06")) == 1)
    }

    @Test("weekly buckets net returns, clamp negative weeks to 0 and keep empty weeks")
    func weekly() throws {
        let lines: [(date: PlanningDate, quantity: Double)] = try [
            (date("2025-01-01"), 3), (date("2025-01-05"), 2),  // week of 2024-12-30
            (date("2025-01-06"), 4), (date("2025-01-08"), -6),  // returns exceed issues
            (date("2025-01-20"), 1.5), (date("2025-01-22"), 0.25), (date("2025-01-23"), -0.25),
            (date("2025-02-03"), 9), (date("2024-12-29"), 9),  // outside
        ]
        let series = try DemandSeries(period: .week, from: date("2025-01-01"), through: date("2025-01-31"), demand: lines)
        #expect(series.values == [5, 0, 0, 1.5, 0])
        #expect(try series.firstPeriodStart == date("2024-12-30"))
        #expect(try series.periodStart(at: 4) == date("2025-01-27"))
        #expect(series.total == 6.5)
    }

    @Test("monthly and daily buckets")
    func monthlyAndDaily() throws {
        let lines: [(date: PlanningDate, quantity: Double)] = try [
            (date("2024-11-15"), 1), (date("2024-11-30"), 1), (date("2025-01-31"), 7), (date("2025-02-03"), 2),
        ]
        let monthly = try DemandSeries(period: .month, from: date("2024-11-15"), through: date("2025-02-03"), demand: lines)
        #expect(monthly.values == [2, 0, 7, 2])
        #expect(try monthly.periodStart(at: 2) == date("2025-01-01"))
        let daily = try DemandSeries(period: .day, from: date("2025-01-30"), through: date("2025-02-01"), demand: lines)
        #expect(daily.values == [0, 7, 0])
        let empty = try DemandSeries(period: .week, from: date("2025-02-01"), through: date("2025-01-01"), demand: lines)
        #expect(empty.values.isEmpty)
    }

    @Test("the builder takes lines one at a time and says which it ignored")
    func builder() throws {
        var builder = try DemandSeries.Builder(period: .week, from: date("2025-01-06"), through: date("2025-01-19"))
        #expect(try builder.add(date: date("2025-01-07"), quantity: 2))
        #expect(try !builder.add(date: date("2025-01-20"), quantity: 2))
        #expect(try !builder.add(date: date("2025-01-05"), quantity: 2))
        #expect(try !builder.add(date: date("2025-01-08"), quantity: .nan))
        #expect(builder.build().values == [2, 0])
    }

    @Test("a series from precomputed totals clamps and aligns")
    func fromTotals() throws {
        let series = try DemandSeries(period: .month, firstPeriodStart: date("2025-03-17"), values: [1, -2, 3])
        #expect(series.values == [1, 0, 3])
        #expect(try series.firstPeriodStart == date("2025-03-01"))
    }
}
