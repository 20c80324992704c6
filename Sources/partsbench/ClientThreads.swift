import Glibc
import PartsClient

/// One client's work, handed to its own pthread.
///
/// Ownership, not locking, keeps this safe: `runThreads` creates the job, passes it retained to
/// `pthread_create` and never touches it again until `pthread_join` has returned it, so exactly
/// one thread uses a job at any time. The only object the threads share is the barrier, which
/// is made for that. The class is not `Sendable` and needs no `@unchecked`: the hand-over goes
/// through an opaque pointer that the compiler does not check.
private final class ClientJob {
    let plan: RunPlan
    let client: Int
    let barrier: UnsafeMutablePointer<pthread_barrier_t>
    var result = ClientResult()

    init(plan: RunPlan, client: Int, barrier: UnsafeMutablePointer<pthread_barrier_t>) {
        self.plan = plan
        self.client = client
        self.barrier = barrier
    }

    private func connect() -> AdminConnection? {
        do {
            let connection = try AdminConnection(socketPath: plan.socketPath, timeoutSeconds: plan.timeoutSeconds)
            guard connection.greeting.isSuccess else {
                result.firstError = result.firstError ?? "greeting: \(connection.greeting.description)"
                return nil
            }
            if plan.json {
                let reply = try connection.send("format json")
                guard reply.isSuccess else {
                    result.firstError = result.firstError ?? "format json: \(reply.description)"
                    return nil
                }
            }
            return connection
        } catch {
            result.firstError = result.firstError ?? error.description
            return nil
        }
    }

    /// Sends `line` until a reply that is not 503 comes, reconnecting when the daemon went
    /// away (killed, restarting) and waiting out a database that is not there; nil when the
    /// time is up. 503s are counted: they are the answers of the moments without service.
    private func sendUntilAnswered(_ line: String, _ connection: inout AdminConnection?, giveUpAt: UInt64) -> Reply? {
        while monotonicNanos() < giveUpAt {
            if connection == nil { connection = connect() }
            guard let open = connection else {
                usleep(50_000)
                continue
            }
            do {
                let reply = try open.send(line)
                if reply.code != 503 { return reply }
                result.unavailable += 1
                usleep(50_000)
            } catch {
                result.ioErrors += 1
                open.close()
                connection = nil
                usleep(50_000)
            }
        }
        return nil
    }

    func run() {
        var connection = connect()
        result.connectFailed = connection == nil
        // Everyone connects first, then all start together.
        pthread_barrier_wait(barrier)
        guard connection != nil else { return }

        let start = monotonicNanos()
        let measureStart = start + plan.warmupNanos
        let end = measureStart + plan.measureNanos
        result.measureStart = measureStart
        result.latenciesMicros.reserveCapacity(1 << 16)
        var random = SplitMix64(state: plan.seed &+ UInt64(client) &* 0xD1B5_4A32_D192_ED03)
        var seq = 0
        var lastDone = start
        while true {
            let before = monotonicNanos()
            if before >= end { break }
            seq += 1
            let part = Int(random.next() % UInt64(plan.parts.count))
            let template = plan.templates.pick(random.next())
            let line = template.render(parts: plan.parts, part: part, client: client, seq: seq, rand: random.next())
            let reply: Reply
            if plan.retryUnanswered {
                // The same line (so the same ref) again until it is answered by the database.
                guard let answered = sendUntilAnswered(line, &connection, giveUpAt: before + UInt64(plan.timeoutSeconds * 1e9)) else {
                    result.unanswered += 1
                    continue
                }
                reply = answered
            } else if let open = connection {
                do {
                    reply = try open.send(line)
                } catch {
                    if before >= measureStart { result.ioErrors += 1 }
                    result.firstError = result.firstError ?? error.description
                    open.close()
                    connection = connect()
                    if connection == nil { usleep(10_000) }
                    continue
                }
            } else {
                connection = connect()
                if connection == nil { usleep(10_000) }
                continue
            }
            let code = reply.code
            if plan.keepAcknowledged, reply.isSuccess { result.acknowledged.append((line, reply.lastText)) }
            let after = monotonicNanos()
            lastDone = after
            guard before >= measureStart else { continue }
            result.codes[code, default: 0] += 1
            result.latenciesMicros.append(UInt32(clamping: (after - before) / 1000))
        }
        connection?.close()
        result.measureEnd = max(lastDone, end)
    }
}

