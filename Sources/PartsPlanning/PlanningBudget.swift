import Synchronization

/// How much work one part's plan may take. Every loop whose length depends on the data (the
/// discrete quantile's search above all) counts its steps here, so one typo in an imported
/// history cannot keep a core busy for minutes: past the budget, or past the deadline, or
/// once the plan is cancelled, the next count throws and the part is flagged for a person.
///
/// A budget belongs to one plan; `cancel()` may come from any thread.
public final class PlanningBudget: Sendable {
    /// Far more than any sound plan takes (a few thousand steps), far less than a second.
    public static let standardSteps = 1_000_000

    public let maxSteps: Int
    /// How long the plan may take, counted from the budget's making; nil: no time limit.
    public let seconds: Double?
    private let deadline: ContinuousClock.Instant?
    private let spent = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    public init(steps: Int = PlanningBudget.standardSteps, seconds: Double? = nil) {
        maxSteps = steps
        self.seconds = seconds
        deadline = seconds.map { ContinuousClock.now + .nanoseconds(Int64($0 * 1e9)) }
    }

    /// Stops the plan at its next step.
    public func cancel() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Steps counted so far.
    public var steps: Int { spent.load(ordering: .relaxed) }

    /// Counts `steps` more; throws when the plan must stop. The clock is read when the count
    /// crosses a multiple of 4096, however many steps a call counts, so counting stays cheap
    /// (reading it on every call of more than one step was a tenth of a reorder run).
    func spend(_ steps: Int = 1) throws(PlanningError) {
        let before = spent.add(steps, ordering: .relaxed).oldValue
        let total = before + steps
        if stopped.load(ordering: .relaxed) { throw .cancelled }
        if total > maxSteps { throw .budgetExceeded(steps: maxSteps) }
        // The crossing first: binding the optional `Instant` copies it through its witness table.
        if before >> 12 != total >> 12, let deadline, let seconds, ContinuousClock.now > deadline {
            throw .deadlinePassed(seconds: seconds)
        }
    }
}
