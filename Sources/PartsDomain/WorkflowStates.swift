/// The states of each workflow, as the schema's state tables hold them (a test checks each
/// list against its table): filters (`state=`) and the code that branches on a state use
/// these, never a string of their own.
public enum RequisitionState: String, Sendable, CaseIterable {
    case draft, submitted, approved, rejected
    case partlyIssued = "partly_issued"
    case issued, closed, cancelled
}

public enum PurchaseOrderState: String, Sendable, CaseIterable {
    case open
    case partlyReceived = "partly_received"
    case received, cancelled
}

public enum TransferOrderState: String, Sendable, CaseIterable {
    case shipped, received
    case receivedWithDiscrepancy = "received_with_discrepancy"
}

public enum StockExceptionState: String, Sendable, CaseIterable {
    case open, resolved
}

public enum ReorderProposalState: String, Sendable, CaseIterable {
    case open, approved, superseded
}

public enum JobRunState: String, Sendable, CaseIterable {
    case queued, running, succeeded, failed
}

/// A warranty old part (旧件), from its tag to the factory's verdict or its destruction.
public enum OldPartState: String, Sendable, CaseIterable {
    case tagged, due, called, packed, shipped, received, accepted, rejected, missing, appealed, expired, scrapped
}

/// A return batch (回运单) of old parts to their maker.
public enum ReturnBatchState: String, Sendable, CaseIterable {
    case open, approved, shipped, received
}

public enum RepairOrderState: String, Sendable, CaseIterable {
    case shipped, acknowledged, quoted, authorized, declined, returned
}

public enum ExchangeState: String, Sendable, CaseIterable {
    case open, overdue, closed
}

/// Where a unit of a serialised part is: at one of our locations, out with a customer, at a
/// repair vendor, or gone.
public enum UnitPlace: String, Sendable, CaseIterable {
    case location, customer, vendor, gone
}

public enum UnitCondition: String, Sendable, CaseIterable {
    case serviceable, unserviceable
    case atVendor = "at_vendor"
    case scrapped
}

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// The state names, for a `state=` argument's choices.
    public static var names: [String] { allCases.map(\.rawValue) }
}
