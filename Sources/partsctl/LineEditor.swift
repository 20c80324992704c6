import Glibc

/// The interactive history, kept in a file (the last `limit` lines, one per line).
struct History {
    private(set) var entries: [String] = []
    let path: String?
    let limit: Int

    init(path: String?, limit: Int = 1000) {
        self.path = path
        self.limit = limit
        guard let path else { return }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var reader = FileLineReader(fd: fd)
        while let line = reader.next() {
            if !line.isEmpty { entries.append(String(decoding: line, as: UTF8.self)) }
        }
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
    }

    /// `~/.partsctl_history`, or nil when there is no home directory.
    static var defaultPath: String? {
        guard let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty else { return nil }
        return home.hasSuffix("/") ? home + ".partsctl_history" : home + "/.partsctl_history"
    }

    /// Adds a line (not a repeat of the last one) and saves the file.
    mutating func add(_ line: String) {
        guard !line.isEmpty, entries.last != line else { return }
        entries.append(line)
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
        save()
    }

    /// Writes the history to a temporary file and renames it over the old one (mode 0600).
    private func save() {
        guard let path else { return }
        let temporary = path + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        var text = entries.joined(separator: "\n")
        text.append("\n")
        Output.write(text, to: fd)
        close(fd)
        if rename(temporary, path) != 0 { unlink(temporary) }
    }
}

/// A single-line editor on a terminal in raw mode: UTF-8 aware, wide (CJK) characters take two
/// columns, a line longer than the terminal scrolls sideways.
///
/// Keys: Left/Right (Ctrl-B/F), Home/End (Ctrl-A/E), Alt-B/F and Ctrl-Left/Right by word,
/// Backspace, Delete, Ctrl-D (delete, or end of input on an empty line), Ctrl-U (delete to the
/// start), Ctrl-K (delete to the end), Ctrl-W and Alt-Backspace (delete the word before),
/// Up/Down (Ctrl-P/N) through the history, Ctrl-L (clear screen), Ctrl-C (drop the line).
final class LineEditor {
    private let input: Int32
    private let output: Int32
    var history: History

    init(history: History, input: Int32 = 0, output: Int32 = 1) {
        self.history = history
        self.input = input
        self.output = output
    }

    /// Whether raw mode works here: a terminal that is not `TERM=dumb`.
    var canEdit: Bool {
        guard isatty(input) != 0 else { return false }
        if let term = getenv("TERM").map({ String(cString: $0) }), term == "dumb" { return false }
        var settings = termios()
        return tcgetattr(input, &settings) == 0
    }

    /// Reads one line; nil at end of input (Ctrl-D on an empty line, or input closed).
    func readLine(prompt: String) -> String? {
        guard canEdit else { return readPlainLine(prompt: prompt) }
        var original = termios()
        guard tcgetattr(input, &original) == 0 else { return readPlainLine(prompt: prompt) }
        var raw = original
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        // TCSADRAIN, not TCSAFLUSH: keep what the user typed (or pasted) ahead.
        guard tcsetattr(input, TCSADRAIN, &raw) == 0 else { return readPlainLine(prompt: prompt) }
        defer { tcsetattr(input, TCSADRAIN, &original) }
        var state = EditState(prompt: prompt, history: history.entries)
        return edit(&state)
    }

