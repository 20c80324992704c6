import PartsPlanning
import Testing

@Suite("Syntetos-Boylan classification")
struct ClassificationTests {
    func repeated(_ pattern: [Double], _ times: Int) -> [Double] {
        Array([[Double]](repeating: pattern, count: times).joined())
    }

    @Test("intermittent: 8 demands in 26 weeks")
    func intermittent() {
        // Sizes 3 2 4 1 5 2 3 1: mean 21/8, population variance 111/64, so CV² = 111/441.
        let values: [Double] = [0, 0, 3, 0, 0, 0, 2, 0, 4, 0, 0, 1, 0, 0, 0, 5, 0, 0, 2, 0, 0, 0, 3, 0, 0, 1]
        let c = DemandClassification(values: values)
        #expect(c.periods == 26)
        #expect(c.demandPeriods == 8)
        #expect(c.adi == 3.25)
        #expect(close(c.cv2, 111.0 / 441.0, relative: 1e-15))
        #expect(c.meanDemandSize == 2.625)
        #expect(c.demandClass == .intermittent)
    }

    @Test("smooth, erratic and lumpy")
    func otherClasses() {
        let smooth = DemandClassification(values: repeated([10, 12], 7))  // mean 11, sd 1
        #expect(smooth.adi == 1)
        #expect(close(smooth.cv2, 1.0 / 121.0, relative: 1e-15))
        #expect(smooth.demandClass == .smooth)

        let erratic = DemandClassification(values: repeated([1, 9], 7))  // mean 5, sd 4
        #expect(erratic.cv2 == 0.64)
        #expect(erratic.demandClass == .erratic)

        let lumpy = DemandClassification(values: repeated([0, 1, 0, 9], 4))
        #expect(lumpy.adi == 2)
        #expect(lumpy.cv2 == 0.64)
        #expect(lumpy.demandClass == .lumpy)
    }

    @Test("cut-offs are 'at or above': ADI exactly 1.32 and CV² exactly 0.49")
    func boundaries() {
        // 33 periods, 25 with demand: ADI = 1.32 → intermittent, not smooth.
        var values = Array(repeating: 5.0, count: 25) + Array(repeating: 0.0, count: 8)
        let atADI = DemandClassification(values: values)
        #expect(atADI.adi == 1.32)
        #expect(atADI.cv2 == 0)
        #expect(atADI.demandClass == .intermittent)
        // Sizes 3 and 17: mean 10, population sd 7, CV² = 0.49 → erratic, not smooth.
        values = repeated([3, 17], 7)
        let atCV2 = DemandClassification(values: values)
        #expect(atCV2.cv2 == 0.49)
        #expect(atCV2.demandClass == .erratic)
    }

    @Test("new when too short or with a single demand; none without demand")
    func newAndNone() {
        let short = DemandClassification(values: Array(repeating: 4, count: 12))
        #expect(short.demandClass == .new)
        #expect(short.adi == 1)
        #expect(DemandClassification(values: Array(repeating: 4, count: 13)).demandClass == .smooth)
        let single = DemandClassification(values: Array(repeating: 0, count: 19) + [6])
        #expect(single.demandClass == .new)
        #expect(single.adi == 20)
        #expect(single.cv2 == 0)
        let configured = DemandClassification(values: [0, 3, 0, 3, 0, 3], minimumPeriods: 4)
        #expect(configured.demandClass == .intermittent)
        let none = DemandClassification(values: Array(repeating: 0, count: 3))
        #expect(none.demandClass == .none)
        #expect(none.adi == nil)
        #expect(none.cv2 == nil)
        #expect(DemandClassification(values: []).demandClass == .none)
    }
}
