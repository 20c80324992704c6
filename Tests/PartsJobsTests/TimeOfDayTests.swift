@testable import PartsJobs
import Testing

/// `jobs.snapshot_at`: when the daemon's own snapshot next runs, from a given local time.
@Suite("scheduled time of day")
struct TimeOfDayTests {
    @Test func parsesOnlyTwoDigitHoursAndMinutes() {
        #expect(TimeOfDay("02:30") == TimeOfDay("02:30"))
        #expect(TimeOfDay("02:30")?.hour == 2 && TimeOfDay("02:30")?.minute == 30)
        for bad in ["2:30", "24:00", "12:60", "12-30", "12:3", "", "12:30:00", "ab:cd"] {
            #expect(TimeOfDay(bad) == nil, "\(bad)")
        }
    }

    @Test func waitsUntilTheTimeTodayOrElseTomorrow() throws {
        let twoAM = try #require(TimeOfDay("02:00"))
        let at = { (hour: Int, minute: Int, second: Int) in hour * 3600 + minute * 60 + second }
        #expect(twoAM.secondsUntilNext(fromSecondsIntoDay: at(1, 59, 30)) == 30)
        #expect(twoAM.secondsUntilNext(fromSecondsIntoDay: at(0, 0, 0)) == 7200)
        // At the time itself, and after it, the next run is tomorrow's.
        #expect(twoAM.secondsUntilNext(fromSecondsIntoDay: at(2, 0, 0)) == 86_400)
        #expect(twoAM.secondsUntilNext(fromSecondsIntoDay: at(2, 0, 1)) == 86_399)
        #expect(twoAM.secondsUntilNext(fromSecondsIntoDay: at(23, 0, 0)) == 3 * 3600)
        let midnight = try #require(TimeOfDay("00:00"))
        #expect(midnight.secondsUntilNext(fromSecondsIntoDay: at(23, 59, 59)) == 1)
    }
}
