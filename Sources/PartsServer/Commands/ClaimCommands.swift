import PartsDomain
import PartsProtocol
import PartsStore

/// claim new | call | appeal | show | list | tag: warranty claims (索赔单) and their tagged old
/// parts (旧件), which belong to the maker and are never the site's stock.
enum ClaimCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("claim new",
                    "claim new <oem> <claim_no> <part_no>:<qty>[@<amount>]|<part_no>#<serial>[@<amount>] ... vin=<VIN or serial> "
                        + "failure=<code> [claimed=<date>] [repaired=<date>] [mileage=<km>] [wo=<work order>] [technician=<who>] "
                        + "[amount=<claimed>] [note=...] [location=<code>] [ref=...]",
                    "records a claim under the maker's number; its old parts are tagged (one tag a part, TG-...) into an "
                        + "old-parts area, not stock; prints the tags; 201 CREATED <claim_no> tags TG-...",
                    role: .clerk, changesData: true, positional: 2...2, lines: .required,
                    named: ["vin", "failure", "claimed", "repaired", "mileage", "wo", "technician", "amount", "note", "location"]) {
            invocation, environment in
            let oem = invocation.argument(0)!, claimNo = invocation.argument(1)!
            guard WarrantyArguments.isClaimNumber(claimNo) else {
                throw CommandFailure.invalid("'\(claimNo)' is not a valid claim number (\(Identifier.partNumberRule); not TG-...)")
            }
            guard let vin = invocation[named: "vin"], let failure = invocation[named: "failure"] else {
                throw CommandFailure.badRequest("claim new needs vin=<VIN or serial> and failure=<code>")
            }
            guard Identifier.isPartNumber(vin) else { throw CommandFailure.invalid("'\(vin)' is not a VIN or serial number") }
            guard Identifier.isPartNumber(failure), failure.count <= 20 else {
                throw CommandFailure.invalid("'\(failure)' is not a failure code (letters, digits, _ . / -, up to 20)")
            }
            var draft = ClaimDraft(oem: oem, claimNo: claimNo,
                                   lines: try WarrantyArguments.claimLines(Array(invocation.arguments.dropFirst(2))),
                                   vin: vin, failure: failure)
            draft.claimed = try invocation.date("claimed")
            draft.repaired = try invocation.date("repaired")
            draft.mileage = try invocation.wholeNumber("mileage", in: 0...9_999_999, "a whole number of km")
            draft.workOrder = try invocation.text("wo", maxLength: 40)
            draft.technician = try invocation.text("technician", maxLength: 60)
            draft.amount = try WarrantyArguments.money(invocation, "amount")
            draft.note = try invocation.text("note")
            draft.location = invocation[named: "location"]
            let posting = try await environment.store.newClaim(draft, maxTags: invocation.limits.maxDocumentLines,
                                                               environment.configuration.siteCalendar, invocation.context)
            let claim = posting.claim
            let tags = claim.parts.enumerated().flatMap { index, part in
                (index == 0 ? [] : [""]) + TagLabel(claim: claim, part: part).lines
            }
            return Reply(.created, posting.outcome.message, blocks: [.form(tags, fields(claim) + [Field("parts", partsList(claim.parts).json)])])
        },
        CommandSpec("claim call", "claim call <claim_no>|<tag> ... [called=<date>] [ref=...]",
                    "the maker calls old parts back (a claim: all its parts waiting for it); the ship-by date follows from its rules",
                    role: .clerk, changesData: true, lines: .required, named: ["called"]) { invocation, environment in
            let called = try await environment.store.callBack(try WarrantyArguments.targets(invocation.arguments),
                                                              called: try invocation.date("called"),
                                                              environment.configuration.siteCalendar, invocation.context)
            return reply(called)
        },
        CommandSpec("claim appeal", "claim appeal <claim_no>|<tag> ... [note=...] [ref=...]",
                    "contests a rejection or a charge-back within the maker's appeal_days; the factory answers with a second verdict",
                    role: .clerk, changesData: true, lines: .required, named: ["note"]) { invocation, environment in
            let appealed = try await environment.store.appeal(try WarrantyArguments.targets(invocation.arguments),
                                                              note: try invocation.text("note"),
                                                              environment.configuration.siteCalendar, invocation.context)
            return reply(appealed)
        },
        CommandSpec("claim show", "claim show <claim_no>|<tag>", "a claim with its old parts: state, ship-by date, batch, box, verdict",
                    role: .viewer, positional: 1...1) { invocation, environment in
            let claim = try await environment.store.claim(invocation.argument(0)!, environment.configuration.siteCalendar)
            return Reply(.ok, "\(claim.claimNo): \(claim.parts.count) old part\(claim.parts.count == 1 ? "" : "s")",
                         blocks: [.record(fields(claim)), partsTable(claim.parts)])
        },
        CommandSpec("claim list", "claim list [oem=<code>] [state=<s>] [due_within=<days>] [limit=<n>]",
                    "old parts of the claims, newest first; due_within: wanted and not shipped, due within the days (overdue too), soonest first",
                    role: .viewer, named: ["oem", "state", "due_within", "limit"]) { invocation, environment in
            let filter = OldPartFilter(
                oem: invocation[named: "oem"],
                state: try invocation.choice("state", of: OldPartState.names).flatMap(OldPartState.init(rawValue:)),
                dueWithin: try invocation.wholeNumber("due_within", in: 0...3660, "a whole number of days"),
                limit: try invocation.listLimit())
            let parts = try await environment.store.oldParts(filter, environment.configuration.siteCalendar)
            return Reply(.ok, "\(parts.count) old parts", blocks: [NarrowTable(columns: [
                .init("tag_no", "TAG", width: 14), .init("claim_no", "CLAIM", width: 11), .init("oem", width: nil),
                .init("part_no", width: 12), .init("state", width: 8), .init("ship_by", width: 10),
                .init("days_left", "LEFT", .right, width: 4), .init("amount", nil, .right, width: 9),
                .init("batch", width: nil), .init("verdict", width: nil),
            ], rows: parts.map { part in
                [.text(part.tagNo), .text(part.claimNo), .text(part.oem), .text(part.partNo), .text(part.state.rawValue),
                 .optional(part.shipBy), part.daysLeft.map(Value.integer) ?? .null, .money(part.amount), .optional(part.batch),
                 .optional(part.verdict)]
            }).block])
        },
        CommandSpec("claim tag", "claim tag <tag> [--svg]",
                    "an old part's printed tag with its QR code; --svg: an SVG label for a label printer (partsctl --body writes it to a file)",
                    role: .viewer, positional: 1...1, flags: ["svg"]) { invocation, environment in
            let tagNo = invocation.argument(0)!
            guard PurchaseOrderCommands.isDocumentNumber(tagNo, type: "TG") else {
                throw CommandFailure.invalid("'\(tagNo)' is not a tag number like TG-2026-000001")
            }
            let claim = try await environment.store.claim(tagNo, environment.configuration.siteCalendar)
            guard let part = claim.parts.first(where: { $0.tagNo == tagNo }) else { throw CommandFailure.notFound("unknown tag \(tagNo)") }
            let label = TagLabel(claim: claim, part: part)
            if invocation.request.flags.contains("svg") {
                return Reply(.ok, tagNo, blocks: [.form(label.svg, [Field("tag_no", .text(tagNo)),
                                                                    Field("svg", .text(label.svg.joined(separator: "\n")))])])
            }
            return Reply(.ok, tagNo, blocks: [.form(label.lines, label.record)])
        },
    ]

    static func fields(_ claim: WarrantyClaim) -> [Field] {
        [
            Field("claim_no", .text(claim.claimNo)), Field("oem", .text(claim.oem)), Field("oem_name", .text(claim.oemName)),
            Field("vin", .text(claim.vin)), Field("failure", .text(claim.failure)), Field("claimed", .text(claim.claimed)),
            Field("claim_month", .text(claim.claimMonth)), Field("repaired", .optional(claim.repaired)),
            Field("mileage", claim.mileage.map(Value.integer) ?? .null), Field("work_order", .optional(claim.workOrder)),
            Field("technician", .optional(claim.technician)), Field("amount", .money(claim.amount)),
            Field("note", .optional(claim.note)), Field("return", .text(claim.returnMode)),
            Field("request_by", .optional(claim.requestBy)), Field("retain_until", .text(claim.retainUntil)),
            Field("recorded_by", .text(claim.recordedBy)), Field("recorded_at", .text(claim.recordedAt)),
        ]
    }

    /// The parts of a claim or a reply: in text the columns that fit 80, in JSON all of them.
    static func partsTable(_ parts: [OldPart], key: String = "parts") -> Block { partsList(parts, key: key).block }

    private static func partsList(_ parts: [OldPart], key: String = "parts") -> NarrowTable {
        NarrowTable(key: key, columns: [
            .init("tag_no", "TAG", width: 14), .init("claim_no", width: nil), .init("part_no", width: 12),
            .init("serial", width: nil), .init("quantity", "QTY", .right, width: 5), .init("amount", width: nil),
            .init("state", width: 8), .init("ship_by", width: 10), .init("days_left", width: nil),
            .init("batch", width: 14), .init("box", nil, .right, width: 3), .init("verdict", width: nil),
            .init("reason", width: nil), .init("credit", width: nil), .init("charge_back", width: nil),
            .init("appeal_by", width: nil), .init("called_on", width: nil), .init("called_by", width: nil),
            .init("packed_by", width: nil), .init("packed_at", width: nil), .init("shipped_on", width: nil),
            .init("shipped_by", width: nil), .init("received_on", width: nil), .init("decided", width: nil),
            .init("verdict_by", width: nil), .init("appealed_on", width: nil), .init("expired_on", width: nil),
            .init("scrap_doc", width: nil),
        ], rows: parts.map { part in
            [.text(part.tagNo), .text(part.claimNo), .text(part.partNo), .optional(part.serial), .decimal(part.quantity),
             .money(part.amount), .text(part.state.rawValue), .optional(part.shipBy), part.daysLeft.map(Value.integer) ?? .null,
             .optional(part.batch), part.box.map(Value.integer) ?? .null, .optional(part.verdict), .optional(part.reason),
             part.credit.map(Value.money) ?? .null, part.chargeBack.map(Value.money) ?? .null, .optional(part.appealBy),
             .optional(part.calledOn), .optional(part.calledBy), .optional(part.packedBy), .optional(part.packedAt),
             .optional(part.shippedOn), .optional(part.shippedBy), .optional(part.receivedOn), .optional(part.decided),
             .optional(part.verdictBy), .optional(part.appealedOn), .optional(part.expiredOn), .optional(part.scrapDocument)]
        })
    }

    /// The reply of claim call, claim appeal and verdict: the message and the parts.
    static func reply(_ outcome: OldPartsOutcome) -> Reply {
        Reply(ReplyStatus(rawValue: outcome.outcome.code) ?? .ok, outcome.outcome.message, blocks: [partsTable(outcome.parts)])
    }
}
