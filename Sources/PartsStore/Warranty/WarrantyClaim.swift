import PartsDomain

/// A warranty claim (索赔单) under the maker's claim number, with its old parts.
public struct WarrantyClaim: Sendable {
    public var claimNo: String
    public var oem: String
    public var oemName: String
    /// The vehicle's VIN or the machine's serial.
    public var vin: String
    public var failure: String
    public var claimed: String
    /// YYYY-MM: the month its return list groups it by.
    public var claimMonth: String
    public var repaired: String?
    public var mileage: Int?
    public var workOrder: String?
    public var technician: String?
    public var amount: ExactDecimal
    public var note: String?
    /// The maker's rule on the claim date: all | called.
    public var returnMode: String
    /// The last day the maker may call parts back (return=called).
    public var requestBy: String?
    public var retainUntil: String
    public var recordedBy: String
    public var recordedAt: String
    public var parts: [OldPart]
}

/// A claim as the clerk typed it, checked for shape only.
public struct ClaimDraft: Sendable {
    /// `<part_no>:<qty>[@<amount>]` or `<part_no>#<serial>[@<amount>]`.
    public struct Line: Sendable, Equatable {
        public var partNo: String
        public var quantity: ExactDecimal
        public var serial: String?
        /// Claimed per unit.
        public var unitAmount: ExactDecimal?

        public init(partNo: String, quantity: ExactDecimal, serial: String?, unitAmount: ExactDecimal?) {
            self.partNo = partNo
            self.quantity = quantity
            self.serial = serial
            self.unitAmount = unitAmount
        }
    }

    public var oem: String
    public var claimNo: String
    public var lines: [Line]
    public var vin: String
    public var failure: String
    public var claimed: String?
    public var repaired: String?
    public var mileage: Int?
    public var workOrder: String?
    public var technician: String?
    public var amount: ExactDecimal?
    public var note: String?
    /// The old-parts area; nil lets the database choose (oldparts_location).
    public var location: String?

    public init(oem: String, claimNo: String, lines: [Line], vin: String, failure: String) {
        self.oem = oem
        self.claimNo = claimNo
        self.lines = lines
        self.vin = vin
        self.failure = failure
    }
}

/// What claim new answered: the claim with its tags.
public struct ClaimPosting: Sendable {
    public var outcome: MutationOutcome
    public var claim: WarrantyClaim
}

extension WarrantyClaim {
    /// Reads warranty_claim_json.
    init(_ json: JSONFields) throws(StoreError) {
        self.init(
            claimNo: try json.text("claim_no"), oem: try json.text("oem"), oemName: try json.text("oem_name"),
            vin: try json.text("vin"), failure: try json.text("failure"), claimed: try json.text("claimed"),
            claimMonth: try json.text("claim_month"), repaired: json.optionalText("repaired"), mileage: try json.optionalInt("mileage"),
            workOrder: json.optionalText("work_order"), technician: json.optionalText("technician"),
            amount: try json.decimal("amount"), note: json.optionalText("note"), returnMode: try json.text("return"),
            requestBy: json.optionalText("request_by"), retainUntil: try json.text("retain_until"),
            recordedBy: try json.text("recorded_by"), recordedAt: try json.text("recorded_at"),
            parts: try OldPart.list(json.objects("parts")))
    }
}
