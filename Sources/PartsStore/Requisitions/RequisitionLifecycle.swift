import PartsDomain

/// req new, approve, reject, cancel and close (functions/requisitions.sql).
extension PartsStore {
    /// Stores a submitted requisition; the outcome names it (`201 CREATED RQ-...`).
    public func newRequisition(_ draft: RequisitionDraft, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("location", draft.location)
        input.set("requester", draft.requester)
        input.set("purpose", draft.purpose)
        input.set("needed_by", draft.neededBy)
        input.set("lines", lines: draft.lines)
        return try await perform(.requisitionNew, input).outcome
    }

    /// Approves a submitted requisition and reserves what is available now; the rest is
    /// back-ordered. `managerLimit`: the most a manager may approve (nil: no limit); the
    /// function decides whom it binds.
    public func approveRequisition(_ number: String, managerLimit: ExactDecimal?,
                                   _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("req_no", number)
        input.set("manager_limit", managerLimit)
        return try await perform(.requisitionApprove, input).outcome
    }

    /// Rejects a submitted requisition; nothing was reserved yet.
    public func rejectRequisition(_ number: String, reason: String, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("req_no", number)
        input.set("reason", reason)
        return try await perform(.requisitionReject, input).outcome
    }

    /// Cancels an open requisition and releases what it still holds reserved.
    public func cancelRequisition(_ number: String, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await perform(.requisitionCancel, Self.requisitionInput(number, context)).outcome
    }

    /// Closes a partly issued requisition: what was not issued is no longer owed, its
    /// reservation is released and its back-order dropped.
    public func closeRequisition(_ number: String, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        try await perform(.requisitionClose, Self.requisitionInput(number, context)).outcome
    }

    /// The request of a workflow that takes a requisition number only.
    static func requisitionInput(_ number: String?, _ context: CommandContext) -> WorkflowInput {
        var input = WorkflowInput(context)
        input.set("req_no", number)
        return input
    }
}
