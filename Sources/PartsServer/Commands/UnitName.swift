import PartsDomain

/// A unit of a serialised part as users write it: `<part_no>#<serial>`.
struct UnitName: Sendable, Equatable, CustomStringConvertible {
    let partNo: String
    let serial: String

    init(partNo: String, serial: String) throws(CommandFailure) {
        guard Identifier.isPartNumber(partNo) else { throw .invalid("'\(partNo)' is not a valid part number") }
        guard Identifier.isSerial(serial) else {
            throw .invalid("'\(serial)' is not a valid serial (\(Identifier.partNumberRule))")
        }
        self.partNo = partNo
        self.serial = serial
    }

    /// `ALT-100#A7781`; a word without `#` is not a unit.
    init(parsing word: String) throws(CommandFailure) {
        guard let hash = word.firstIndex(of: "#") else { throw .invalid("'\(word)' is not a unit: write <part_no>#<serial>") }
        try self.init(partNo: String(word[..<hash]), serial: String(word[word.index(after: hash)...]))
    }

    var description: String { partNo + "#" + serial }
}
