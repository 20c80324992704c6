import Glibc

/// The encodings partsctl reads and writes CSV files in. Sites leaving a Chinese dealer system
/// bring GB18030 (Excel's "CSV" there is GBK, which GB18030 contains); everything on the wire is
/// UTF-8, so conversion happens here, at the file, and nowhere else.
enum TextEncoding: String, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// Accepts the usual spellings: utf8, UTF-8, gbk (read as GB18030, its superset), gb2312.
    init?(name: String) {
        switch name.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        default: return nil
        }
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    struct Failure: Error {
        /// The 1-based line of the file the bad bytes are on.
        let line: Int
        let text: String
    }

    /// The file's text. A UTF-8 byte order mark means UTF-8 whatever was asked (Excel writes one
    /// for "CSV UTF-8"), and is dropped.
    func decode(_ bytes: [UInt8]) throws(Failure) -> String {
        if bytes.starts(with: Self.byteOrderMark) {
            return try Self.validUTF8(Array(bytes.dropFirst(3)))
        }
        switch self {
        case .utf8: return try Self.validUTF8(bytes)
        case .gb18030:
            let converted = try Iconv.convert(bytes, from: "GB18030", to: "UTF-8")
            return try Self.validUTF8(converted)
        }
    }

    /// The text as bytes of this encoding.
    func encode(_ text: String) throws(Failure) -> [UInt8] {
        switch self {
        case .utf8: return Array(text.utf8)
        case .gb18030: return try Iconv.convert(Array(text.utf8), from: "UTF-8", to: "GB18030")
        }
    }

    private static func validUTF8(_ bytes: [UInt8]) throws(Failure) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        // Find the first bad byte to name its line: iconv stops there.
        var offset = bytes.count
        do { _ = try Iconv.convertOrOffset(bytes, from: "UTF-8", to: "UTF-8") } catch { offset = error.offset }
        throw Failure(line: Iconv.line(of: offset, in: bytes),
                      text: "not valid UTF-8 (is it GB18030? try --encoding gb18030)")
    }
}

/// Glibc's iconv(3), the whole of a buffer at a time.
enum Iconv {
    struct Failure: Error {
        let offset: Int
        let text: String
    }

    static func convert(_ input: [UInt8], from source: String, to target: String) throws(TextEncoding.Failure) -> [UInt8] {
        do {
            return try convertOrOffset(input, from: source, to: target)
        } catch {
            throw TextEncoding.Failure(line: line(of: error.offset, in: input), text: error.text)
        }
    }

    static func convertOrOffset(_ input: [UInt8], from source: String, to target: String) throws(Failure) -> [UInt8] {
        guard let descriptor = iconv_open(target, source), descriptor != iconv_t(bitPattern: -1) else {
            throw Failure(offset: 0, text: "this system cannot convert \(source) to \(target)")
        }
        defer { iconv_close(descriptor) }
        // GB18030 to UTF-8 grows at most 3/2 (2 bytes to 3, 4 to 4); UTF-8 to GB18030 shrinks or stays.
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var copy = input
        var failure: Failure?
        let written = copy.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outLeft = outBuffer.count
                while inLeft > 0 {
                    if iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) == -1 {
                        let offset = inBuffer.count - inLeft
                        switch errno {
                        case EILSEQ: failure = Failure(offset: offset, text: "bytes that are not \(source) at byte \(offset)")
                        case EINVAL: failure = Failure(offset: offset, text: "the file ends inside a \(source) character")
                        default: failure = Failure(offset: offset, text: "cannot convert from \(source): \(String(cString: strerror(errno)))")
                        }
                        break
                    }
                }
                return outBuffer.count - outLeft
            }
        }
        if let failure { throw failure }
        output.removeSubrange(written...)
        return output
    }

    /// The 1-based line a byte offset is on.
    static func line(of offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes[..<min(offset, bytes.count)].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }
}
