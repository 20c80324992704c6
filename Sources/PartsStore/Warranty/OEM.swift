import PartsDomain

/// A manufacturer (OEM) whose warranty parts come back to it, with its return rules.
public struct OEMRecord: Sendable {
    /// One version of a maker's rules (see sql/013_warranty.sql).
    public struct Rules: Sendable, Equatable {
        /// The first day they apply; nil: since the maker was added.
        public var validFrom: String?
        /// all | called
        public var returnMode: String
        public var requestDays: Int
        public var shipDays: Int
        public var retentionDays: Int
        /// nil: a shipment may leave any time before the ship-by date.
        public var earliestDays: Int?
        public var appealDays: Int
        /// monthly | weekly | single
        public var cycle: String
        public var setBy: String
        public var setAt: String
    }

    public var code: String
    public var name: String
    public var createdBy: String
    public var createdAt: String
    /// The rules in force today.
    public var rules: Rules
    /// Every version, the newest first.
    public var history: [Rules]
    public var claims: Int
    /// Old parts wanted back and not shipped, and their claimed amount.
    public var openParts: Int
    public var atRisk: ExactDecimal
}

/// The rule keys of `oem add` and `oem set`, as the request names them.
public enum OEMRule {
    public static let keys = ["return", "request_days", "ship_days", "retention_days", "earliest_days", "appeal_days", "cycle"]
}

extension OEMRecord.Rules {
    init(_ json: JSONFields) throws(StoreError) {
        self.init(validFrom: json.optionalText("valid_from"), returnMode: try json.text("return"),
                  requestDays: try json.int("request_days"), shipDays: try json.int("ship_days"),
                  retentionDays: try json.int("retention_days"), earliestDays: try json.optionalInt("earliest_days"),
                  appealDays: try json.int("appeal_days"), cycle: try json.text("cycle"), setBy: try json.text("set_by"),
                  setAt: try json.text("set_at"))
    }
}

extension OEMRecord {
    /// Reads oem_json.
    init(_ json: JSONFields) throws(StoreError) {
        self.init(code: try json.text("code"), name: try json.text("name"), createdBy: try json.text("created_by"),
                  createdAt: try json.text("created_at"), rules: try Rules(try json.object("rules")),
                  history: try json.objects("history").map { rules throws(StoreError) in try Rules(rules) },
                  claims: try json.int("claims"), openParts: try json.int("open_parts"), atRisk: try json.decimal("at_risk"))
    }
}

/// What oem add and oem set answered: the message and the maker as it is now.
public struct OEMOutcome: Sendable {
    public var outcome: MutationOutcome
    public var oem: OEMRecord
}
