import PartsPlanning
import Testing

@Suite("Forecast recursions by hand")
struct ForecastTests {
    @Test("Croston and SBA on a short series worked by hand")
    func croston() throws {
        // Demands 3 at t=2 (interval 3) and 2 at t=6 (interval 4):
        // z = 0.1·2 + 0.9·3 = 2.9, p = 0.1·4 + 0.9·3 = 3.1.
        let y: [Double] = [0, 0, 3, 0, 0, 0, 2]
        let croston = Forecast.croston(y)
        #expect(close(croston.size, 2.9, relative: 1e-15))
        #expect(close(croston.interval, 3.1, relative: 1e-15))
        #expect(close(croston.perPeriod, 2.9 / 3.1, relative: 1e-15))
        // Nothing seen before the first demand: forecast 0; after it, 3 / 3.
        let fitted = croston.fitted
        #expect(fitted[0] == nil)
        #expect(fitted[1] == 0 && fitted[2] == 0)
        #expect(close(fitted[3], 1, relative: 1e-15) && close(fitted[6], 1, relative: 1e-15))
        let sba = Forecast.sba(y, alpha: 0.2)
        // α = 0.2: z = 0.2·2 + 0.8·3 = 2.8, p = 0.2·4 + 0.8·3 = 3.2; SBA factor 0.9.
        #expect(close(sba.perPeriod, 2.8 / 3.2 * 0.9, relative: 1e-15))
        #expect(sba.method == .sba)
    }

    @Test("TSB probability decays through empty periods; SES starts at the first value")
    func tsbAndSES() {
        let tsb = Forecast.tsb([1, 0, 0], alpha: 0.1, beta: 0.1)
        #expect(close(tsb.probability, 0.81, relative: 1e-15))
        #expect(close(tsb.perPeriod, 0.81, relative: 1e-15))
        #expect(tsb.fitted.count == 3 && tsb.fitted[0] == nil)
        #expect(close(tsb.fitted[1], 1, relative: 1e-15) && close(tsb.fitted[2], 0.9, relative: 1e-15))

        let ses = Forecast.ses([4], alpha: 0.3)
        #expect(ses.perPeriod == 4)
        #expect(ses.fitted.count == 1 && ses.fitted[0] == nil)
        #expect(ses.error == nil)

        let two = Forecast.ses([4, 6], alpha: 0.5)
        #expect(two.perPeriod == 5)
        #expect(two.error?.count == 1 && two.error?.mae == 2 && two.error?.rmse == 2)
    }

    @Test("no demand and no history forecast 0 without crashing")
    func degenerate() {
        for y in [[], [0.0], [0.0, 0, 0]] {
            for f in [Forecast.ses(y), .croston(y), .sba(y), .tsb(y), .none(y)] {
                #expect(f.perPeriod == 0)
                #expect(f.fitted.count == y.count)
                #expect(f.error?.mae ?? 0 == 0)
            }
        }
    }

    @Test("method choice: SES for smooth/erratic/new, SBA for intermittent/lumpy, TSB when decaying")
    func choice() {
        let p = PlanningParameters()
        func method(_ values: [Double]) -> ForecastMethod {
            MethodChoice(classification: DemandClassification(values: values), values: values, parameters: p).method
        }
        let repeated = { (pattern: [Double], n: Int) in Array([[Double]](repeating: pattern, count: n).joined()) }
        #expect(method(repeated([10, 12], 7)) == .ses)
        #expect(method(repeated([1, 9], 7)) == .ses)
        #expect(method(repeated([0, 0, 3], 6)) == .sba)
        #expect(method(repeated([0, 1, 0, 9], 4)) == .sba)
        #expect(method([0, 0, 5]) == .ses)  // new
        #expect(method(Array(repeating: 0, count: 20)) == .none)
        // Regular demand, then 26 quiet weeks: the quiet rule.
        let quiet = repeated([2, 0], 10) + Array(repeating: 0, count: 26)
        let choice = MethodChoice(classification: DemandClassification(values: quiet), values: quiet, parameters: p)
        #expect(choice.method == .tsb)
        #expect(choice.decay?.trailingQuietPeriods == 27)
        // Demand every other week, then 14 more quiet weeks (15 since the last demand):
        // probability ≈ 0.55 · 0.9¹⁵ ≈ 0.11 < 0.5 × 10/34 ≈ 0.147.
        let fading = repeated([2, 0], 10) + Array(repeating: 0, count: 14)
        let signal = DecaySignal(values: fading, beta: 0.1, ratio: 0.5, quietPeriods: 26)
        #expect(signal.finalProbability < 0.5 * signal.overallShare)
        #expect(method(fading) == .tsb)
        // The quiet rule can be configured.
        var patient = p
        patient.decayQuietPeriods = 40
        patient.decayProbabilityRatio = 0
        #expect(
            MethodChoice(classification: DemandClassification(values: quiet), values: quiet, parameters: patient).method
                == .sba)
    }
}
