import PartsProtocol
import Testing

@Suite("request lines")
struct RequestTests {
    @Test func splitsWordsNamedArgumentsAndFlags() throws {
        let request = try #require(try Request.parse(#"issue MAIN P-1001:2 to=WO-88 note="left front door" --wait ref=r1"#))
        #expect(request.positional == ["issue", "MAIN", "P-1001:2"])
        #expect(request[named: "to"] == "WO-88")
        #expect(request[named: "note"] == "left front door")
        #expect(request[named: "ref"] == "r1")
        #expect(request.flags == ["wait"])
    }

    @Test func quotesAndEscapes() throws {
        let request = try #require(try Request.parse(#"part add P-1 "say \"hi\" \\ now" "--not-a-flag" "k=v""#))
        #expect(request.positional == ["part", "add", "P-1", #"say "hi" \ now"#, "--not-a-flag", "k=v"])
        #expect(request.named.isEmpty)
        #expect(request.flags.isEmpty)
    }

    @Test func chineseTextPassesThrough() throws {
        let request = try #require(try Request.parse("part add P-2 \"前刹车片 左\" category=刹车"))
        #expect(request.positional[3] == "前刹车片 左")
        #expect(request[named: "category"] == "刹车")
    }

    @Test func blankAndCommentLinesAreNothing() throws {
        #expect(try Request.parse("") == nil)
        #expect(try Request.parse("   ") == nil)
        #expect(try Request.parse("# issue MAIN P-1:1") == nil)
    }

    @Test func refusesBrokenLines() {
        #expect(throws: ProtocolError.badRequest("unterminated quote")) { try Request.parse(#"part add P-1 "open"#) }
        #expect(throws: ProtocolError.badRequest("argument to= given twice")) { try Request.parse("issue M P:1 to=a to=b") }
        #expect(throws: ProtocolError.badRequest("control character U+1B in request")) { try Request.parse("ping \u{1B}[2J") }
    }

    @Test func theFingerprintIgnoresTheRefAndArgumentOrder() throws {
        let a = try #require(try Request.parse("issue MAIN P-1:2 to=WO note=x ref=1"))
        let b = try #require(try Request.parse("issue MAIN P-1:2 note=x to=WO ref=2"))
        let c = try #require(try Request.parse("issue MAIN P-1:3 note=x to=WO ref=1"))
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint != c.fingerprint)
    }
}

@Suite("line framing")
struct LineBufferTests {
    @Test func cutsLinesAcrossChunksAndAcceptsCRLF() {
        var buffer = LineBuffer()
        #expect(buffer.append(Array("pi".utf8)) == [])
        #expect(buffer.append(Array("ng\r\nstatus\nwho".utf8)) == [.line("ping"), .line("status")])
        #expect(buffer.append(Array("ami\n".utf8)) == [.line("whoami")])
    }

    @Test func flagsInvalidUTF8AndGoesOn() {
        var buffer = LineBuffer()
        #expect(buffer.append([0x61, 0xC3, 0x28, 0x0A, 0x62, 0x0A]) == [.invalidUTF8, .line("b")])
    }

    @Test func aLineAtTheLimitPassesOneByteMoreDoesNot() {
        var exact = LineBuffer(maxLineBytes: 8)
        #expect(exact.append(Array("12345678\r\n".utf8)) == [.line("12345678")])
        var over = LineBuffer(maxLineBytes: 8)
        #expect(over.append(Array("123456789\n".utf8)) == [.tooLong])
        #expect(over.append(Array("ping\n".utf8)) == [])
    }
}
