import PartsDomain
import PartsProtocol
import PartsStore

/// verdict: the factory's answer for old parts, recorded once per part (and once more after
/// an appeal): a credit, a rejection with its reason, or missing (charged back).
enum VerdictCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("verdict",
                    "verdict <claim_no>|<tag> accepted|rejected|missing [credit=<amount>] [reason=<code>] [note=...] [decided=<date>] [ref=...]",
                    "the factory's verdict on an old part (a claim: each part waiting for one): accepted with its credit, rejected with "
                        + "a reason, missing; once per part, a second is 409; "
                        + "reasons: wrong_part no_fault_found part_missing not_genuine not_quality_failure not_primary_part "
                        + "transit_damage no_tag fault_mismatch late",
                    role: .manager, changesData: true, positional: 2...2, named: ["credit", "reason", "note", "decided"]) {
            invocation, environment in
            let outcomes = VerdictDraft.Outcome.allCases.map(\.rawValue)
            guard let outcome = VerdictDraft.Outcome(rawValue: invocation.argument(1)!) else {
                throw CommandFailure.invalid("a verdict is \(outcomes.joined(separator: ", ")), got \(invocation.argument(1)!)")
            }
            var draft = VerdictDraft(target: try WarrantyArguments.targets([invocation.argument(0)!])[0], outcome: outcome)
            draft.credit = try WarrantyArguments.money(invocation, "credit")
            draft.reason = invocation[named: "reason"]
            draft.note = try invocation.text("note")
            draft.decided = try invocation.date("decided")
            return ClaimCommands.reply(try await environment.store.recordVerdict(draft, environment.configuration.siteCalendar,
                                                                                  invocation.context))
        },
    ]
}
