import Glibc

/// A local wall-clock time, "HH:MM", for work the daemon schedules itself.
public struct TimeOfDay: Sendable, Equatable {
    public let hour: Int
    public let minute: Int

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Seconds from now until this time next comes round (today or tomorrow), in local time.
    func secondsUntilNext() -> Int {
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        return secondsUntilNext(fromSecondsIntoDay: Int(local.tm_hour) * 3600 + Int(local.tm_min) * 60 + Int(local.tm_sec))
    }

    /// The same from a given local time of day: at the time itself the next one is tomorrow's,
    /// so a run that ends within its own minute does not start again.
    func secondsUntilNext(fromSecondsIntoDay now: Int) -> Int {
        let wait = hour * 3600 + minute * 60 - now
        return wait > 0 ? wait : wait + 86_400
    }
}
