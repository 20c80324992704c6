import PartsDomain

extension PartsStore {
    /// Opens a repair order and ships the unit to the vendor in one transaction (repair_new).
    public func newRepair(_ draft: RepairDraft, _ context: CommandContext) async throws(StoreError) -> RepairPosting {
        var input = WorkflowInput(context)
        input.set("location", draft.location)
        input.set("part_no", draft.partNo)
        input.set("serial", draft.serial)
        input.set("quantity", draft.quantity)
        input.set("vendor", draft.vendor)
        input.set("fault", draft.fault)
        input.set("promised", draft.promised)
        input.set("origin", draft.origin.rawValue)
        input.set("customer", draft.customer)
        input.set("rma", draft.vendorRMA)
        return try RepairPosting(try await perform(.repairNew, input))
    }

    /// The vendor has it (repair_ack), optionally with its RMA number.
    public func acknowledgeRepair(_ roNo: String, rma: String?, note: String?, _ context: CommandContext) async throws(StoreError) -> RepairPosting {
        try await step(.repairAck, roNo, context) { input in
            input.set("rma", rma)
            input.set("note", note)
        }
    }

    /// The vendor's price (repair_quote); above `berPercent` of the part's price it is
    /// flagged beyond economic repair.
    public func quoteRepair(_ roNo: String, amount: ExactDecimal, berPercent: ExactDecimal, note: String?,
                            _ context: CommandContext) async throws(StoreError) -> RepairPosting {
        try await step(.repairQuote, roNo, context) { input in
            input.set("amount", amount)
            input.set("ber_pct", berPercent)
            input.set("note", note)
        }
    }

    /// A manager authorizes the quote (repair_authorize); one beyond economic repair only
    /// with `overBER`.
    public func authorizeRepair(_ roNo: String, overBER: Bool, note: String?, _ context: CommandContext) async throws(StoreError) -> RepairPosting {
        try await step(.repairAuthorize, roNo, context) { input in
            input.set("over_ber", overBER)
            input.set("note", note)
        }
    }

    public func declineRepair(_ roNo: String, note: String?, _ context: CommandContext) async throws(StoreError) -> RepairPosting {
        try await step(.repairDecline, roNo, context) { input in input.set("note", note) }
    }

    /// The on-hold overlay (repair_hold, repair_resume): the turnaround clock stops meanwhile.
    public func holdRepair(_ roNo: String, reason: String, _ context: CommandContext) async throws(StoreError) -> RepairPosting {
        try await step(.repairHold, roNo, context) { input in input.set("reason", reason) }
    }

    public func resumeRepair(_ roNo: String, _ context: CommandContext) async throws(StoreError) -> RepairPosting {
        try await step(.repairResume, roNo, context) { _ in }
    }

    /// The unit comes back, or is scrapped (repair_return).
    public func returnRepair(_ back: RepairReturn, _ context: CommandContext) async throws(StoreError) -> RepairPosting {
        try await step(.repairReturn, back.roNo, context) { input in
            input.set("outcome", back.outcome.rawValue)
            input.set("serial", back.serial)
            input.set("cost", back.cost)
            input.set("location", back.location)
            input.set("sent", back.sent)
            input.set("note", back.note)
        }
    }

    private func step(_ workflow: Workflow, _ roNo: String, _ context: CommandContext,
                      _ fields: (inout WorkflowInput) -> Void) async throws(StoreError) -> RepairPosting {
        var input = WorkflowInput(context)
        input.set("ro_no", roNo)
        fields(&input)
        return try RepairPosting(try await perform(workflow, input))
    }
}
