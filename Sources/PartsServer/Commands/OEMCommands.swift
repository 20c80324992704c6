import PartsDomain
import PartsProtocol
import PartsStore

/// oem add | set | show | list: the manufacturers whose warranty old parts go back to them,
/// and their return rules, as data.
enum OEMCommands {
    private static let rules = "[return=all|called] [request_days=<n>] [ship_days=<n>] [retention_days=<n>] "
        + "[earliest_days=<n>|none] [appeal_days=<n>] [cycle=monthly|weekly|single]"

    static let specs: [CommandSpec] = [
        CommandSpec("oem add", "oem add <code> \"<name>\" \(rules) [ref=...]",
                    "adds a manufacturer with its return rules (defaults: return=called request_days=15 ship_days=21 "
                        + "retention_days=90 earliest_days=none appeal_days=14 cycle=monthly)",
                    role: .manager, changesData: true, positional: 2...2, named: Set(OEMRule.keys)) { invocation, environment in
            let code = invocation.argument(0)!
            guard Identifier.isLocationCode(code) else {
                throw CommandFailure.invalid("'\(code)' is not a valid oem code (letters, digits, _ . -, up to 32)")
            }
            let name = invocation.argument(1)!.trimmingSpaces
            guard (1...200).contains(name.count) else { throw CommandFailure.invalid("the name must be 1 to 200 characters") }
            let added = try await environment.store.addOEM(code, name: name, rules: ruleValues(invocation),
                                                           environment.configuration.siteCalendar, invocation.context)
            return Reply(.ok, added.outcome.message, blocks: [.record(fields(added.oem))])
        },
        CommandSpec("oem set", "oem set <code> <rule>=<value> ... [from=<date>] [ref=...]  (rules: \(OEMRule.keys.joined(separator: ", ")))",
                    "a new version of a manufacturer's rules, from a date (default today); deadlines already running keep theirs",
                    role: .manager, changesData: true, positional: 1...1, named: Set(OEMRule.keys).union(["from"])) { invocation, environment in
            let rules = ruleValues(invocation)
            guard !rules.isEmpty else { throw CommandFailure.badRequest("nothing to set: give <rule>=<value>") }
            let set = try await environment.store.setOEM(invocation.argument(0)!, rules: rules, from: try invocation.date("from"),
                                                         environment.configuration.siteCalendar, invocation.context)
            return Reply(.ok, set.outcome.message, blocks: [.record(fields(set.oem))])
        },
        CommandSpec("oem show", "oem show <code>", "a manufacturer: the rules in force today and every version of them",
                    role: .viewer, positional: 1...1) { invocation, environment in
            let oem = try await environment.store.oem(invocation.argument(0)!, environment.configuration.siteCalendar)
            return Reply(.ok, blocks: [.record(fields(oem)), NarrowTable(key: "history", columns: [
                .init("valid_from", "FROM", width: 10), .init("return", width: 6), .init("request_days", "REQUEST", .right, width: 7),
                .init("ship_days", "SHIP", .right, width: 4), .init("retention_days", "KEEP", .right, width: 4),
                .init("earliest_days", "EARLY", .right, width: 5), .init("appeal_days", "APPEAL", .right, width: 6),
                .init("cycle", width: 7), .init("set_by", width: 10), .init("set_at", width: nil),
            ], rows: oem.history.map { rules in
                [.text(rules.validFrom ?? "start"), .text(rules.returnMode), .integer(rules.requestDays), .integer(rules.shipDays),
                 .integer(rules.retentionDays), rules.earliestDays.map(Value.integer) ?? .null, .integer(rules.appealDays),
                 .text(rules.cycle), .text(rules.setBy), .text(rules.setAt)]
            }).block])
        },
        CommandSpec("oem list", "oem list", "manufacturers with their rules in force, claims, old parts still to return and their value",
                    role: .viewer) { _, environment in
            let oems = try await environment.store.oems(environment.configuration.siteCalendar)
            return Reply(.ok, "\(oems.count) manufacturers", blocks: [NarrowTable(columns: [
                .init("code", width: 10), .init("name", width: 20), .init("return", width: 6), .init("cycle", width: 7),
                .init("ship_days", width: nil), .init("claims", nil, .right, width: 6),
                .init("open_parts", "OPEN", .right, width: 5), .init("at_risk", "AT RISK", .right, width: 11),
            ], rows: oems.map { oem in
                [.text(oem.code), .text(oem.name), .text(oem.rules.returnMode), .text(oem.rules.cycle), .integer(oem.rules.shipDays),
                 .integer(oem.claims), .integer(oem.openParts), .money(oem.atRisk)]
            }).block])
        },
    ]

    private static func ruleValues(_ invocation: Invocation) -> [String: String] {
        var rules: [String: String] = [:]
        for key in OEMRule.keys { rules[key] = invocation[named: key] }
        return rules
    }

    private static func fields(_ oem: OEMRecord) -> [Field] {
        let rules = oem.rules
        return [
            Field("code", .text(oem.code)), Field("name", .text(oem.name)), Field("return", .text(rules.returnMode)),
            Field("request_days", .integer(rules.requestDays)), Field("ship_days", .integer(rules.shipDays)),
            Field("retention_days", .integer(rules.retentionDays)),
            Field("earliest_days", rules.earliestDays.map(Value.integer) ?? .null),
            Field("appeal_days", .integer(rules.appealDays)), Field("cycle", .text(rules.cycle)),
            Field("rules_from", .text(rules.validFrom ?? "start")), Field("claims", .integer(oem.claims)),
            Field("open_parts", .integer(oem.openParts)), Field("at_risk", .money(oem.atRisk)),
        ]
    }
}