/// Runs one thread per client and returns each one's result after all have finished.
func runThreads(plan: RunPlan, clients: Int) throws -> [ClientResult] {
    let barrier = UnsafeMutablePointer<pthread_barrier_t>.allocate(capacity: 1)
    defer { barrier.deallocate() }
    pthread_barrier_init(barrier, nil, UInt32(clients + 1))
    defer { pthread_barrier_destroy(barrier) }

    var threads: [pthread_t] = []
    for client in 1...clients {
        let job = ClientJob(plan: plan, client: client, barrier: barrier)
        let context = Unmanaged.passRetained(job).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<ClientJob>.fromOpaque(context!).takeUnretainedValue().run()
            return context  // still retained: the joining thread takes it back
        }, context)
        guard status == 0 else {
            // The threads already started wait at the barrier for ever: give up at once.
            Output.line("partsbench: cannot start thread \(client): \(String(cString: strerror(status)))", to: 2)
            exit(2)
        }
        threads.append(thread)
    }
    pthread_barrier_wait(barrier)

    var results: [ClientResult] = []
    for thread in threads {
        var returned: UnsafeMutableRawPointer?
        pthread_join(thread, &returned)
        if let returned {
            results.append(Unmanaged<ClientJob>.fromOpaque(returned).takeRetainedValue().result)
        }
    }
    return results
}

/// The merged results and the one-line report.
struct Summary {
    let clients: Int
    let seconds: Double
    let requests: Int
    let ok: Int
    let errors: Int
    let ioErrors: Int
    let connectFailures: Int
    let elapsedSeconds: Double
    let codes: [Int: Int]
    let sortedMicros: [UInt32]
    let firstError: String?
    let unavailable: Int
    let unanswered: Int

    init(results: [ClientResult], clients: Int, seconds: Double) {
        self.clients = clients
        self.seconds = seconds
        var codes: [Int: Int] = [:]
        var micros: [UInt32] = []
        micros.reserveCapacity(results.reduce(0) { $0 + $1.latenciesMicros.count })
        for result in results {
            codes.merge(result.codes, uniquingKeysWith: +)
            micros.append(contentsOf: result.latenciesMicros)
        }
        micros.sort()
        self.codes = codes
        self.sortedMicros = micros
        self.requests = micros.count
        self.ok = codes.filter { $0.key < 400 }.values.reduce(0, +)
        self.errors = codes.filter { $0.key >= 400 }.values.reduce(0, +)
        self.ioErrors = results.reduce(0) { $0 + $1.ioErrors }
        self.connectFailures = results.filter(\.connectFailed).count
        let running = results.filter { !$0.connectFailed }
        if let first = running.map(\.measureStart).min(), let last = running.map(\.measureEnd).max(), last > first {
            self.elapsedSeconds = Double(last - first) / 1e9
        } else {
            self.elapsedSeconds = 0
        }
        self.firstError = results.compactMap(\.firstError).first
        self.unavailable = results.reduce(0) { $0 + $1.unavailable }
        self.unanswered = results.reduce(0) { $0 + $1.unanswered }
    }

    /// The latency below which `fraction` of the replies came, in milliseconds.
    func percentileMillis(_ fraction: Double) -> Double {
        guard !sortedMicros.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sortedMicros.count)).rounded(.up)) - 1
        return Double(sortedMicros[min(max(rank, 0), sortedMicros.count - 1)]) / 1000
    }

    var line: String {
        let rate = elapsedSeconds > 0 ? Double(ok) / elapsedSeconds : 0
        var fields = [
            "clients=\(clients)", "seconds=\(fixed(seconds, 1))", "elapsed=\(fixed(elapsedSeconds, 3))",
            "requests=\(requests)", "ok=\(ok)", "errors=\(errors)", "io_errors=\(ioErrors)",
            "unavailable=\(unavailable)", "unanswered=\(unanswered)",
            "connect_failures=\(connectFailures)", "rate=\(fixed(rate, 1))",
            "p50_ms=\(fixed(percentileMillis(0.50), 2))", "p90_ms=\(fixed(percentileMillis(0.90), 2))",
            "p99_ms=\(fixed(percentileMillis(0.99), 2))", "max_ms=\(fixed(percentileMillis(1.0), 2))",
            "codes=" + (codes.isEmpty ? "none" : codes.keys.sorted().map { "\($0):\(codes[$0]!)" }.joined(separator: ",")),
        ]
        if let firstError {
            // Last, and with spaces replaced, so the line stays key=value words.
            fields.append("first_error=" + String(firstError.prefix(200).map { $0 == " " || $0 == "\n" ? "_" : $0 }))
        }
        return fields.joined(separator: " ")
    }
}

/// `value` with exactly `digits` decimals (no Foundation formatting needed).
func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "0" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int64((abs(value) * scale).rounded())
    let whole = scaled / Int64(scale)
    let fraction = scaled % Int64(scale)
    var text = (value < 0 && scaled != 0 ? "-" : "") + String(whole)
    if digits > 0 {
        let fractionText = String(fraction)
        text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
    return text
}
