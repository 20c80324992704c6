import ArgumentParser
import Glibc
import PartsClient

@main
struct PartsCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partsctl",
        abstract: "Talk to partsd over its admin socket.",
        discussion: """
            One-shot: the words after the options are joined into one request line; a word \
            with a space, a double quote or a backslash is quoted for you (note="left door" \
            can be typed as 'note=left door'). Options go before the command words: \
            everything from the first command word on is sent, --wait included.

              partsctl stock show P-1001
              partsctl issue MAIN P-1001:2 to=WO-88 'note=left front door' ref=wo88-1
              partsctl --json stock show P-1001 | python3 -m json.tool
              partsctl job run reorder --wait

            Output: the data lines of a reply without their "NNN-" prefixes, then the reply's \
            last line as it came ("201 CREATED GI-2026-000042", "409 CONFLICT ..."). --raw \
            prints every line exactly as received; --json prints only the JSON object of each \
            reply (the line after "NNN "). --body prints only the data lines, without their codes, \
            and the last line only when it is an error (on stderr): what a file should hold, such \
            as a tag's SVG label or a CSV export.

              partsctl --body claim tag TG-2026-000001 --svg > TG-2026-000001.svg
              partsctl --body batch export RB-2026-000001 > RB-2026-000001.csv

            With no command words and a terminal on stdin: an interactive session with line \
            editing and history (~/.partsctl_history, the last 1000 lines); quit or Ctrl-D \
            leaves. With no command words and stdin not a terminal: one request per input \
            line (empty lines and lines starting with # are skipped), every reply printed.

            --import-history FILE sends a CSV of past demand (part_no,location,date,quantity; a \
            header row is skipped) as history add commands of at most --batch lines each, each \
            with a ref= of its own text: running the same import again adds nothing twice.

              partsctl --import-history old-system-issues.csv

            Going live (columns by header name, any order; RFC 4180 quoting; --encoding gb18030 \
            or utf-8, a UTF-8 byte order mark recognised): --import-parts FILE (part_no, \
            description, unit, cost, category, pack, lead_days, supplier, warranty_return, \
            serialized, fill_rate: sent as part load requests of --batch rows, new parts added, \
            differing ones changed, the rest unchanged); --import-stock FILE (location, part_no, quantity, unit_cost, serial: opening \
            balances as receipts of --batch lines, each with a ref= of its own text); \
            --import-count FILE (location, part_no, counted: one adjust per location). A bad row \
            is named by line and column and stops the import, or with --rejects FILE is written \
            there with its reason and the import goes on. --export-parts, --export-stock \
            [--location] and --export-count --location write what the imports read.

              partsctl --import-parts parts.csv --encoding gb18030 --rejects rejected.csv
              partsctl --export-count sheet.csv --location MAIN

            Exit status: 0 when every reply was 2xx, 1 when the worst was 4xx, 2 on a 5xx \
            reply or when the daemon cannot be reached or drops the connection.
            """,
        version: "partsctl 0.1.0"
    )

    @Option(name: .long, help: ArgumentHelp(
        "The admin socket (default: $PARTSD_SOCKET, else /run/partsd/admin.sock).",
        valueName: "path"))
    var socket: String?

    @Flag(name: .long, help: "Switch the session to JSON (format json) and print only each reply's JSON object.")
    var json = false

    @Flag(name: .long, help: "Print reply lines exactly as received, codes and all.")
    var raw = false

    @Flag(name: .long, help: ArgumentHelp(
        "Print only each reply's data lines, without codes (an error's last line goes to stderr), "
            + "e.g. partsctl --body claim tag TG-2026-000001 --svg > tag.svg"))
    var body = false

    @Option(name: .long, help: ArgumentHelp(
        "Seconds to wait for the daemon at any one time; 0 waits forever (default 30, or 0 with --wait).",
        valueName: "seconds"))
    var timeout: Double?

    @Option(name: [.customShort("c"), .customLong("line")], help: ArgumentHelp(
        "Send this request line as written, with no quoting added (repeatable, sent before the command words).",
        valueName: "line"))
    var lines: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Import past demand from this CSV file (part_no,location,date,quantity) with history add.",
        valueName: "file"))
    var importHistory: String?

    @Option(name: .long, help: ArgumentHelp(
        "Import the parts master from this CSV file (part_no, description, unit, cost, ... by header name).",
        valueName: "file"))
    var importParts: String?

    @Option(name: .long, help: ArgumentHelp(
        "Import opening stock from this CSV file (location, part_no, quantity, unit_cost; serial for a unit of a serialised part) as goods receipts.",
        valueName: "file"))
    var importStock: String?

    @Option(name: .long, help: ArgumentHelp(
        "Post a filled-in count sheet (location, part_no, counted) as one adjust per location.", valueName: "file"))
    var importCount: String?

    @Option(name: .long, help: ArgumentHelp("Write the parts master to this CSV file (part export).", valueName: "file"))
    var exportParts: String?

    @Option(name: .long, help: ArgumentHelp("Write stock on hand to this CSV file (stock export; --location for one).",
                                            valueName: "file"))
    var exportStock: String?

    @Option(name: .long, help: ArgumentHelp("Write the count sheet of --location to this CSV file, to fill in.",
                                            valueName: "file"))
    var exportCount: String?

    @Option(name: .long, help: ArgumentHelp("The location of --export-stock or --export-count.", valueName: "code"))
    var location: String?

    @Option(name: .long, help: ArgumentHelp(
        "The encoding of the CSV files read and written: utf-8 (default; a UTF-8 byte order mark is recognised) or gb18030.",
        valueName: "name"))
    var encoding = "utf-8"

    @Option(name: .long, help: ArgumentHelp(
        "Write rejected rows to this CSV file, with a reject_reason column, and go on (default: stop at the first).",
        valueName: "file"))
    var rejects: String?

    @Option(name: .long, help: ArgumentHelp("The reason of the adjusts --import-count posts (default: stocktake).", valueName: "text"))
    var reason = "stocktake"

    @Option(name: .long, help: ArgumentHelp(
        "Lines per command when importing: history lines, parts, receipt lines, count lines (1 to 200, default 100).", valueName: "n"))
    var batch = 100

    @Option(name: .long, help: ArgumentHelp("Connections an import sends over at once (1 to 16, default 4).", valueName: "n"))
    var connections = 4

    /// The file operation asked for, if any: at most one a run.
    private var fileJobs: [String] {
        [importHistory, importParts, importStock, importCount, exportParts, exportStock, exportCount].compactMap { $0 }
    }

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp(
        "The request: a command and its arguments, e.g. stock show P-1001.", valueName: "command words"))
    var words: [String] = []

    func validate() throws {
        // Options go before the command words, so a first word that looks like an option was
        // not recognised as one (captureForPassthrough takes it as a word).
        if let first = words.first, first.hasPrefix("-"), first != "--" {
            switch first {
            case "-h", "--help", "-help": throw CleanExit.helpRequest(self)
            case "--version": throw CleanExit.message(PartsCtl.configuration.version)
            default: throw ValidationError("unknown option '\(first)' (options go before the command words)")
            }
        }
        if let timeout, timeout < 0 || !timeout.isFinite {
            throw ValidationError("--timeout must be 0 or more seconds")
        }
        guard (1...200).contains(batch) else { throw ValidationError("--batch must be 1 to 200") }
        guard (1...16).contains(connections) else { throw ValidationError("--connections must be 1 to 16") }
        if fileJobs.count > 1 { throw ValidationError("give one of --import-* and --export-* at a time") }
        if !fileJobs.isEmpty, !(words.isEmpty && lines.isEmpty) {
            throw ValidationError("an import or export sends the file; give no command words with it")
        }
        if TextEncoding(name: encoding) == nil { throw ValidationError("--encoding must be utf-8 or gb18030, got \(encoding)") }
        if exportCount != nil, location == nil { throw ValidationError("--export-count needs --location") }
        if (words + lines).contains(where: { $0.contains("\n") || $0.contains("\r") }) {
            throw ValidationError("a request is one line: words may not contain a line break")
        }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        var requests = lines
        let commandWords = words.first == "--" ? Array(words.dropFirst()) : words
        if !commandWords.isEmpty { requests.append(RequestLine.join(commandWords)) }
        let waits = requests.contains { $0.split(separator: " ").contains("--wait") }
        let session = Session(
            socketPath: socketPath,
            timeoutSeconds: timeout ?? (waits ? 0 : 30),
            json: json,
            printer: ReplyPrinter(mode: json ? .json : raw ? .raw : body ? .body : .pretty)
        )
        let status: Int32
        let textEncoding = TextEncoding(name: encoding)!
        if let importHistory {
            status = session.runImport(path: importHistory, connections: connections, encoding: textEncoding, rejects: rejects,
                                       known: HistoryImport.columns, required: HistoryImport.columns,
                                       positional: HistoryImport.columns) { run, connection in
                HistoryImport(run: run, batchSize: batch).start()
            }
        } else if let importParts {
            status = session.runImport(path: importParts, connections: connections, encoding: textEncoding, rejects: rejects,
                                       known: PartsImport.columns, required: ["part_no"]) { run, connection in
                PartsImport(run: run, connection: connection, batchSize: batch).start()
                return run.finish(what: "parts")
            }
        } else if let importStock {
            status = session.runImport(path: importStock, connections: connections, encoding: textEncoding, rejects: rejects,
                                       known: StockImport.known, required: StockImport.required) { run, connection in
                StockImport(run: run, connection: connection, batchSize: batch).start()
                return run.finish(what: "opening balances")
            }
        } else if let importCount {
            status = session.runImport(path: importCount, connections: connections, encoding: textEncoding, rejects: rejects,
                                       known: CountImport.columns, required: CountImport.required) { run, connection in
                CountImport(run: run, batchSize: batch, reason: reason).start()
                return run.finish(what: "counts")
            }
        } else if let exportParts {
            status = session.runJSON { Export(kind: .parts, encoding: textEncoding).run(path: exportParts, connection: $0) }
        } else if let exportStock {
            status = session.runJSON { Export(kind: .stock(location: location), encoding: textEncoding).run(path: exportStock, connection: $0) }
        } else if let exportCount, let location {
            status = session.runJSON { Export(kind: .countSheet(location: location), encoding: textEncoding).run(path: exportCount, connection: $0) }
        } else if !requests.isEmpty {
            status = session.runOneShot(requests)
        } else if isatty(0) != 0 {
            status = session.runInteractive()
        } else {
            status = session.runBatch(input: 0)
        }
        if status != 0 { throw ExitCode(status) }
    }

    private var socketPath: String {
        if let socket { return socket }
        if let value = getenv("PARTSD_SOCKET"), value.pointee != 0 { return String(cString: value) }
        return "/run/partsd/admin.sock"
    }
}

