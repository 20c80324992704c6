/// The rows of one statement, in libpq's text format.
///
/// Values stay strings: numeric columns must keep every digit, and the callers that need
/// numbers parse them into exact decimals themselves.
public struct QueryResult: Sendable {
    public let columns: [String]
    public let rows: [[String?]]
    /// Rows changed by INSERT/UPDATE/DELETE, from PQcmdTuples.
    public let affectedRows: Int

    public init(columns: [String], rows: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }

    public var isEmpty: Bool { rows.isEmpty }
    public var count: Int { rows.count }

    /// The index of a named column, for callers that read many rows.
    public func column(_ name: String) -> Int? { columns.firstIndex(of: name) }

    /// The value of a column in a row; nil for SQL NULL or an unknown column.
    public func value(_ row: Int, _ name: String) -> String? {
        guard let index = column(name) else { return nil }
        return rows[row][index]
    }

    /// The first column of the first row: for statements that return a single value.
    public var scalar: String? { rows.first?.first ?? nil }
}
