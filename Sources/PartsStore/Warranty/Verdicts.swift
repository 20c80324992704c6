import PartsDomain

/// The factory's answer for old parts, as the manager typed it.
public struct VerdictDraft: Sendable {
    public enum Outcome: String, Sendable, CaseIterable {
        case accepted, rejected, missing
    }

    /// A claim number or a tag.
    public var target: String
    public var outcome: Outcome
    public var credit: ExactDecimal?
    /// A rejection reason's code (warranty_reject_reason).
    public var reason: String?
    public var note: String?
    /// The day the factory decided; nil: today.
    public var decided: String?

    public init(target: String, outcome: Outcome) {
        self.target = target
        self.outcome = outcome
    }
}

extension PartsStore {
    /// Records the factory's verdict, once per old part and once more after an appeal
    /// (warranty_verdict).
    public func recordVerdict(_ draft: VerdictDraft, _ calendar: SiteCalendar,
                              _ context: CommandContext) async throws(StoreError) -> OldPartsOutcome {
        var input = WorkflowInput(context)
        input.set(calendar)
        input.set("target", draft.target)
        input.set("outcome", draft.outcome.rawValue)
        input.set("credit", draft.credit)
        input.set("reason", draft.reason)
        input.set("note", draft.note)
        input.set("decided", draft.decided)
        return try OldPartsOutcome(try await perform(.verdict, input))
    }
}
