import PartsDomain

/// Charts in block characters, for replies people would rather look at than read: columns
/// (one a value, oldest left, with levels marked across them) and horizontal bars (one a
/// row, with a target marked in each). Values are exact decimals and are put on the grid
/// exactly (`ExactDecimal.steps`), so a chart is the same on every machine and a test can
/// hold its output.
public enum TextChart {
    /// A chart line with its reply frame (`200-`) still fits 80 columns under socat, which,
    /// unlike partsctl, shows the frame.
    public static let width = FormLayout.width - 4

    /// A horizontal line drawn across a column chart at a value's height.
    public struct Level: Sendable {
        public var name: String
        public var value: ExactDecimal
        public var mark: Character

        public init(_ name: String, _ value: ExactDecimal, mark: Character) {
            self.name = name
            self.value = value
            self.mark = mark
        }
    }

    /// A row of a bar chart: `label`, the bar, `note` (the figures it draws, as the caller
    /// prints them). A nil value draws no bar; a nil target, no marker.
    public struct Bar: Sendable {
        public var label: String
        public var value: ExactDecimal?
        public var target: ExactDecimal?
        public var note: String

        public init(_ label: String, _ value: ExactDecimal?, target: ExactDecimal?, note: String) {
            self.label = label
            self.value = value
            self.target = target
            self.note = note
        }
    }

    /// Where a value is zero, so that no demand reads differently from a small one.
    private static let zeroMark: Character = "·"
    private static let targetMark: Character = "│"
    /// Eighths of a cell, filled from the bottom and from the left.
    private static let rising: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    private static let growing: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]

    /// A column chart `rows` high with the top value on its axis, and a legend naming the
    /// levels: as many of the most recent values as fit `width`. A level drawn in the same row
    /// as an earlier one gives way to it (the legend still names both); bars cover levels.
    /// - Returns: the lines, and how many of the values (the last ones) they show.
    public static func columns(_ values: [ExactDecimal], levels: [Level], rows: Int = 5,
                               width: Int = width) -> (lines: [String], shown: Int) {
        let top = ([ExactDecimal.zero] + values + levels.map(\.value)).max()!
        let axis = top.trimmed.description
        let axisWidth = DisplayWidth.of(axis)
        let shown = Array(values.suffix(max(0, width - axisWidth - 2)))
        let eighths = shown.map { value in value.isPositive ? max(1, value.steps(rows * 8, of: top)) : 0 }
        var levelAt: [Int: Character] = [:]
        for level in levels.reversed() {
            levelAt[min(rows - 1, level.value.steps(rows * 8, of: top) / 8)] = level.mark
        }
        var lines: [String] = []
        for row in (0..<rows).reversed() {
            let cells = eighths.map { filled -> Character in
                let fill = min(8, max(0, filled - row * 8))
                if fill > 0 { return rising[fill] }
                if row == 0 && filled == 0 { return zeroMark }
                return levelAt[row] ?? " "
            }
            let label = row == rows - 1 ? axis + " ┤" : String(repeating: " ", count: axisWidth) + " │"
            lines.append(FormLayout.trimmed(label + String(cells)))
        }
        let legend = levels.map { "\($0.mark) \($0.name) \($0.value.trimmed)" } + ["\(zeroMark) 0"]
        lines.append(DisplayWidth.truncate(String(repeating: " ", count: axisWidth + 1) + legend.joined(separator: "  "), to: width))
        return (lines, shown.count)
    }

    /// One line a bar, all to one scale: the largest value or target fills the bar's width.
    /// Labels and notes are padded by display width, so CJK labels keep the bars in line.
    /// The first line is the legend: what the bar and the marker are, and the scale.
    public static func bars(_ bars: [Bar], value: String, target: String, width: Int = width) -> [String] {
        let top = ([ExactDecimal.zero] + bars.flatMap { [$0.value, $0.target].compactMap { $0 } }).max()!
        let labelWidth = min(16, bars.map { DisplayWidth.of($0.label) }.max() ?? 0)
        let noteWidth = bars.map { DisplayWidth.of($0.note) }.max() ?? 0
        // Two spaces in front, so no chart line starts like a table row with the same label.
        let cells = max(8, width - 2 - labelWidth - 1 - 1 - 2 - noteWidth)
        var lines = [FormLayout.trimmed("  █ \(value)  \(targetMark) \(target)  full width \(top.trimmed)")]
        for bar in bars {
            var drawn = bar.value.map { value in
                let eighths = value.isPositive ? max(1, value.steps(cells * 8, of: top)) : 0
                if eighths == 0 { return String(zeroMark) }
                return String(repeating: "█", count: eighths / 8) + (eighths % 8 > 0 ? String(growing[eighths % 8]) : "")
            } ?? ""
            drawn = DisplayWidth.pad(drawn, to: cells)
            // The marker takes a cell of its own at its boundary, so the bar keeps its length.
            let mark = bar.target.map { drawn.index(drawn.startIndex, offsetBy: $0.steps(cells, of: top)) }
            drawn = mark.map { String(drawn[..<$0]) + String(targetMark) + String(drawn[$0...]) } ?? drawn + " "
            let label = DisplayWidth.pad(DisplayWidth.truncate(bar.label, to: labelWidth), to: labelWidth)
            lines.append(FormLayout.trimmed("  " + label + " " + drawn + "  " + DisplayWidth.pad(bar.note, to: noteWidth, right: true)))
        }
        return lines
    }
}
