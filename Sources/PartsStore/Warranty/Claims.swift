import PartsDomain

extension PartsStore {
    /// Files a claim and tags its old parts into an old-parts area (warranty_claim_new); at most
    /// `maxTags` tags.
    public func newClaim(_ draft: ClaimDraft, maxTags: Int, _ calendar: SiteCalendar,
                         _ context: CommandContext) async throws(StoreError) -> ClaimPosting {
        var input = WorkflowInput(context)
        input.set(calendar)
        input.set("oem", draft.oem)
        input.set("claim_no", draft.claimNo)
        input.set("lines", objects: draft.lines.map { line in
            [("part_no", line.partNo), ("quantity", line.quantity.description), ("serial", line.serial),
             ("unit_amount", line.unitAmount?.description)]
        })
        input.set("vin", draft.vin)
        input.set("failure", draft.failure)
        input.set("claimed", draft.claimed)
        input.set("repaired", draft.repaired)
        input.set("mileage", draft.mileage)
        input.set("work_order", draft.workOrder)
        input.set("technician", draft.technician)
        input.set("amount", draft.amount)
        input.set("note", draft.note)
        input.set("location", draft.location)
        input.set("max_tags", maxTags)
        let reply = try await perform(.claimNew, input)
        return ClaimPosting(outcome: reply.outcome, claim: try WarrantyClaim(try reply.fields("claim")))
    }

    /// The maker calls old parts back: claims (all their parts waiting for it) or tags; the
    /// ship-by dates follow from its rules on `called` (default today) (warranty_claim_call).
    public func callBack(_ targets: [String], called: String?, _ calendar: SiteCalendar,
                         _ context: CommandContext) async throws(StoreError) -> OldPartsOutcome {
        try await onOldParts(.claimCall, targets, ("called", called), calendar, context)
    }

    /// Contests the first verdict of parts rejected or charged back, within their appeal
    /// window (warranty_claim_appeal).
    public func appeal(_ targets: [String], note: String?, _ calendar: SiteCalendar,
                       _ context: CommandContext) async throws(StoreError) -> OldPartsOutcome {
        try await onOldParts(.claimAppeal, targets, ("note", note), calendar, context)
    }

    private func onOldParts(_ workflow: Workflow, _ targets: [String], _ field: (String, String?), _ calendar: SiteCalendar,
                            _ context: CommandContext) async throws(StoreError) -> OldPartsOutcome {
        var input = WorkflowInput(context)
        input.set(calendar)
        input.set("targets", targets)
        input.set(field.0, field.1)
        return try OldPartsOutcome(try await perform(workflow, input))
    }
}
