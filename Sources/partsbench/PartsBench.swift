import ArgumentParser
import Glibc
import PartsClient

@main
struct PartsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partsbench",
        abstract: "Load generator for partsd's admin socket.",
        discussion: """
            Starts --clients threads, each with its own connection, each sending the template \
            in a closed loop (send, wait for the reply, send again) for --seconds. \
            Placeholders: {part} a random part number from --parts-file or from \
            --part-prefix/--part-start/--part-count ({part2} and {part3} the two after it, \
            for documents of several lines), {client} the client's number (1...N), \
            {seq} the request's number within its client (1, 2, ...), {rand} a random number. \
            With --mix WEIGHT:TEMPLATE given several times, each request is one of those \
            templates, drawn by weight (a mix of issues, receipts and transfers).

            Prints one line of key=value results, e.g.
              clients=16 seconds=10.0 requests=51240 ok=51234 errors=6 io_errors=0 rate=5123.4 \
            p50_ms=2.9 p90_ms=5.0 p99_ms=8.1 max_ms=30.2 codes=201:51234,409:6
            rate is successful (2xx) replies per second; the latencies are of all replies.
            Exit status 0 when every reply was 2xx, 1 when some were not, 2 when the run \
            could not be made (no connection).
            """
    )

    @Option(name: .long, help: ArgumentHelp("The admin socket (default: $PARTSD_SOCKET, else /run/partsd/admin.sock).", valueName: "path"))
    var socket: String?

    @Option(name: .long, help: "Concurrent clients (threads, one connection each).")
    var clients = 1

    @Option(name: .long, help: "How long to run, in seconds.")
    var seconds = 10.0

    @Option(name: .long, help: "Seconds of load before measuring starts (replies in it are not counted).")
    var warmup = 0.0

    @Option(name: .long, help: "The request line, with placeholders.")
    var template = "issue MAIN {part}:1 ref=b{client}-{seq}"

    @Option(name: .long, help: ArgumentHelp("A weighted template (WEIGHT:TEMPLATE); given several times, requests are drawn from them by weight instead of --template.", valueName: "weight:template"))
    var mix: [String] = []

    @Option(name: .long, help: ArgumentHelp("A file of part numbers, one per line.", valueName: "file"))
    var partsFile: String?

    @Option(name: .long, help: "Part numbers are PREFIX + number when no --parts-file is given.")
    var partPrefix = "P-"

    @Option(name: .long, help: "The first part number.")
    var partStart = 1

    @Option(name: .long, help: "How many part numbers (from --part-start on).")
    var partCount = 10000

    @Option(name: .long, help: "Zero-pad part numbers to this many digits (0: no padding).")
    var partWidth = 0

    @Flag(name: .long, help: "Switch each connection to JSON replies (format json) first.")
    var json = false

    @Option(name: .long, help: "Seed for the random choices (default: from the clock).")
    var seed: UInt64?

    @Option(name: .long, help: "Per-request timeout in seconds.")
    var timeout = 30.0

    @Flag(name: .long, help: "Send a line that got no answer (the daemon killed, the database away: 503) again, with its ref, until answered or --timeout passes.")
    var retryUnanswered = false

    @Option(name: .long, help: ArgumentHelp("Append every line that succeeded, a tab and the last text of its reply, to this file.", valueName: "file"))
    var acknowledged: String?

    func validate() throws {
        guard clients >= 1, clients <= 1024 else { throw ValidationError("--clients must be 1...1024") }
        guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must be more than 0 and at most 3600") }
        guard warmup >= 0, warmup <= 600 else { throw ValidationError("--warmup must be 0...600") }
        guard partCount >= 1 else { throw ValidationError("--part-count must be at least 1") }
        guard !template.contains("\n") else { throw ValidationError("--template must be one line") }
        _ = try templateMix()
    }

    /// --template alone, or the --mix templates with their weights.
    private func templateMix() throws -> TemplateMix {
        guard !mix.isEmpty else { return TemplateMix([(1, Template(template))]) }
        return TemplateMix(try mix.map { entry in
            guard let colon = entry.firstIndex(of: ":"), let weight = Int(entry[..<colon]), weight > 0,
                  !entry.contains("\n") else {
                throw ValidationError("--mix takes WEIGHT:TEMPLATE with a positive whole weight, got '\(entry)'")
            }
            return (weight, Template(String(entry[entry.index(after: colon)...])))
        })
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let parts = try partNumbers()
        let path = socket ?? (getenv("PARTSD_SOCKET").map { String(cString: $0) }).flatMap { $0.isEmpty ? nil : $0 }
            ?? "/run/partsd/admin.sock"
        let plan = RunPlan(
            socketPath: path, templates: try templateMix(), parts: parts, json: json,
            warmupNanos: UInt64(warmup * 1e9), measureNanos: UInt64(seconds * 1e9),
            timeoutSeconds: timeout, seed: seed ?? UInt64(truncatingIfNeeded: monotonicNanos() ^ UInt64(getpid()) << 32),
            retryUnanswered: retryUnanswered, keepAcknowledged: acknowledged != nil
        )
        let results = try runThreads(plan: plan, clients: clients)
        let summary = Summary(results: results, clients: clients, seconds: seconds)
        Output.line(summary.line)
        if let acknowledged {
            let fd = open(acknowledged, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ValidationError("cannot open \(acknowledged): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            for result in results {
                for entry in result.acknowledged { Output.line(entry.line + "\t" + entry.text, to: fd) }
            }
        }
        if summary.connectFailures == clients { throw ExitCode(2) }
        if summary.errors > 0 || summary.ioErrors > 0 { throw ExitCode(1) }
    }

    private func partNumbers() throws -> [String] {
        guard let partsFile else {
            return (partStart..<(partStart + partCount)).map { number in
                var digits = String(number)
                if digits.count < partWidth { digits = String(repeating: "0", count: partWidth - digits.count) + digits }
                return partPrefix + digits
            }
        }
        let fd = open(partsFile, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ValidationError("cannot open \(partsFile): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        let parts = bytes.split(separator: 10).compactMap { line -> String? in
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: " \t\r")
            return text.isEmpty || text.hasPrefix("#") ? nil : text
        }
        guard !parts.isEmpty else { throw ValidationError("\(partsFile) names no parts") }
        return parts
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        guard let first = firstIndex(where: { !set.contains($0) }), let last = lastIndex(where: { !set.contains($0) }) else { return "" }
        return String(self[first...last])
    }
}