/// Exit status for a reply code: 0 for 2xx, 1 for 4xx, 2 for 5xx.
func exitStatus(forCode code: Int) -> Int32 {
    code < 400 ? 0 : code < 500 ? 1 : 2
}

struct ReplyPrinter {
    enum Mode { case pretty, raw, json, body }
    let mode: Mode

    /// One reply line as this mode shows it: `pretty` drops the `NNN-` of data lines and keeps
    /// the last line whole, `raw` keeps everything, `json` shows a JSON reply's object only,
    /// `body` is `pretty` for the data lines (its last lines are routed by `streaming`).
    func render(line: String) -> String {
        let separator = Reply.separator(of: line)
        switch mode {
        case .raw:
            return line
        case .pretty, .json, .body:
            if separator == "-" { return String(line.dropFirst(4)) }
            if mode == .json, line.utf8.count > 4, line.dropFirst(4).first == "{" { return String(line.dropFirst(4)) }
            return line
        }
    }

    func render(_ reply: Reply) -> String {
        reply.lines.map { render(line: $0) + "\n" }.joined()
    }

    func print(_ reply: Reply, to fd: Int32 = 1) {
        Output.write(render(reply), to: fd)
    }

    /// A line handler for `AdminConnection.send(_:eachLine:)`: prints each line as it arrives.
    /// In `body` mode a reply's last line is left out, so that the output is a file's content,
    /// but for an error's, which goes to stderr (the exit status says how it went).
    func streaming(to fd: Int32 = 1) -> (String) -> Void {
        { line in
            if mode == .body, Reply.separator(of: line) != "-" {
                if !line.hasPrefix("2") { Output.write(line + "\n", to: 2) }
                return
            }
            Output.write(render(line: line) + "\n", to: fd)
        }
    }
}

