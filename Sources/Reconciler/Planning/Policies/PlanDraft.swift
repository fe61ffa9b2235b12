import AccessModel
import PlanModel

/// A plan in the making: the diff's changes, the groups they belong to, and the problems found.
/// Each policy is a ``PlanPolicy`` that edits it.
struct PlanDraft {
    var changes: [ResourceChange]
    /// By config address.
    var groups: [String: PlannedGroup]
    var problems: [PlanProblem]

    /// What a policy decides for one change.
    enum Disposition {
        /// The change stays in the plan.
        case plan
        /// Out of the plan; the role stays, left alone for this reason.
        case keep(KeptMember.Why)
        /// Out of the plan; the role stays as it is (a problem says why).
        case leave
    }

    /// Decides change by change.
    mutating func sift(_ decide: (ResourceChange) -> Disposition) {
        var out = Set<Int>()
        for (index, change) in changes.enumerated() {
            switch decide(change) {
            case .plan: continue
            case .keep(let why): keep(change, why)
            case .leave: leave(change)
            }
            out.insert(index)
        }
        // Most policies take out none or a few changes of many: the list is rebuilt only then.
        if !out.isEmpty { changes = changes.enumerated().filter { !out.contains($0.offset) }.map(\.element) }
    }

    /// Takes a role change out of the plan: the role stays as Kisi holds it, left alone for `why`.
    mutating func keep(_ change: ResourceChange, _ why: KeptMember.Why) {
        guard let role = change.before?.role else { return }
        groups[change.address.group]?.kept.append(
            KeptMember(
                email: role.holder.email ?? "", name: why == .team || why == .guest || why == .otherAssignee ? role.holder.name : nil, why: why))
        leave(change)
    }

    /// Takes a role change out of the plan: the role stays as Kisi holds it.
    mutating func leave(_ change: ResourceChange) {
        guard let role = change.before?.role else { return }
        groups[change.address.group]?.unchanged.append(MemberState(role))
    }

    /// Removes a group and its changes from the plan.
    mutating func drop(group address: String) {
        groups[address] = nil
        changes.removeAll { $0.address.group == address }
    }
}

/// One policy over the changes a diff found: what kisictl must never touch, what the site's
/// policy says about members no rule explains, what `--destroy` and `--target` mean.
protocol PlanPolicy {
    func apply(to draft: inout PlanDraft)
}
