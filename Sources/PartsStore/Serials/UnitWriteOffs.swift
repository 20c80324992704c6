import PartsDomain

extension PartsStore {
    /// Writes off a unit of ours at a location (unit_scrap): a serviceable one leaves stock
    /// at its average cost (SC), an unserviceable one, which carries no stock value, is
    /// recorded as gone (SX).
    public func scrapUnit(at location: String, partNo: String, serial: String, reason: String,
                          _ context: CommandContext) async throws(StoreError) -> PostedDocument {
        var input = Self.unitInput(location, partNo, serial, context)
        input.set("reason", reason)
        return try await perform(.unitScrap, input).document()
    }

    /// Hands a customer's unit at a location back to its customer (unit_release, a CH record).
    public func releaseUnit(at location: String, partNo: String, serial: String, to receiver: String?, note: String?,
                            _ context: CommandContext) async throws(StoreError) -> PostedDocument {
        var input = Self.unitInput(location, partNo, serial, context)
        input.set("to", receiver)
        input.set("note", note)
        return try await perform(.unitRelease, input).document()
    }

    private static func unitInput(_ location: String, _ partNo: String, _ serial: String, _ context: CommandContext) -> WorkflowInput {
        var input = WorkflowInput(context)
        input.set("location", location)
        input.set("part_no", partNo)
        input.set("serial", serial)
        return input
    }
}
