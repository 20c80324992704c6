import PartsDomain
import PartsPlanning
import PartsStore

/// The settings one location plans with: built-in defaults, overridden by the row for every
/// location, overridden by the location's own row.
public struct PlanningSettings: Sendable, Equatable {
    public var parameters = PlanningParameters()
    /// Days of history a run reads.
    public var historyDays = 728
    /// Lead time for parts whose master data names none.
    public var defaultLeadDays = 14
    /// Spread of the lead time in days (0: deliveries keep their date).
    public var leadDaysSD = 0.0
    /// Days between one order and the next: a part must last its lead time and this. The
    /// reorder run is nightly, so 1; a site that places its stock order weekly says 7.
    public var reviewDays = 1.0
    /// Days without an issue after which stock counts as dead.
    public var deadDays = 180
    /// Whether the replay's choice of method is used (`MethodChoiceSetting`).
    public var methodChoice = MethodChoiceSetting.class

    public var period: PlanningPeriod { parameters.period }

    /// The effective settings of `location` (nil: what every location inherits).
    public static func effective(_ rows: [PlanningSettingRow], location: String?) throws(PlanningSettingsError) -> PlanningSettings {
        var settings = PlanningSettings()
        for row in rows where row.location == nil || row.location == location {
            for (key, value) in row.values { try settings.apply(key, value) }
        }
        return settings
    }

    /// Sets one value from its text, checking its form; `validate()` checks the whole.
    mutating func apply(_ key: PlanningSettingKey, _ text: String) throws(PlanningSettingsError) {
        switch key {
        case .period:
            guard let period = PlanningPeriod(rawValue: text) else { throw .invalid("period must be day, week or month, got \(text)") }
            parameters.period = period
        case .historyDays: historyDays = try Self.integer(key, text, 28...3660)
        case .leadDays: defaultLeadDays = try Self.integer(key, text, 0...3650)
        case .deadDays: deadDays = try Self.integer(key, text, 1...3660)
        case .serviceA: parameters.serviceLevelA = try Self.number(key, text)
        case .serviceB: parameters.serviceLevelB = try Self.number(key, text)
        case .serviceC: parameters.serviceLevelC = try Self.number(key, text)
        case .serviceMeasure:
            guard let measure = ServiceMeasure(rawValue: text) else {
                throw .invalid("service_measure must be fill (fill rate) or cycle (cycle service level), got \(text)")
            }
            parameters.serviceMeasure = measure
        case .demandModel:
            guard let model = DemandModelSetting(rawValue: text) else {
                throw .invalid("demand_model must be analytic or bootstrap (Willemain's, for intermittent and lumpy parts), got \(text)")
            }
            parameters.demandModel = model
        case .methodChoice:
            guard let choice = MethodChoiceSetting(rawValue: text) else {
                throw .invalid("method_choice must be class (by demand class) or simulation (the replay of job run method-trial), got \(text)")
            }
            methodChoice = choice
        case .fillRateA: parameters.fillRateA = try Self.number(key, text)
        case .fillRateB: parameters.fillRateB = try Self.number(key, text)
        case .fillRateC: parameters.fillRateC = try Self.number(key, text)
        case .alpha:
            let alpha = try Self.number(key, text)
            parameters.sesAlpha = alpha
            parameters.crostonAlpha = alpha
            parameters.tsbAlpha = alpha
        case .beta: parameters.tsbBeta = try Self.number(key, text)
        case .reviewPeriods: parameters.reviewPeriods = try Self.number(key, text)
        case .orderingCost: parameters.orderingCost = try Self.number(key, text)
        case .holdingRate: parameters.annualHoldingRate = try Self.number(key, text)
        case .leadDaysSD: leadDaysSD = try Self.number(key, text)
        case .reviewDays:
            reviewDays = try Self.number(key, text)
            guard reviewDays <= 365 else { throw .invalid("review_days must be from 0 to 365, got \(text)") }
        case .slowMover: parameters.slowMoverThreshold = try Self.number(key, text)
        case .obsoleteAfterDays: parameters.obsoleteAfterDays = try Self.integer(key, text, 1...3660)
        case .obsoleteProbability: parameters.obsoleteProbability = try Self.number(key, text)
        }
    }

