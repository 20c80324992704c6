import PartsPlanning
import Testing

/// SES, Croston, SBA and TSB against statsforecast 2.1.1 (Fixtures/make_reference.py),
/// the normal quantile against scipy, the discrete quantiles against scipy and their CDFs
/// against 50-digit decimal sums.
@Suite("Forecasts and distributions against the reference implementations")
struct ReferenceForecastTests {
    let reference = ReferenceData.shared

    @Test("the fixture was made by statsforecast and covers every method")
    func fixtureProvenance() {
        #expect(reference.versions.statsforecast == "2.1.1")
        #expect(Set(reference.forecasts.map(\.method)) == ["ses", "croston", "sba", "tsb"])
        #expect(reference.forecasts.count >= 6 * 4)
    }

    @Test("forecast, fitted one-step forecasts and errors match statsforecast to 1e-9")
    func forecastsMatch() {
        for case_ in reference.forecasts {
            let forecast: Forecast
            switch case_.method {
            case "ses": forecast = .ses(case_.values, alpha: case_.alpha)
            case "croston": forecast = .croston(case_.values, alpha: case_.alpha)
            case "sba": forecast = .sba(case_.values, alpha: case_.alpha)
            case "tsb": forecast = .tsb(case_.values, alpha: case_.alpha, beta: case_.beta ?? 0)
            default:
                Issue.record("unknown method \(case_.method)")
                continue
            }
            let label = "\(case_.series) \(case_.method) α=\(case_.alpha) β=\(case_.beta ?? 0)"
            #expect(close(forecast.perPeriod, case_.forecast), "\(label): forecast \(forecast.perPeriod) vs \(case_.forecast)")
            #expect(forecast.fitted.count == case_.fitted.count, "\(label)")
            for (t, (mine, theirs)) in zip(forecast.fitted, case_.fitted).enumerated() {
                #expect(close(mine, theirs), "\(label): fitted[\(t)] \(String(describing: mine)) vs \(String(describing: theirs))")
            }
            #expect(close(forecast.error?.mae, case_.mae), "\(label): MAE")
            #expect(close(forecast.error?.mse, case_.mse), "\(label): MSE")
            #expect(close(forecast.error?.rmse, case_.rmse), "\(label): RMSE")
        }
    }

    @Test("inverse normal CDF matches scipy's norm.ppf to 1e-12 over both tails")
    func normalQuantiles() {
        for case_ in reference.normalQuantiles {
            let z = StandardNormal.quantile(case_.p)
            #expect(close(z, case_.z, relative: 1e-12), "p=\(case_.p): \(z) vs \(case_.z)")
        }
    }

    @Test("Poisson quantiles match scipy and CDFs match 50-digit sums, means 0.1 to 1000")
    func poisson() {
        for case_ in reference.poisson {
            let s = DiscreteDemand.poissonQuantile(case_.level, mean: case_.mean)
            #expect(s == case_.quantile, "Poisson(\(case_.mean)) at \(case_.level): \(s) vs \(case_.quantile)")
            let at = DiscreteDemand.poissonCDF(case_.quantile, mean: case_.mean)
            let below = DiscreteDemand.poissonCDF(case_.quantile - 1, mean: case_.mean)
            #expect(close(at, case_.cdfAtQuantile, relative: 1e-9), "CDF(\(case_.quantile)) \(at) vs \(case_.cdfAtQuantile)")
            #expect(close(below, case_.cdfBelowQuantile, relative: 1e-9), "CDF(\(case_.quantile - 1)) \(below) vs \(case_.cdfBelowQuantile)")
        }
    }

    @Test("negative binomial quantiles match scipy and CDFs match 50-digit sums (method of moments)")
    func negativeBinomial() {
        for case_ in reference.negativeBinomial {
            let variance = case_.variance ?? case_.mean
            let s = DiscreteDemand.negativeBinomialQuantile(case_.level, mean: case_.mean, variance: variance)
            #expect(s == case_.quantile, "NB(\(case_.mean), \(variance)) at \(case_.level): \(s) vs \(case_.quantile)")
            let at = DiscreteDemand.negativeBinomialCDF(case_.quantile, mean: case_.mean, variance: variance)
            let below = DiscreteDemand.negativeBinomialCDF(case_.quantile - 1, mean: case_.mean, variance: variance)
            #expect(close(at, case_.cdfAtQuantile, relative: 1e-9), "CDF(\(case_.quantile)) \(at) vs \(case_.cdfAtQuantile)")
            #expect(close(below, case_.cdfBelowQuantile, relative: 1e-9), "CDF(\(case_.quantile - 1)) \(below) vs \(case_.cdfBelowQuantile)")
        }
    }
}
