import PlanModel

/// What a pull request changes: its plan compared with the plan its base branch's config would
/// make at the same instant, from the same member data and the same live Kisi. A change both
/// make is pending (it happens anyway); one only this config makes is the pull request's; one
/// only the baseline makes is prevented by the pull request.
public enum BaselineComparison {
    public static func mark(_ plan: Plan, against baseline: Plan, label: String) -> Plan {
        var marked = plan
        let theirs = Set(baseline.changes.map(Key.init))
        let ours = Set(plan.changes.map(Key.init))
        for index in marked.changes.indices {
            marked.changes[index].origin = theirs.contains(Key(marked.changes[index])) ? .pending : .change
        }
        marked.prevented = baseline.changes.filter { !ours.contains(Key($0)) }
        // Groups only the baseline plans appear with what they prevent.
        for group in baseline.groups
        where marked.group(group.address) == nil && marked.prevented.contains(where: { $0.address.group == group.address }) {
            marked.groups.append(group)
        }
        marked.groups.sort { $0.address < $1.address }
        marked.baseline = label
        return marked
    }

    /// Two plans make the same change when it is to the same resource, of the same kind, to the
    /// same values (their reasons may differ: another rule may grant the same window). A Kisi
    /// user is one person whichever group needs them first.
    struct Key: Hashable {
        var address: ResourceAddress
        var action: ResourceChange.Action
        var after: String

        init(_ change: ResourceChange) {
            address = change.address
            if address.kind == .user { address.group = "" }
            action = change.action
            after = Key.describe(change.after)
        }

        static func describe(_ values: ResourceValues?) -> String {
            switch values {
            case nil: return ""
            case .group(let group)?:
                return "\(group.name)|\(group.description ?? "")|\(group.placeID ?? -1)|\(group.timeRestriction.map(String.init) ?? "")"
            case .door(let door)?: return "\(door.lockID)"
            case .user(let user)?: return user.email.lowercased()
            case .role(let role)?:
                return "\(role.role)|\(role.window.from?.secondsSinceEpoch ?? -1)|\(role.window.until?.secondsSinceEpoch ?? -1)"
            case .schedule(let schedule)?: return "\(schedule.entry)"
            }
        }
    }
}
