import PartsDomain

/// What oldparts scrap posted: the WD document and the parts it destroyed.
public struct ScrapPosting: Sendable {
    public var document: PostedDocument
    public var parts: [OldPart]
}

extension PartsStore {
    /// Destroys the old parts past their retention, of one old-parts area (the only one unless
    /// `location` names it), of a maker or all, or only the tags named; posts a WD record
    /// document (old_parts_scrap).
    public func scrapOldParts(oem: String?, location: String?, tags: [String], _ calendar: SiteCalendar,
                              _ context: CommandContext) async throws(StoreError) -> ScrapPosting {
        var input = WorkflowInput(context)
        input.set(calendar)
        input.set("oem", oem)
        input.set("location", location)
        input.set("tags", tags)
        let reply = try await perform(.oldPartsScrap, input)
        return ScrapPosting(document: try reply.document(), parts: try OldPart.list(try reply.fields("scrapped").elements))
    }
}
