/// A forecasting method for one series.
public enum ForecastMethod: String, Sendable, CaseIterable, Codable {
    /// No forecast: the series has no demand, the forecast is 0.
    case none
    /// Simple exponential smoothing.
    case ses
    /// Croston's method (classic, biased upwards).
    case croston
    /// Croston with the Syntetos–Boylan Approximation, Croston × (1 − α/2).
    case sba
    /// Teunter–Syntetos–Babai: smoothed probability × smoothed size.
    case tsb

    /// Display name for explanations.
    public var displayName: String {
        switch self {
        case .none: return "none"
        case .ses: return "SES"
        case .croston: return "Croston"
        case .sba: return "SBA"
        case .tsb: return "TSB"
        }
    }
}

/// Accuracy of the one-step-ahead forecasts over the history.
///
/// The error, not the demand's own spread, sizes the safety stock: what stock must cover is
/// the demand the forecast did not see coming.
public struct ForecastError: Sendable, Equatable {
    /// Periods that had a one-step forecast (all but the first).
    public let count: Int
    /// Mean absolute error.
    public let mae: Double
    /// Mean squared error.
    public let mse: Double
    /// Root mean squared error, √MSE: the σ_D used for safety stock.
    public let rmse: Double

    /// Errors of `fitted` against `actual`, over the periods that have a fitted value;
    /// `nil` when none has.
    public init?(actual: [Double], fitted: [Double?]) {
        var count = 0
        var absolute = 0.0
        var squared = 0.0
        for (value, forecast) in zip(actual, fitted) {
            guard let forecast else { continue }
            let error = value - forecast
            count += 1
            absolute += error.magnitude
            squared += error * error
        }
        guard count > 0 else { return nil }
        self.count = count
        mae = absolute / Double(count)
        mse = squared / Double(count)
        rmse = mse.squareRoot()
    }
}

/// A fitted forecast of one series: the flat forecast per future period, the one-step-ahead
/// forecasts over the history, and their error.
///
/// The recursions follow Nixtla's statsforecast (`SimpleExponentialSmoothing`,
/// `CrostonClassic`, `CrostonSBA`, `TSB`), which the tests check against to 1e-9, with the
/// smoothing constants made configurable:
/// - every smoothed quantity is initialised with its own first observation (SES with y₀;
///   Croston's size with the first demand and its interval with the number of periods up to
///   and including the first demand; TSB's probability with 1 or 0 for the first period);
/// - `fitted[0]` is `nil` (nothing has been seen yet); before the first demand Croston, SBA
///   and TSB forecast 0, as statsforecast does, and those periods count in the error.
public struct Forecast: Sendable, Equatable {
    public let method: ForecastMethod
    /// Smoothing constant for the level (SES), the size and interval (Croston, SBA) or the
    /// size (TSB). `nil` for `none`.
    public let alpha: Double?
    /// Smoothing constant for the demand probability (TSB only).
    public let beta: Double?
    /// Forecast demand per future period (the same for every period ahead).
    public let perPeriod: Double
    /// One-step-ahead forecast for each historical period, made from the periods before it;
    /// `nil` where no forecast existed (the first period).
    public let fitted: [Double?]
    /// MAE, MSE and RMSE of `fitted`; `nil` when there were fewer than two periods.
    public let error: ForecastError?
    /// Final smoothed demand size (Croston, SBA, TSB); `nil` before any demand.
    public let size: Double?
    /// Final smoothed interval between demands in periods (Croston, SBA).
    public let interval: Double?
    /// Final smoothed probability of demand in a period (TSB).
    public let probability: Double?

    /// The zero forecast, for a series without demand.
    public static func none(_ y: [Double]) -> Forecast {
        let fitted: [Double?] = y.indices.map { $0 == 0 ? nil : 0 }
        return Forecast(
            method: .none, alpha: nil, beta: nil, perPeriod: 0, fitted: fitted,
            error: ForecastError(actual: y, fitted: fitted), size: nil, interval: nil,
            probability: nil)
    }

    /// Simple exponential smoothing: level ← α·y + (1 − α)·level, started at y₀ (so the
    /// forecast for period 1 is y₀). Suits smooth and erratic demand.
    public static func ses(_ y: [Double], alpha: Double = 0.1) -> Forecast {
        let (level, fitted) = smooth(y, alpha: alpha)
        return Forecast(
            method: .ses, alpha: alpha, beta: nil, perPeriod: level ?? 0, fitted: fitted,
            error: ForecastError(actual: y, fitted: fitted), size: nil, interval: nil,
            probability: nil)
    }

    /// Croston's method: in periods with demand only, the size z and the interval p since the
    /// previous demand are smoothed with α; the forecast per period is z / p.
    public static func croston(_ y: [Double], alpha: Double = 0.1) -> Forecast {
        crostonFamily(y, alpha: alpha, method: .croston, factor: 1)
    }

