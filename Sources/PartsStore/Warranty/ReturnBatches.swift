import PartsDomain

extension PartsStore {
    /// A return batch of a maker: the tags named, or what is due (return_batch_new).
    public func newBatch(_ draft: BatchDraft, _ calendar: SiteCalendar, _ context: CommandContext) async throws(StoreError) -> BatchOutcome {
        var input = WorkflowInput(context)
        input.set(calendar)
        input.set("oem", draft.oem)
        input.set("month", draft.month)
        input.set("tags", draft.tags)
        input.set("mode", draft.mode)
        input.set("note", draft.note)
        input.set("location", draft.location)
        return try BatchOutcome(try await perform(.batchNew, input))
    }

    /// More tags into an open batch (return_batch_add).
    public func addToBatch(_ rbNo: String, tags: [String], _ calendar: SiteCalendar,
                           _ context: CommandContext) async throws(StoreError) -> BatchOutcome {
        try await batchStep(.batchAdd, rbNo, tags: tags, calendar, context)
    }

    /// Tags out of an open batch (return_batch_remove).
    public func removeFromBatch(_ rbNo: String, tags: [String], _ calendar: SiteCalendar,
                                _ context: CommandContext) async throws(StoreError) -> BatchOutcome {
        try await batchStep(.batchRemove, rbNo, tags: tags, calendar, context)
    }

    /// Puts tags of a batch in a box, until it is shipped (return_batch_box).
    public func boxInBatch(_ rbNo: String, tags: [String], box: Int, _ calendar: SiteCalendar,
                           _ context: CommandContext) async throws(StoreError) -> BatchOutcome {
        try await batchStep(.batchBox, rbNo, tags: tags, calendar, context) { input in input.set("box", box) }
    }

    /// A manager approves an open batch for return (return_batch_approve).
    public func approveBatch(_ rbNo: String, _ calendar: SiteCalendar, _ context: CommandContext) async throws(StoreError) -> BatchOutcome {
        try await batchStep(.batchApprove, rbNo, tags: nil, calendar, context)
    }

    /// Posts an approved batch's shipment, a WS record document (return_batch_ship).
    public func shipBatch(_ rbNo: String, carrier: String?, tracking: String?, mode: String?, note: String?,
                          _ calendar: SiteCalendar, _ context: CommandContext) async throws(StoreError) -> BatchOutcome {
        try await batchStep(.batchShip, rbNo, tags: nil, calendar, context) { input in
            input.set("carrier", carrier)
            input.set("tracking", tracking)
            input.set("mode", mode)
            input.set("note", note)
        }
    }

    /// The factory signed for a shipped batch on `date` (default today) (return_batch_receive).
    public func receiveBatch(_ rbNo: String, date: String?, _ calendar: SiteCalendar,
                             _ context: CommandContext) async throws(StoreError) -> BatchOutcome {
        try await batchStep(.batchReceive, rbNo, tags: nil, calendar, context) { input in input.set("date", date) }
    }

    private func batchStep(_ workflow: Workflow, _ rbNo: String, tags: [String]?, _ calendar: SiteCalendar,
                           _ context: CommandContext, _ more: (inout WorkflowInput) -> Void = { _ in }) async throws(StoreError) -> BatchOutcome {
        var input = WorkflowInput(context)
        input.set(calendar)
        input.set("rb_no", rbNo)
        if let tags { input.set("tags", tags) }
        more(&input)
        return try BatchOutcome(try await perform(workflow, input))
    }
}
