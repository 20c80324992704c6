import ServiceLifecycle

/// Pings systemd's watchdog at half the interval it asked for (WATCHDOG_USEC). A daemon whose
/// tasks stop running stops pinging, and systemd restarts it.
struct Watchdog: Service {
    let notifier: SystemdNotifier
    let interval: Duration

    /// Nil when systemd asked for no watchdog, or asked another process.
    init?(notifier: SystemdNotifier, environment: [String: String], pid: Int32) {
        guard notifier.isActive, let usec = environment["WATCHDOG_USEC"].flatMap(Int64.init), usec > 0 else { return nil }
        if let watchdogPID = environment["WATCHDOG_PID"].flatMap(Int32.init), watchdogPID != pid { return nil }
        self.notifier = notifier
        interval = .microseconds(usec / 2)
    }

    func run() async throws {
        while !Task.isCancelled {
            notifier.notify("WATCHDOG=1")
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            if Task.isShuttingDownGracefully { return }
        }
    }
}
