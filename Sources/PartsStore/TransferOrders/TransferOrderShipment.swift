import PartsDomain

extension PartsStore {
    /// Ships stock to a branch on a new transfer order (transfer_order_ship): a TR from the
    /// sender into the destination's transit location, all lines or none. Not through the
    /// posting batcher, so a refusal of this order never fails a batch of other documents.
    /// With a ref used before, returns that first shipment again and changes nothing.
    public func ship(from: String, to: String, lines: [StockDocumentDraft.Line], note: String?,
                     _ context: CommandContext) async throws(StoreError) -> TransferOrderPosting {
        let draft = StockDocumentDraft(kind: .transfer, location: from, toLocation: to, note: note, lines: lines)
        return try TransferOrderPosting(try await perform(.transferOrderShip, Self.postingInput(draft, context)))
    }
}
