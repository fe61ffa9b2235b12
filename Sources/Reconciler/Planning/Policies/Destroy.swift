import AccessModel
import PlanModel

/// `--destroy`: every `group_basic` role kisictl manages is revoked, nothing else. Members no rule
/// explains were never kisictl's, unless `policy.unexplained_members` is `revoke`.
struct Destroy: PlanPolicy {
    let policy: AccessPolicy.UnexplainedMembers

    func apply(to draft: inout PlanDraft) {
        draft.changes.removeAll { $0.address.kind != .role }
        draft.sift { change in
            change.action == .delete && change.cause == .noRuleExplains && policy != .revoke ? .keep(.unexplained) : .plan
        }
        for index in draft.changes.indices {
            draft.changes[index].reasons = [.destroy]
            draft.changes[index].cause = .destroy
        }
    }
}
