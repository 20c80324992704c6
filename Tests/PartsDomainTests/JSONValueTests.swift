import PartsDomain
import Testing

/// The parser the store reads PostgreSQL's JSON with and partsctl reads replies with: what the
/// writer (JSONString, the reply renderer) writes comes back as it was, numbers as their text.
@Suite("JSON values")
struct JSONValueTests {
    @Test func readsAReplyAsItWasWritten() throws {
        let text = #"{"message":"2 parts: 1 added","rows":[{"row":1,"part_no":"P-1","outcome":"added","code":200,"message":null},"#
            + #"{"row":2,"part_no":"前刹车片 \"M8\"\\\u00e9\ud83d\ude00","ok":false,"cost":"12.500"}],"n":-1.25e3}"#
        let value = try JSONValue.parse(text)
        #expect(value["message"]?.string == "2 parts: 1 added")
        let rows = try #require(value["rows"]?.array)
        #expect(rows.count == 2)
        #expect(rows[0]["code"] == .number("200") && rows[0]["message"] == .null)
        #expect(rows[1]["part_no"]?.string == "前刹车片 \"M8\"\\é😀")
        #expect(rows[1]["ok"] == .bool(false) && rows[1]["cost"]?.string == "12.500")
        #expect(value["n"] == .number("-1.25e3"))
        #expect(value["absent"] == nil)
    }

    @Test func refusesWhatIsNotJSON() {
        for text in ["", "{", #"{"a":}"#, "[1,]", #""open"#, "tru", #"{"a":1} x"#] {
            #expect(throws: JSONValue.ParseError.self, "\(text)") { try JSONValue.parse(text) }
        }
    }
}
