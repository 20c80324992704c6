import PartsDomain

extension PartsStore {
    /// Posts a goods receipt against a purchase order and books it on the order's lines, in
    /// one transaction; what arrives on a special order is reserved for its requisition
    /// (purchase_order_receive). Not through the posting batcher: the order's row lock would
    /// hold every other document of a batch waiting behind it. With a ref that was used
    /// before, returns that first receipt again and changes nothing.
    /// `overReceiptPercent`: how far above the ordered quantity a line may be received.
    public func receive(_ draft: StockDocumentDraft, against poNo: String, overReceiptPercent: ExactDecimal,
                        _ context: CommandContext) async throws(StoreError) -> PostedDocument {
        var input = Self.postingInput(draft, context)
        input.set("po_no", poNo)
        input.set("over_receipt_pct", overReceiptPercent)
        return try await perform(.purchaseOrderReceive, input).document()
    }
}
