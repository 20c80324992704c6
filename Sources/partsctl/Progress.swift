import Glibc

/// The progress line of a long import, on a terminal only: rows done, rows a second and the
/// time left, redrawn at most five times a second. Quiet when stdout is a file or a pipe, so a
/// script's log holds the summary and nothing else.
struct Progress {
    private let enabled: Bool
    private let start = Progress.now()
    private var lastDrawn = 0.0
    private var drawn = false

    init(fd: Int32 = 1) {
        enabled = isatty(fd) != 0
    }

    /// `fraction` is how much of the file is read, for the time left.
    mutating func update(rows: Int, fraction: Double) {
        guard enabled else { return }
        let now = Progress.now()
        guard now - lastDrawn >= 0.2 else { return }
        lastDrawn = now
        let elapsed = max(now - start, 0.001)
        let rate = Double(rows) / elapsed
        var line = "\r\u{1B}[K\(rows) rows, \(Int(rate)) rows/s"
        if fraction > 0.01, fraction < 1 {
            let left = elapsed * (1 - fraction) / fraction
            line += ", about \(Progress.duration(left)) left"
        }
        Output.write(line)
        drawn = true
    }

    /// Clears the line before the summary or an error is printed.
    mutating func clear() {
        guard drawn else { return }
        Output.write("\r\u{1B}[K")
        drawn = false
    }

    var elapsedSeconds: Double { Progress.now() - start }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        return whole < 60 ? "\(whole) s" : "\(whole / 60) min \(whole % 60) s"
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
