import PlanModel

/// `policy.exempt`: these people are never revoked from any group (their windows still follow
/// the rules when a rule grants them).
struct ExemptPeople: PlanPolicy {
    /// Normalized e-mail addresses.
    let exempt: Set<String>

    func apply(to draft: inout PlanDraft) {
        guard !exempt.isEmpty else { return }
        draft.sift { change in
            guard change.address.kind == .role, change.action == .delete, let role = change.before?.role, exempt.contains(role.normalizedEmail)
            else { return .plan }
            return .keep(.exempt)
        }
    }
}
