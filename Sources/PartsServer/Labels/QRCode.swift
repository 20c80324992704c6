import CQREncode

/// A QR code's modules as libqrencode made them (a real encoder: scanners and the makers'
/// systems must read what we print), with the quiet zone a scanner needs around it.
struct QRCode: Sendable {
    /// Modules per side, quiet zone included.
    let size: Int
    /// Light modules on each side.
    let quietZone: Int
    private let dark: [Bool]

    /// Error correction level M (15 %): a tag is handled, bent and dirty.
    init?(_ text: String, quietZone: Int = 4) {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        self.quietZone = quietZone
        size = width + 2 * quietZone
        var dark = [Bool](repeating: false, count: size * size)
        for row in 0..<width {
            for column in 0..<width where code.pointee.data[row * width + column] & 1 == 1 {
                dark[(row + quietZone) * size + column + quietZone] = true
            }
        }
        self.dark = dark
    }

    /// Whether the module is dark; outside the code (and its quiet zone) everything is light.
    subscript(row: Int, column: Int) -> Bool {
        guard (0..<size).contains(row), (0..<size).contains(column) else { return false }
        return dark[row * size + column]
    }

    /// Text lines for a terminal or a line printer, two module rows per line: ▀ ▄ █ and space,
    /// the characters standing for dark modules (ink on paper).
    var blockLines: [String] {
        stride(from: 0, to: size, by: 2).map { row in
            String((0..<size).map { column -> Character in
                switch (self[row, column], self[row + 1, column]) {
                case (true, true): "█"
                case (true, false): "▀"
                case (false, true): "▄"
                case (false, false): " "
                }
            })
        }
    }

    /// The dark modules as one SVG path in module units, one run of modules a subpath.
    var svgPath: String {
        var path = ""
        for row in 0..<size {
            var column = 0
            while column < size {
                guard self[row, column] else { column += 1; continue }
                let start = column
                while column < size, self[row, column] { column += 1 }
                path += "M\(start) \(row)h\(column - start)v1h-\(column - start)z"
            }
        }
        return path
    }
}