/// One connection's worth of work, in one of the three modes.
final class Session {
    let socketPath: String
    let timeoutSeconds: Double
    let json: Bool
    let printer: ReplyPrinter
    private var connection: AdminConnection?

    init(socketPath: String, timeoutSeconds: Double, json: Bool, printer: ReplyPrinter) {
        self.socketPath = socketPath
        self.timeoutSeconds = timeoutSeconds
        self.json = json
        self.printer = printer
    }

    /// Connects, checks the greeting and, with --json, switches the session to JSON.
    /// On failure prints why and returns the exit status.
    private func connect() -> Result<AdminConnection, ExitStatus> {
        let connection: AdminConnection
        do {
            connection = try AdminConnection(socketPath: socketPath, timeoutSeconds: timeoutSeconds)
        } catch {
            Output.error(error.description)
            return .failure(ExitStatus(2))
        }
        guard connection.greeting.isSuccess else {
            printer.print(connection.greeting, to: 2)
            return .failure(ExitStatus(exitStatus(forCode: connection.greeting.code)))
        }
        if json {
            do {
                let reply = try connection.send("format json")
                guard reply.isSuccess else {
                    printer.print(reply, to: 2)
                    return .failure(ExitStatus(exitStatus(forCode: reply.code)))
                }
            } catch {
                Output.error(error.description)
                return .failure(ExitStatus(2))
            }
        }
        return .success(connection)
    }

    struct ExitStatus: Error { let value: Int32; init(_ value: Int32) { self.value = value } }

