/// A five-character SQLSTATE, as the server reports it, with names for the codes partsd acts on.
///
/// The `PS` class is the schema's own: its SQL functions raise refusals whose last three
/// characters are the protocol reply code (PS404 not found, PS409 conflict, ...). Those are
/// raised by the database only; Swift never makes one up to carry a decision of its own.
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The two-character class, e.g. "23" for integrity violations.
    public var sqlClass: Substring { rawValue.prefix(2) }
    public var description: String { rawValue }

    // Class 08: the connection is gone or never came up.
    public static let connectionException = SQLState("08000")
    // Class 22: data the server could not take (a malformed number, a value out of range).
    public static let dataException = SQLState("22000")
    // Class 23: integrity constraints.
    public static let foreignKeyViolation = SQLState("23503")
    public static let uniqueViolation = SQLState("23505")
    public static let checkViolation = SQLState("23514")
    // Class 25: the transaction cannot do this, e.g. a standby that only reads.
    public static let readOnlySQLTransaction = SQLState("25006")
    // Class 40: the transaction was rolled back and may simply run again.
    public static let serializationFailure = SQLState("40001")
    public static let deadlockDetected = SQLState("40P01")
    // Class 57: the operator or the server intervened.
    public static let queryCanceled = SQLState("57014")
    public static let adminShutdown = SQLState("57P01")
    public static let crashShutdown = SQLState("57P02")
    public static let cannotConnectNow = SQLState("57P03")

    // Class PS: partsd's own refusals, raised by its SQL functions.
    public static let refusedForbidden = SQLState("PS403")
    public static let refusedNotFound = SQLState("PS404")
    public static let refusedConflict = SQLState("PS409")
    public static let refusedInvalid = SQLState("PS422")
    public static let refusedBusy = SQLState("PS429")

    /// Deadlocks and serialization failures: the whole transaction may run again.
    public var isRetryable: Bool { self == .serializationFailure || self == .deadlockDetected }

    /// The server ended the session or is going away: nothing of the statement committed, and
    /// this connection is of no further use.
    public var endsSession: Bool {
        sqlClass == "08" || self == .adminShutdown || self == .crashShutdown || self == .cannotConnectNow
    }
}