    /// Syntetos–Boylan Approximation: Croston × (1 − α/2), which removes Croston's upward
    /// bias; the method for intermittent and lumpy parts.
    public static func sba(_ y: [Double], alpha: Double = 0.1) -> Forecast {
        crostonFamily(y, alpha: alpha, method: .sba, factor: 1 - alpha / 2)
    }

    /// Teunter–Syntetos–Babai: the probability of demand is smoothed every period with β
    /// (towards 1 in a period with demand, towards 0 in one without), the size only when
    /// demand occurs with α; forecast = probability × size. Unlike Croston, the forecast
    /// decays through a run of empty periods, which is what an obsolescent part needs.
    public static func tsb(_ y: [Double], alpha: Double = 0.1, beta: Double = 0.1) -> Forecast {
        guard y.contains(where: { $0 > 0 }) else {
            let none = Forecast.none(y)
            return Forecast(
                method: .tsb, alpha: alpha, beta: beta, perPeriod: 0, fitted: none.fitted,
                error: none.error, size: nil, interval: nil, probability: 0)
        }
        let indicator = y.map { $0 > 0 ? 1.0 : 0.0 }
        let (probability, probabilityFitted) = smooth(indicator, alpha: beta)
        let sizes = sizeLevels(y, alpha: alpha)
        var fitted: [Double?] = []
        fitted.reserveCapacity(y.count)
        for t in y.indices {
            if t == 0 {
                fitted.append(nil)
            } else {
                fitted.append((probabilityFitted[t] ?? 0) * (sizes.before[t] ?? 0))
            }
        }
        let finalProbability = probability ?? 0
        let finalSize = sizes.final ?? 0
        return Forecast(
            method: .tsb, alpha: alpha, beta: beta, perPeriod: finalProbability * finalSize,
            fitted: fitted, error: ForecastError(actual: y, fitted: fitted), size: sizes.final,
            interval: nil, probability: finalProbability)
    }

    /// The final probability TSB would reach with `beta`: used to tell decaying demand.
    public static func tsbProbability(_ y: [Double], beta: Double) -> Double {
        smooth(y.map { $0 > 0 ? 1.0 : 0.0 }, alpha: beta).level ?? 0
    }

    // MARK: - Recursions

    /// SES of `x`: the level starts at x₀ and is then updated with every observation,
    /// x₀ included (so the level after x₀ is x₀ again, up to rounding), exactly as
    /// statsforecast's `ses_forecast` does. Returns the level after all observations (the next
    /// forecast) and the one-step forecasts (`nil` for the first period).
    private static func smooth(_ x: [Double], alpha: Double) -> (level: Double?, fitted: [Double?]) {
        guard let first = x.first else { return (nil, []) }
        let complement = 1 - alpha
        var fitted: [Double?] = [nil]
        fitted.reserveCapacity(x.count)
        var level = first
        for observation in x.dropLast() {
            level = alpha * observation + complement * level
            fitted.append(level)
        }
        let final = alpha * x[x.count - 1] + complement * level
        return (final, fitted)
    }

    /// The smoothed demand size seen before each period (`nil` before the first demand) and
    /// after the last one: SES over the non-zero values, started at the first of them.
    private static func sizeLevels(
        _ y: [Double], alpha: Double
    ) -> (before: [Double?], final: Double?) {
        let complement = 1 - alpha
        var before: [Double?] = []
        before.reserveCapacity(y.count)
        var level: Double?
        for value in y {
            before.append(level)
            if value > 0 {
                let previous = level ?? value
                level = alpha * value + complement * previous
            }
        }
        return (before, level)
    }

    private static func crostonFamily(
        _ y: [Double], alpha: Double, method: ForecastMethod, factor: Double
    ) -> Forecast {
        guard y.contains(where: { $0 > 0 }) else {
            let none = Forecast.none(y)
            return Forecast(
                method: method, alpha: alpha, beta: nil, perPeriod: 0, fitted: none.fitted,
                error: none.error, size: nil, interval: nil, probability: nil)
        }
        let complement = 1 - alpha
        var size: Double?
        var interval: Double?
        var sinceLast = 0.0
        var fitted: [Double?] = []
        fitted.reserveCapacity(y.count)
        for (t, value) in y.enumerated() {
            if t == 0 {
                fitted.append(nil)
            } else if let size, let interval {
                fitted.append(size / (interval == 0 ? 1 : interval) * factor)
            } else {
                fitted.append(0)
            }
            sinceLast += 1
            if value > 0 {
                // Started at the first observation, then updated with it (see `smooth`).
                let previousSize = size ?? value
                let previousInterval = interval ?? sinceLast
                size = alpha * value + complement * previousSize
                interval = alpha * sinceLast + complement * previousInterval
                sinceLast = 0
            }
        }
        let z = size ?? 0
        let p = interval ?? 0
        let perPeriod = (p != 0 ? z / p : z) * factor
        return Forecast(
            method: method, alpha: alpha, beta: nil, perPeriod: perPeriod, fitted: fitted,
            error: ForecastError(actual: y, fitted: fitted), size: size, interval: interval,
            probability: nil)
    }
}
