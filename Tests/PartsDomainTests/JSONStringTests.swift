import PartsDomain
import Testing

/// The one escaping rule, byte by byte: every character that must be escaped is, and every
/// other one (multi-byte ones beside an escape too) is copied as it is.
@Suite("JSON strings")
struct JSONStringTests {
    @Test func escapesWhatMustBeEscapedAndKeepsTheRest() {
        #expect(JSONString.quoted("plain 中文") == "\"plain 中文\"")
        #expect(JSONString.quoted(#"Bench part 1, "grade 1""#) == #""Bench part 1, \"grade 1\"""#)
        #expect(JSONString.quoted("刹车片\"\\\n\r\t\u{1}") == #""刹车片\"\\\n\r\t\u0001""#)
        #expect(JSONString.quoted("a\u{2028}b\u{2029}c") == #""a\u2028b\u2029c""#)
        // E2 starts other characters too: “quotes” (E2 80 9C) and € (E2 82 AC) stay as they are.
        #expect(JSONString.quoted("“引号” €\"") == #""“引号” €\"""#)
        #expect(JSONString.quoted("\u{1F}end\u{E2}") == "\"\\u001fend\u{E2}\"")
    }
}
