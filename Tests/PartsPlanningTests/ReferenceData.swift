import Foundation

/// Fixtures/reference.json, written by Fixtures/make_reference.py from statsforecast and scipy.
struct ReferenceData: Decodable {
    struct Versions: Decodable {
        let python: String
        let statsforecast: String
        let numpy: String
        let scipy: String
    }

    struct ForecastCase: Decodable {
        let series: String
        let values: [Double]
        let method: String
        let alpha: Double
        let beta: Double?
        let forecast: Double
        let fitted: [Double?]
        let mae: Double
        let mse: Double
        let rmse: Double
    }

    struct NormalCase: Decodable {
        let p: Double
        let z: Double
    }

    struct DiscreteCase: Decodable {
        let mean: Double
        let variance: Double?
        let level: Double
        let quantile: Int
        let cdfAtQuantile: Double
        let cdfBelowQuantile: Double
    }

    struct PlanCase: Decodable {
        struct Expected: Decodable {
            let `class`: String
            let adi: Double?
            let cv2: Double?
            let method: String
            let forecast: Double
            let rmse: Double
            let meanLTD: Double
            let sigmaLTD: Double
            let model: String
            let safetyStock: Double
            let reorderPoint: Double
            let orderBasis: String
            let orderQuantity: Double
            let orderUpTo: Double
            let position: Double
            let suggestedOrder: Double
        }

        let name: String
        let values: [Double]
        let abc: String
        let serviceLevel: Double
        let leadTime: Double
        let leadTimeSD: Double
        let onHand: Double
        let onOrder: Double
        let reserved: Double
        let backOrdered: Double
        let minimum: Double
        let pack: Double
        let orderingCost: Double?
        let holdingRate: Double?
        let unitCost: Double?
        let expected: Expected
    }

    let versions: Versions
    let forecasts: [ForecastCase]
    let normalQuantiles: [NormalCase]
    let poisson: [DiscreteCase]
    let negativeBinomial: [DiscreteCase]
    let plans: [PlanCase]

    /// Loaded once for all tests.
    static let shared: ReferenceData = {
        guard let url = Bundle.module.url(forResource: "reference", withExtension: "json", subdirectory: "Fixtures")
        else { fatalError("Fixtures/reference.json is missing from the test bundle") }
        do {
            return try JSONDecoder().decode(ReferenceData.self, from: Data(contentsOf: url))
        } catch {
            fatalError("Fixtures/reference.json does not decode: \(error)")
        }
    }()
}

/// |actual − expected| ≤ relative·|expected|, with a tiny absolute floor for expected zeros.
func close(_ actual: Double?, _ expected: Double?, relative: Double = 1e-9) -> Bool {
    switch (actual, expected) {
    case (nil, nil): return true
    case (let a?, let e?): return (a - e).magnitude <= relative * e.magnitude + 1e-12
    default: return false
    }
}
