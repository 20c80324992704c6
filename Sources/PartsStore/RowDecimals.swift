import PartsDomain
import PostgresClient

extension Row {
    /// A numeric column as an exact decimal; NULL or text that is no decimal is an error
    /// naming the column.
    func decimal(_ column: String) throws(PostgresError) -> ExactDecimal {
        let text = try self.text(column)
        guard let value = ExactDecimal(text) else { throw .decoding("column \(column) is not a decimal: \(text)") }
        return value
    }

    func optionalDecimal(_ column: String) throws(PostgresError) -> ExactDecimal? {
        guard let text = try optionalText(column) else { return nil }
        guard let value = ExactDecimal(text) else { throw .decoding("column \(column) is not a decimal: \(text)") }
        return value
    }
}
