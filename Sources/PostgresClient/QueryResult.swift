/// The rows of one statement, in libpq's text format.
///
/// Values stay strings: numeric columns must keep every digit, and the callers that need
/// numbers parse them into exact decimals themselves. Columns are read by name, so a query
/// and the code reading it cannot drift apart silently: a missing column is an error that
/// names it.
public struct QueryResult: Sendable {
    public let columns: [String]
    public let records: [Row]
    /// Rows changed by INSERT/UPDATE/DELETE, from PQcmdTuples.
    public let affectedRows: Int

    public init(columns: [String], values: [[String?]], affectedRows: Int) {
        let names = ColumnNames(columns)
        self.columns = columns
        self.records = values.map { Row(names: names, values: $0) }
        self.affectedRows = affectedRows
    }

    public var isEmpty: Bool { records.isEmpty }
    public var count: Int { records.count }

    /// The value of a column in a row; nil for SQL NULL or an unknown column (for tests and
    /// one-off readers that check the value anyway).
    public func value(_ row: Int, _ column: String) -> String? {
        try? records[row].optionalText(column)
    }

    /// The first column of the first row: for statements that return a single value.
    public var scalar: String? { records.first?.values.first ?? nil }

    /// The only row, or nil when there is none; more than one is a bug in the query.
    public func singleRow() throws(PostgresError) -> Row? {
        guard records.count <= 1 else { throw .decoding("expected at most one row, got \(records.count)") }
        return records.first
    }
}

/// A result's column names and where each is, shared by all its rows.
public final class ColumnNames: Sendable {
    public let names: [String]
    private let index: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        // The first of two columns with one name wins, as in SQL's own lookups.
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        self.index = index
    }

    /// Where `name` is, or an error naming it.
    public func position(_ name: String) throws(PostgresError) -> Int {
        guard let position = index[name] else {
            throw .decoding("no column \(name) in the result (columns: \(names.joined(separator: ", ")))")
        }
        return position
    }
}

/// One row, read by column name.
public struct Row: Sendable {
    public let names: ColumnNames
    /// The values in column order, for readers that resolved positions once for many rows.
    public let values: [String?]

    /// The value of `column`, which must not be NULL.
    public func text(_ column: String) throws(PostgresError) -> String {
        guard let value = try optionalText(column) else { throw .decoding("column \(column) is NULL") }
        return value
    }

    /// The value of `column`, nil for SQL NULL.
    public func optionalText(_ column: String) throws(PostgresError) -> String? {
        values[try names.position(column)]
    }

    public func int(_ column: String) throws(PostgresError) -> Int {
        let text = try self.text(column)
        guard let value = Int(text) else { throw .decoding("column \(column) is not a whole number: \(text)") }
        return value
    }

    public func optionalInt(_ column: String) throws(PostgresError) -> Int? {
        guard let text = try optionalText(column) else { return nil }
        guard let value = Int(text) else { throw .decoding("column \(column) is not a whole number: \(text)") }
        return value
    }

    public func int64(_ column: String) throws(PostgresError) -> Int64 {
        let text = try self.text(column)
        guard let value = Int64(text) else { throw .decoding("column \(column) is not a whole number: \(text)") }
        return value
    }

    public func bool(_ column: String) throws(PostgresError) -> Bool {
        switch try text(column) {
        case "t": return true
        case "f": return false
        case let other: throw .decoding("column \(column) is not a boolean: \(other)")
        }
    }
}
