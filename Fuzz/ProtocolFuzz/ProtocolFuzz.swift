import Foundation
import PartsDomain
import PartsProtocol

/// Coverage-guided fuzzing of what a client's bytes reach before any command runs: the line
/// buffer, the request parser, and the rendering of the replies they lead to, in text and
/// JSON mode. deploy/fuzz.sh builds it instrumented (AddressSanitizer, coverage) and linked
/// with libFuzzer; built normally, the executable replays corpus files (`protocol-fuzz
/// FILE...`), which is how a crash found by a long run becomes a regression check.
///
/// The properties, each a crash when broken:
/// - no line longer than the limit ever comes out, and after `.tooLong` nothing does;
/// - every line that is not blank or a comment gets exactly one reply, and every reply is
///   well formed: in text, numbered lines of one code, `NNN-` continued and `NNN ` last, no
///   line break inside a line; in JSON, one line, `NNN {...}`, that JSONSerialization reads.
enum ProtocolFuzz {
    /// A small limit, so that short inputs reach it.
    static let maxLineBytes = 256

    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        // The first byte picks how the stream arrives: whole, or cut into chunks of 1 to 31
        // bytes, as TCP or a slow terminal might deliver it.
        let chunk = Int(first % 32)
        let stream = bytes.dropFirst()
        var buffer = LineBuffer(maxLineBytes: maxLineBytes)
        var events: [LineBuffer.Event] = []
        var closed = false
        var index = stream.startIndex
        while index < stream.endIndex, !closed {
            let end = chunk == 0 ? stream.endIndex : min(stream.endIndex, index + chunk)
            for event in buffer.append(stream[index..<end]) {
                precondition(!closed, "an event after .tooLong")
                if case .tooLong = event { closed = true }
                events.append(event)
            }
            index = end
        }
        var replies = 0
        var expected = 0
        for event in events {
            switch event {
            case .line(let text):
                precondition(text.utf8.count <= maxLineBytes + 1, "a line over the limit came out")
                guard let reply = reply(to: text) else { continue }
                expected += 1
                check(reply)
                replies += 1
            case .invalidUTF8:
                expected += 1
                check(.error(.badRequest, "request is not valid UTF-8"))
                replies += 1
            case .tooLong:
                expected += 1
                check(.error(.tooLong, "request line longer than \(maxLineBytes) bytes; closing"))
                replies += 1
            }
        }
        precondition(replies == expected, "a line without its one reply")
    }

    /// What the session would answer before running anything: a parse error, or (standing in
    /// for a command's reply) the parsed words echoed back as data.
    static func reply(to line: String) -> Reply? {
        do {
            guard let request = try Request.parse(line) else { return nil }
            _ = request.fingerprint
            return Reply(.ok, request.line, blocks: [
                .record(request.named.map { Field($0.key, .text($0.value)) }),
                .table(Table(columns: [Table.Column("word")], rows: request.positional.map { [.text($0)] })),
                .lines(key: "flags", request.flags.sorted()),
            ])
        } catch {
            guard case .badRequest(let message) = error else { return .error(.badRequest, "\(error)") }
            return .error(.badRequest, message)
        }
    }

    static func check(_ reply: Reply) {
        let code = String(reply.status.rawValue)
        let lines = TextRenderer.render(reply)
        precondition(!lines.isEmpty, "an empty text reply")
        for (position, line) in lines.enumerated() {
            precondition(!line.contains(where: \.isNewline), "a line break inside a reply line")
            let last = position == lines.count - 1
            // Bytes: a client reads the frame as bytes, and a text that starts with a combining
            // mark joins the frame's "-" in one Character.
            precondition(line.utf8.starts(with: (code + (last ? " " : "-")).utf8), "a reply line not framed as \(code): \(line)")
        }
        let json = JSONRenderer.render(reply)
        precondition(!json.contains(where: \.isNewline), "a JSON reply over more than one line")
        precondition(!json.unicodeScalars.contains { $0 == "\u{2028}" || $0 == "\u{2029}" }, "a line separator in JSON")
        precondition(json.utf8.starts(with: (code + " {").utf8), "a JSON reply not framed as \(code)")
        let object = Data(json.utf8.dropFirst(code.utf8.count + 1))
        precondition((try? JSONSerialization.jsonObject(with: object)) is [String: Any], "a JSON reply that is not an object: \(json)")
    }
}

/// libFuzzer's callback.
private let testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    ProtocolFuzz.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@main
enum ProtocolFuzzMain {
    /// Built for fuzzing (deploy/fuzz.sh links libFuzzer without its own main), hands the
    /// command line to libFuzzer's driver; otherwise replays the files and folders named.
    static func main() throws {
        typealias Driver = @convention(c) (
            UnsafeMutablePointer<CInt>, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
            @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
        ) -> CInt
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "LLVMFuzzerRunDriver") {
            let driver = unsafeBitCast(symbol, to: Driver.self)
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(driver(&argc, &argv, testOneInput))
        }
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let files = isDirectory.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).map { path + "/" + $0 }
                : [path]
            for file in files {
                ProtocolFuzz.run(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
                count += 1
            }
        }
        print("replayed \(count) inputs")
    }
}
