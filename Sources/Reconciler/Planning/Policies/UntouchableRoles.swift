import PlanModel

/// kisictl grants and revokes `group_basic` roles of users and of its own guests (people of the
/// member data invited as guests) only: a manager's role, and any role a team, another guest or
/// an unknown kind of assignee holds, stays exactly as it is.
struct UntouchableRoles: PlanPolicy {
    func apply(to draft: inout PlanDraft) {
        draft.sift { change in
            guard change.address.kind == .role, let before = change.before?.role else { return .plan }
            switch before.holder.kind {
            case .team: return .keep(.team)
            case .guest: return .keep(.guest)
            case .other: return .keep(.otherAssignee)
            case .user, .memberGuest: return before.role == Role.basicID ? .plan : .keep(.manager)
            }
        }
    }
}
