import PartsDomain
import PartsProtocol
import PartsStore

/// oldparts scrap: the destruction of old parts never called back and kept past their
/// retention, as a posted WD record document listing them.
enum OldPartsCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("oldparts scrap", "oldparts scrap [oem=<code>] [<tag> ...] [location=<code>] --expired [ref=...]",
                    "destroys the old parts whose retention expired (of a maker, or the tags named): posts a WD record document "
                        + "with the list; 201 CREATED WD-...",
                    role: .manager, changesData: true, lines: .optional, named: ["oem", "location"], flags: ["expired"]) {
            invocation, environment in
            guard invocation.request.flags.contains("expired") else {
                throw CommandFailure.badRequest("oldparts scrap destroys parts whose retention expired: say so with --expired")
            }
            let scrapped = try await environment.store.scrapOldParts(
                oem: invocation[named: "oem"], location: invocation[named: "location"],
                tags: try WarrantyArguments.targets(invocation.arguments), environment.configuration.siteCalendar, invocation.context)
            return Reply(.created, scrapped.document.docNo,
                         blocks: [.document(scrapped.document), ClaimCommands.partsTable(scrapped.parts, key: "scrapped")])
        },
    ]
}
