/// What printed forms (receipts, tags, return lists) are laid out with: 80 columns, wide
/// (CJK) characters counted as two, so a form prints the same on any terminal or printer.
public enum FormLayout {
    public static let width = 80

    /// A column of a form's table: cells are cut to its width and padded to it.
    public struct Column: Sendable {
        public var title: String
        public var width: Int
        public var right: Bool

        public init(_ title: String, _ width: Int, right: Bool = false) {
            self.title = title
            self.width = width
            self.right = right
        }
    }

    /// Left text at the left margin and right text at the right margin of one line.
    public static func spread(_ left: String, _ right: String, width: Int = width) -> String {
        let gap = max(1, width - DisplayWidth.of(left) - DisplayWidth.of(right))
        return left + String(repeating: " ", count: gap) + right
    }

    /// One table row: each cell cut and padded to its column, one space apart, no trailing spaces.
    public static func row(_ cells: [String], _ columns: [Column]) -> String {
        var parts: [String] = []
        for (column, cell) in zip(columns, cells) {
            parts.append(DisplayWidth.pad(DisplayWidth.truncate(cell, to: column.width), to: column.width, right: column.right))
        }
        return TextRenderer.trimTrailingSpaces(parts.joined(separator: " "))
    }

    /// A form's first two lines: its title with its number at the right margin, and a double rule.
    public static func title(_ title: String, _ number: String) -> [String] {
        [spread(title, number), rule("=")]
    }

    /// `label  value` lines with the labels padded to the widest, each cut to `width`.
    public static func labelled(_ pairs: [(String, String)], width: Int = width) -> [String] {
        let labelWidth = pairs.map { DisplayWidth.of($0.0) }.max() ?? 0
        return pairs.map { label, value in
            DisplayWidth.truncate(DisplayWidth.pad(label, to: labelWidth) + "  " + value, to: width)
        }
    }

    /// The line without the spaces at its end.
    public static func trimmed(_ line: String) -> String { TextRenderer.trimTrailingSpaces(line) }

    /// A line of one character across the form.
    public static func rule(_ character: Character, width: Int = width) -> String {
        String(repeating: character, count: width)
    }
}
