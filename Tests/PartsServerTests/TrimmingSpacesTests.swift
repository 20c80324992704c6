@testable import PartsServer
import Testing

@Suite("names and descriptions trimmed")
struct TrimmingSpacesTests {
    @Test func onlySpacesAtEitherEndGo() {
        #expect("  刹车片 front  ".trimmingSpaces == "刹车片 front")
        #expect("制动盘".trimmingSpaces == "制动盘")
        #expect(" e\u{301} ".trimmingSpaces == "e\u{301}")
        #expect("   ".trimmingSpaces == "")
        #expect("\tkept\t".trimmingSpaces == "\tkept\t")
    }
}