    /// Runs `body` on a new connection and closes it after; when none could be made, the exit
    /// status saying why.
    private func withConnection(_ body: (AdminConnection) -> Int32) -> Int32 {
        switch connect() {
        case .success(let connection):
            defer { connection.close() }
            return body(connection)
        case .failure(let status):
            return status.value
        }
    }

    /// Sends each line, prints each reply, returns the worst status.
    func runOneShot(_ requests: [String]) -> Int32 {
        withConnection { connection in
            var worst: Int32 = 0
            for request in requests {
                do throws(AdminClientError) {
                    let reply = try connection.send(request, eachLine: printer.streaming())
                    worst = max(worst, exitStatus(forCode: reply.code))
                } catch {
                    Output.error(error.description)
                    return 2
                }
            }
            return worst
        }
    }

    /// A CSV import over one JSON-mode connection: the file is opened and its header checked
    /// before the daemon is asked anything.
    func runImport(path: String, connections: Int, encoding: TextEncoding, rejects: String?, known: [String], required: [String],
                   positional: [String]? = nil, _ body: (ImportRun, AdminConnection) -> Int32) -> Int32 {
        let file: CSVFile
        do {
            file = try CSVFile(path: path, encoding: encoding, known: known + [ImportRun.rejectColumn], required: required,
                               positional: positional)
        } catch {
            Output.error(error.described(path: path))
            return 1
        }
        let sender = ParallelSender(socketPath: socketPath, timeoutSeconds: timeoutSeconds, connections: connections)
        return runJSON { connection in
            body(ImportRun(file: file, encoding: encoding, rejectsPath: rejects, sender: sender), connection)
        }
    }

    /// Runs `body` on a connection switched to JSON, which partsctl reads rows and messages from.
    func runJSON(_ body: (AdminConnection) -> Int32) -> Int32 {
        withConnection { connection in
            do throws(AdminClientError) {
                let reply = try connection.send("format json")
                guard reply.isSuccess else {
                    printer.print(reply, to: 2)
                    return exitStatus(forCode: reply.code)
                }
            } catch {
                Output.error(error.description)
                return 2
            }
            return body(connection)
        }
    }

    /// Reads request lines from a file descriptor, one by one, and prints every reply.
    func runBatch(input fd: Int32) -> Int32 {
        withConnection { connection in
            var reader = FileLineReader(fd: fd)
            var worst: Int32 = 0
            var lineNumber = 0
            while let line = reader.next() {
                lineNumber += 1
                let firstWord = line.firstIndex { $0 != 32 && $0 != 9 }
                guard let firstWord, line[firstWord] != UInt8(ascii: "#") else { continue }  // the daemon ignores these: no reply
                do throws(AdminClientError) {
                    try connection.sendRaw(line + [10])
                    let reply = try connection.readReply(eachLine: printer.streaming())
                    worst = max(worst, exitStatus(forCode: reply.code))
                    if reply.word == "BYE" { break }
                } catch {
                    Output.error("input line \(lineNumber): \(error.description)")
                    return 2
                }
            }
            return worst
        }
    }

    /// The prompt loop on a terminal.
    func runInteractive() -> Int32 {
        switch connect() {
        case .success(let made): connection = made
        case .failure(let status): return status.value
        }
        defer { connection?.close() }
        let greeting = connection!.greeting
        Output.write(greeting.lines.joined(separator: "\n") + "\n")
        Output.write("Type help for the commands, quit or Ctrl-D to leave.\n")
        let editor = LineEditor(history: History(path: History.defaultPath))
        let prompt = Session.prompt(from: greeting)
        while let line = editor.readLine(prompt: prompt) {
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty { continue }
            editor.history.add(trimmed)
            if trimmed.hasPrefix("#") { continue }
            if connection == nil {
                switch connect() {
                case .success(let made):
                    connection = made
                    Output.write("(connected again)\n")
                case .failure:
                    continue
                }
            }
            do {
                let reply = try connection!.send(line, eachLine: printer.streaming())
                if reply.word == "BYE" { return 0 }
            } catch {
                Output.error("\(error.description); the command may or may not have been carried out")
                connection?.close()
                connection = nil
            }
        }
        return 0
    }

    /// `user@role partsd> ` from the greeting's `user=` and `role=` words.
    static func prompt(from greeting: Reply) -> String {
        var user = ""
        var role = ""
        for word in greeting.lastText.split(separator: " ") {
            if word.hasPrefix("user=") { user = String(word.dropFirst(5)) }
            if word.hasPrefix("role=") { role = String(word.dropFirst(5)) }
        }
        if user.isEmpty { return "partsd> " }
        return role.isEmpty ? "\(user) partsd> " : "\(user)@\(role) partsd> "
    }
}

extension String {
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
