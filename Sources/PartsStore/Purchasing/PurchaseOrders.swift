import PartsDomain

extension PartsStore {
    /// Stores a purchase order with its lines; the outcome names its number (`201 CREATED
    /// PO-...`). Lines without a price take the part's standard cost (purchase_order_new).
    public func createPurchaseOrder(_ draft: PurchaseOrderDraft, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("supplier", draft.supplier)
        input.set("location", draft.location)
        input.set("expected", draft.expected)
        input.set("for_requisition", draft.forRequisition)
        // A line's price travels where a document line's unit cost does.
        input.set("lines", lines: draft.lines.map { .init(partNo: $0.partNo, quantity: $0.quantity, unitCost: $0.price) })
        return try await perform(.purchaseOrderNew, input).outcome
    }

    /// Cancels what remains open on an order. What was received stays received (and in
    /// stock); the order's state becomes cancelled and nothing more can be received on it.
    /// A fully received or already cancelled order is a conflict (purchase_order_cancel).
    public func cancelPurchaseOrder(_ poNo: String, reason: String?, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = WorkflowInput(context)
        input.set("po_no", poNo)
        input.set("reason", reason)
        return try await perform(.purchaseOrderCancel, input).outcome
    }
}