    /// Refuses what the maths cannot work with (a service level of 1.5, a fill rate of 1, a
    /// negative spread), and a span of quiet days longer than the history a plan reads, which
    /// no part could ever reach: every part would seem alive.
    public func validate() throws(PlanningSettingsError) {
        guard parameters.obsoleteAfterDays <= historyDays else {
            throw .invalid("obsolete_after_days (\(parameters.obsoleteAfterDays)) must not exceed history_days (\(historyDays)): "
                           + "a plan sees no further back")
        }
        do {
            try parameters.validate()
            _ = try LeadTime(days: Double(defaultLeadDays), standardDeviationDays: leadDaysSD, reviewDays: reviewDays, period: period)
        } catch {
            throw .invalid(error.description)
        }
    }

    /// Refuses a change (`default` clears a value) that would leave any location with
    /// settings the maths cannot work with: the changed row is checked with every row that
    /// inherits from it, not only value by value.
    public static func check(_ changes: [(key: PlanningSettingKey, value: String)], location: String?,
                             against stored: [PlanningSettingRow]) throws(PlanningSettingsError) {
        var rows = stored
        var row = rows.first { $0.location == location } ?? PlanningSettingRow(location: location, values: [:])
        for (key, value) in changes { row.values[key] = value == "default" ? nil : value }
        rows.removeAll { $0.location == location }
        rows.append(row)
        for scope in [nil] + rows.map(\.location) {
            try effective(rows, location: scope).validate()
        }
    }

    /// The value each key has here, as `plan settings` shows it.
    public func value(of key: PlanningSettingKey) -> String {
        func number(_ x: Double?) -> String { x.map { plainNumber($0, places: 6) } ?? "-" }
        switch key {
        case .period: return period.rawValue
        case .historyDays: return String(historyDays)
        case .serviceA: return number(parameters.serviceLevelA)
        case .serviceB: return number(parameters.serviceLevelB)
        case .serviceC: return number(parameters.serviceLevelC)
        case .serviceMeasure: return parameters.serviceMeasure.rawValue
        case .demandModel: return parameters.demandModel.rawValue
        case .methodChoice: return methodChoice.rawValue
        case .fillRateA: return number(parameters.fillRateA)
        case .fillRateB: return number(parameters.fillRateB)
        case .fillRateC: return number(parameters.fillRateC)
        case .alpha: return number(parameters.sesAlpha)
        case .beta: return number(parameters.tsbBeta)
        case .reviewPeriods: return number(parameters.reviewPeriods)
        case .orderingCost: return number(parameters.orderingCost)
        case .holdingRate: return number(parameters.annualHoldingRate)
        case .leadDays: return String(defaultLeadDays)
        case .leadDaysSD: return number(leadDaysSD)
        case .reviewDays: return number(reviewDays)
        case .slowMover: return number(parameters.slowMoverThreshold)
        case .deadDays: return String(deadDays)
        case .obsoleteAfterDays: return String(parameters.obsoleteAfterDays)
        case .obsoleteProbability: return number(parameters.obsoleteProbability)
        }
    }

    private static func integer(_ key: PlanningSettingKey, _ text: String, _ range: ClosedRange<Int>) throws(PlanningSettingsError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw .invalid("\(key.rawValue) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(text)")
        }
        return value
    }

    /// Plain decimals only: no exponents, no nan or inf sneaking in through Double's parser.
    private static func number(_ key: PlanningSettingKey, _ text: String) throws(PlanningSettingsError) -> Double {
        guard let exact = ExactDecimal(text), exact.scale <= 6, let value = Double(exact.description) else {
            throw .invalid("\(key.rawValue) must be a decimal number with at most 6 places, got \(text)")
        }
        return value
    }
}