enum Output {
    static func line(_ text: String, to fd: Int32 = 1) {
        let bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}

func monotonicNanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// The request template, split once into literal text and placeholders.
struct Template: Sendable {
    enum Piece: Sendable { case text(String), part(Int), client, seq, rand }
    let pieces: [Piece]

    init(_ template: String) {
        var pieces: [Piece] = []
        var rest = Substring(template)
        let names: [(String, Piece)] = [("{part}", .part(0)), ("{part2}", .part(1)), ("{part3}", .part(2)),
                                        ("{client}", .client), ("{seq}", .seq), ("{rand}", .rand)]
        var literal = ""
        while !rest.isEmpty {
            if let (name, piece) = names.first(where: { rest.hasPrefix($0.0) }) {
                if !literal.isEmpty { pieces.append(.text(literal)) }
                literal = ""
                pieces.append(piece)
                rest = rest.dropFirst(name.count)
            } else {
                literal.append(rest.removeFirst())
            }
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        self.pieces = pieces
    }

    /// `part`: the drawn part's index in `parts`; {part2} and {part3} are the ones after it,
    /// so the parts of one line differ (given three or more).
    func render(parts: [String], part: Int, client: Int, seq: Int, rand: UInt64) -> String {
        var line = ""
        for piece in pieces {
            switch piece {
            case .text(let text): line += text
            case .part(let offset): line += parts[(part + offset) % parts.count]
            case .client: line += String(client)
            case .seq: line += String(seq)
            case .rand: line += String(rand % 1_000_000_000)
            }
        }
        return line
    }
}

/// Templates with weights; a draw picks one in proportion to its weight.
struct TemplateMix: Sendable {
    let templates: [Template]
    /// Running totals of the weights.
    let bounds: [UInt64]

    init(_ weighted: [(Int, Template)]) {
        templates = weighted.map(\.1)
        var total: UInt64 = 0
        bounds = weighted.map { total += UInt64($0.0); return total }
    }

    func pick(_ draw: UInt64) -> Template {
        guard templates.count > 1 else { return templates[0] }
        let point = draw % bounds[bounds.count - 1]
        return templates[bounds.firstIndex { point < $0 }!]
    }
}

/// SplitMix64: small, fast, and good enough to pick parts.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What every client thread needs to know; immutable and shared.
struct RunPlan: Sendable {
    let socketPath: String
    let templates: TemplateMix
    let parts: [String]
    let json: Bool
    let warmupNanos: UInt64
    let measureNanos: UInt64
    let timeoutSeconds: Double
    let seed: UInt64
    let retryUnanswered: Bool
    let keepAcknowledged: Bool
}

/// What one client thread measured. Each thread fills its own; they are merged after join.
struct ClientResult: Sendable {
    var codes: [Int: Int] = [:]
    var latenciesMicros: [UInt32] = []
    var ioErrors = 0
    var connectFailed = false
    var firstError: String?
    var measureStart: UInt64 = 0
    var measureEnd: UInt64 = 0
    /// With --retry-unanswered: 503 answers waited out, and lines that got no answer in time.
    var unavailable = 0
    var unanswered = 0
    /// With --acknowledged: every line that succeeded, with the last text of its reply.
    var acknowledged: [(line: String, text: String)] = []
}