    private func readPlainLine(prompt: String) -> String? {
        Output.write(prompt, to: output)
        var bytes: [UInt8] = []
        while true {
            guard let byte = readByte() else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == 10 { break }
            bytes.append(byte)
        }
        if bytes.last == 13 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let count = read(input, &byte, 1)
            if count == 1 { return byte }
            if count < 0, errno == EINTR { continue }
            return nil
        }
    }

    private enum Key {
        case text(Character)
        case enter, endOfInput, interrupt
        case left, right, home, end, wordLeft, wordRight
        case backspace, delete, killToStart, killToEnd, deleteWordBefore, deleteOrEnd
        case up, down, clearScreen
        case ignored
    }

    private func edit(_ state: inout EditState) -> String? {
        refresh(state)
        while true {
            switch readKey() {
            case .endOfInput:
                Output.write("\n", to: output)
                return nil
            case .enter:
                state.cursor = state.characters.count
                refresh(state)
                Output.write("\n", to: output)
                return String(state.characters)
            case .interrupt:
                Output.write("^C\n", to: output)
                state.characters = []
                state.cursor = 0
            case .deleteOrEnd:
                if state.characters.isEmpty {
                    Output.write("\n", to: output)
                    return nil
                }
                state.deleteForward()
            case .text(let character): state.insert(character)
            case .left: state.cursor = max(0, state.cursor - 1)
            case .right: state.cursor = min(state.characters.count, state.cursor + 1)
            case .home: state.cursor = 0
            case .end: state.cursor = state.characters.count
            case .wordLeft: state.cursor = state.wordStart(before: state.cursor)
            case .wordRight: state.cursor = state.wordEnd(after: state.cursor)
            case .backspace: state.deleteBackward()
            case .delete: state.deleteForward()
            case .killToStart:
                state.characters.removeFirst(state.cursor)
                state.cursor = 0
            case .killToEnd:
                state.characters.removeLast(state.characters.count - state.cursor)
            case .deleteWordBefore:
                let start = state.wordStart(before: state.cursor)
                state.characters.removeSubrange(start..<state.cursor)
                state.cursor = start
            case .up: state.moveInHistory(by: -1)
            case .down: state.moveInHistory(by: 1)
            case .clearScreen: Output.write("\u{1B}[H\u{1B}[2J", to: output)
            case .ignored: continue
            }
            refresh(state)
        }
    }

    private func readKey() -> Key {
        guard let byte = readByte() else { return .endOfInput }
        switch byte {
        case 13, 10: return .enter
        case 1: return .home
        case 2: return .left
        case 3: return .interrupt
        case 4: return .deleteOrEnd
        case 5: return .end
        case 6: return .right
        case 8, 127: return .backspace
        case 11: return .killToEnd
        case 12: return .clearScreen
        case 14: return .down
        case 16: return .up
        case 21: return .killToStart
        case 23: return .deleteWordBefore
        case 27: return readEscape()
        case 0..<32: return .ignored
        case 0x80..<0xC0, 0xF8...0xFF: return .ignored  // a stray continuation or invalid byte
        default: return readUTF8(first: byte)
        }
    }

    private func readUTF8(first: UInt8) -> Key {
        var bytes = [first]
        let length = first < 0x80 ? 1 : first < 0xE0 ? 2 : first < 0xF0 ? 3 : 4
        while bytes.count < length {
            guard let next = readByte() else { return .endOfInput }
            bytes.append(next)
        }
        guard let scalar = String(validating: bytes, as: UTF8.self)?.unicodeScalars.first else { return .ignored }
        return .text(Character(scalar))
    }

    private func readEscape() -> Key {
        guard let first = readByte() else { return .endOfInput }
        switch first {
        case UInt8(ascii: "["):
            var parameters: [UInt8] = []
            while let next = readByte() {
                if (0x40...0x7E).contains(next) {
                    return csiKey(parameters: String(decoding: parameters, as: UTF8.self), final: next)
                }
                parameters.append(next)
                if parameters.count > 16 { return .ignored }
            }
            return .endOfInput
        case UInt8(ascii: "O"):
            guard let next = readByte() else { return .endOfInput }
            return csiKey(parameters: "", final: next)
        case UInt8(ascii: "b"): return .wordLeft
        case UInt8(ascii: "f"): return .wordRight
        case 127, 8: return .deleteWordBefore
        default: return .ignored
        }
    }

    private func csiKey(parameters: String, final: UInt8) -> Key {
        let byWord = parameters.hasSuffix(";5") || parameters.hasSuffix(";3")  // Ctrl or Alt held
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return byWord ? .wordRight : .right
        case UInt8(ascii: "D"): return byWord ? .wordLeft : .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "~"):
            switch parameters {
            case "1", "7": return .home
            case "4", "8": return .end
            case "3": return .delete
            default: return .ignored
            }
        default: return .ignored
        }
    }

    private func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    /// Redraws the line: the prompt, the part of the line that fits with the cursor in view,
    /// then puts the cursor in place.
    private func refresh(_ state: EditState) {
        let columns = terminalColumns()
        let promptWidth = DisplayWidth.of(state.prompt)
        let room = max(1, columns - promptWidth - 1)
        let widths = state.characters.map(DisplayWidth.of)
        var first = 0
        var beforeCursor = widths[0..<state.cursor].reduce(0, +)
        while beforeCursor > room, first < state.cursor {
            beforeCursor -= widths[first]
            first += 1
        }
        var last = first
        var used = 0
        while last < widths.count, used + widths[last] <= room {
            used += widths[last]
            last += 1
        }
        var text = "\r" + state.prompt + String(state.characters[first..<last]) + "\u{1B}[0K\r"
        let column = promptWidth + beforeCursor
        if column > 0 { text += "\u{1B}[\(column)C" }
        Output.write(text, to: output)
    }
}

/// The line being edited and the history being walked.
struct EditState {
    let prompt: String
    var characters: [Character] = []
    var cursor = 0
    /// The history plus the line being typed, which the walk may come back to.
    private var walk: [String]
    private var walkIndex: Int

    init(prompt: String, history: [String]) {
        self.prompt = prompt
        self.walk = history + [""]
        self.walkIndex = history.count
    }

    mutating func insert(_ character: Character) {
        // A combining mark joins the character before it.
        if cursor > 0 {
            let joined = String(characters[cursor - 1]) + String(character)
            if joined.count == 1, let combined = joined.first {
                characters[cursor - 1] = combined
                return
            }
        }
        characters.insert(character, at: cursor)
        cursor += 1
    }

    mutating func deleteBackward() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    func wordStart(before position: Int) -> Int {
        var index = position
        while index > 0, characters[index - 1] == " " { index -= 1 }
        while index > 0, characters[index - 1] != " " { index -= 1 }
        return index
    }

    func wordEnd(after position: Int) -> Int {
        var index = position
        while index < characters.count, characters[index] == " " { index += 1 }
        while index < characters.count, characters[index] != " " { index += 1 }
        return index
    }

    mutating func moveInHistory(by step: Int) {
        let target = walkIndex + step
        guard target >= 0, target < walk.count else { return }
        walk[walkIndex] = String(characters)
        walkIndex = target
        characters = Array(walk[target])
        cursor = characters.count
    }
}
