/// Which of a connection's pipelined request lines may be served at once.
///
/// A connection's requests are served in order, and requests of a batched command (`part
/// add`, `part set`, `history add`) share a transaction and its commit only when they wait in
/// the RequestBatcher together. Served one by one, an import that pipelines from a few
/// connections got batches no larger than its connections (measured: 2.6 `part add`s a commit
/// from 8 connections). Consecutive lines of one such command whose keys (the part; the
/// location and part) and refs all differ cannot see each other's effects, so serving them
/// together gives each the reply it would get alone, and the replies still go back in order.
enum PipelinedRuns {
    /// What makes a line one of a run: its command, its key, its ref.
    struct Independence: Equatable {
        var command: String
        var key: String
        var ref: String?
    }

    /// Requests one connection has served at once: a batch's worth.
    static let maxRun = 32

    /// Splits `lines` into consecutive runs, each one line or several independent ones.
    static func split(_ lines: [String], independence: (String) -> Independence?) -> [Range<Int>] {
        // A lone line (the usual case: a clerk's posting) is not parsed twice.
        guard lines.count > 1 else { return lines.isEmpty ? [] : [0..<1] }
        var runs: [Range<Int>] = []
        var start = 0
        var command: String?
        var keys: Set<String> = [], refs: Set<String> = []
        for (index, line) in lines.enumerated() {
            let this = independence(line)
            let joins = this.map { item in
                item.command == command && index - start < maxRun && !keys.contains(item.key)
                    && (item.ref.map { !refs.contains($0) } ?? true)
            } ?? false
            if !joins {
                if index > start { runs.append(start..<index) }
                start = index
                command = this?.command
                keys = []
                refs = []
            }
            if let this {
                keys.insert(this.key)
                if let ref = this.ref { refs.insert(ref) }
            }
        }
        if lines.count > start { runs.append(start..<lines.count) }
        return runs
    }
}
