import AccessModel
import PlanModel

/// `policy.unexplained_members`: members of a managed group whom no rule explains (no record the
/// group's rules look at, or not in the member data) are revoked, kept, or stop the plan.
/// Members whose records lapsed are always revoked, with that reason.
struct UnexplainedMembers: PlanPolicy {
    let policy: AccessPolicy.UnexplainedMembers

    func apply(to draft: inout PlanDraft) {
        guard policy != .revoke else { return }
        var unexplained: [String: [String]] = [:]
        draft.sift { change in
            guard change.address.kind == .role, change.action == .delete, change.cause == .noRuleExplains else { return .plan }
            guard policy == .fail else { return .keep(.unexplained) }
            unexplained[change.address.group, default: []].append(change.before?.role?.email ?? "")
            return .leave
        }
        for (group, emails) in unexplained.sorted(by: { $0.key < $1.key }) {
            draft.problems.append(.unexplainedMembers(group: group, emails: emails))
        }
    }
}
