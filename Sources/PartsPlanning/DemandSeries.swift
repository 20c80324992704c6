/// The length of one demand bucket.
///
/// Weekly is the usual choice for spare parts (issue 4's default): daily buckets are mostly
/// zeros and make every part look lumpy, monthly buckets need years of history before the
/// classification means anything.
public enum PlanningPeriod: String, Sendable, CaseIterable, Codable {
    /// One calendar day.
    case day
    /// One ISO week, Monday to Sunday.
    case week
    /// One calendar month.
    case month

    /// The first day of the period that contains `date`.
    public func start(containing date: PlanningDate) -> PlanningDate {
        switch self {
        case .day: return date
        case .week: return date.isoWeekStart
        case .month: return date.monthStart
        }
    }

    /// The start of the period `offset` periods after the one starting at `start`.
    public func start(_ offset: Int, after start: PlanningDate) -> PlanningDate {
        switch self {
        case .day: return start.adding(days: offset)
        case .week: return start.adding(days: 7 * offset)
        case .month: return start.monthStart(offsetBy: offset)
        }
    }

    /// How many whole periods lie between the period containing `start` and the one
    /// containing `date` (0 when they are the same period, negative when `date` is earlier).
    public func periods(from start: PlanningDate, to date: PlanningDate) -> Int {
        switch self {
        case .day:
            return start.days(until: date)
        case .week:
            return start.isoWeekStart.days(until: date.isoWeekStart) / 7
        case .month:
            return date.monthIndex - start.monthIndex
        }
    }

    /// Periods per year, to turn a per-period forecast into the annual demand EOQ needs.
    /// Weeks count as 52 (not 365/7) so a reader can check `forecast × 52` by hand.
    public var periodsPerYear: Double {
        switch self {
        case .day: return 365
        case .week: return 52
        case .month: return 12
        }
    }

    /// Average length in days, to express a lead time given in days in periods
    /// (a month is 365/12 days).
    public var averageDays: Double {
        switch self {
        case .day: return 1
        case .week: return 7
        case .month: return 365.0 / 12.0
        }
    }
}

/// Demand per period for one part at one location, oldest period first.
///
/// Built from dated issue lines (returns are negative lines). Each period holds the net
/// quantity of the lines that fall in it; a period whose returns exceed its issues holds 0,
/// not a negative number, because negative demand would pull every forecast down and hide real
/// consumption. Periods with no lines are present as zeros: for intermittent parts the zeros
/// are the information.
public struct DemandSeries: Sendable, Equatable {
    public let period: PlanningPeriod
    /// The first day of the first period (a Monday for weeks, the 1st for months).
    public let firstPeriodStart: PlanningDate
    /// Netted demand per period, each ≥ 0.
    public let values: [Double]

    /// A series from per-period totals already computed elsewhere (for instance by SQL).
    /// Negative totals are clamped to 0 and `firstPeriodStart` is moved to the start of its
    /// period, so the series obeys the same rules as one built from lines.
    public init(period: PlanningPeriod, firstPeriodStart: PlanningDate, values: [Double]) {
        self.period = period
        self.firstPeriodStart = period.start(containing: firstPeriodStart)
        self.values = values.map { $0 > 0 ? $0 : 0 }
    }

    /// Buckets dated demand lines into the periods from the one containing `from` to the one
    /// containing `through`, both included. Lines outside that range are ignored. When
    /// `through` is before `from` the series is empty.
    public init(
        period: PlanningPeriod, from: PlanningDate, through: PlanningDate,
        demand: some Sequence<(date: PlanningDate, quantity: Double)>
    ) {
        var builder = Builder(period: period, from: from, through: through)
        for line in demand { builder.add(date: line.date, quantity: line.quantity) }
        self = builder.build()
    }

    /// Number of periods.
    public var count: Int { values.count }

    /// The first day of period `index` (0-based).
    public func periodStart(at index: Int) -> PlanningDate {
        period.start(index, after: firstPeriodStart)
    }

    /// Total netted demand over the series.
    public var total: Double { values.reduce(0, +) }

    /// Accumulates lines one at a time, so a caller streaming issue rows from the database
    /// never holds more than one part's periods in memory.
    public struct Builder: Sendable {
        public let period: PlanningPeriod
        public let firstPeriodStart: PlanningDate
        private let firstDay: Int
        private var totals: [Double]

        /// Periods from the one containing `from` to the one containing `through`, inclusive.
        public init(period: PlanningPeriod, from: PlanningDate, through: PlanningDate) {
            self.period = period
            self.firstPeriodStart = period.start(containing: from)
            self.firstDay = firstPeriodStart.dayNumber
            let count = period.periods(from: from, to: through) + 1
            self.totals = Array(repeating: 0, count: max(0, count))
        }

        /// Adds a line (negative for a return). Returns `false`, and ignores the line, when
        /// its date lies outside the series.
        @discardableResult
        public mutating func add(date: PlanningDate, quantity: Double) -> Bool {
            let index = period.periods(from: firstPeriodStart, to: date)
            guard index >= 0, index < totals.count, quantity.isFinite else { return false }
            totals[index] += quantity
            return true
        }

        /// `add(date:quantity:)` for a day number (days since 1970-01-01): days and weeks are
        /// found by arithmetic alone, which matters when a run buckets millions of lines.
        @discardableResult
        public mutating func add(dayNumber: Int, quantity: Double) -> Bool {
            let offset = dayNumber - firstDay
            let index: Int
            switch period {
            case .day: index = offset
            case .week: index = offset >= 0 ? offset / 7 : -1
            case .month: index = period.periods(from: firstPeriodStart, to: PlanningDate(dayNumber: dayNumber))
            }
            guard index >= 0, index < totals.count, quantity.isFinite else { return false }
            totals[index] += quantity
            return true
        }

        /// The netted series (negative period totals become 0).
        public func build() -> DemandSeries {
            DemandSeries(period: period, firstPeriodStart: firstPeriodStart, values: totals)
        }
    }
}
