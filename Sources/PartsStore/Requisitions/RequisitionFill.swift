import PartsDomain

extension PartsStore {
    /// req fill: reserves stock that arrived after approval for one requisition's back-order,
    /// or with no number for every open requisition with a back-order (at `location`, when
    /// given), oldest approval first (requisition_fill).
    public func fillBackorders(_ number: String?, location: String?, _ context: CommandContext) async throws(StoreError) -> MutationOutcome {
        var input = Self.requisitionInput(number, context)
        input.set("location", location)
        return try await perform(.requisitionFill, input).outcome
    }
}
