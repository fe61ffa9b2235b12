import AccessModel
import Foundation
import KisiAPI
import PlanModel

/// Merges the newer Kisi groups that share a managed group's name into it (the oldest), so a
/// duplicate made by a race or by hand is repaired by plan and apply instead of blocking every
/// plan. Each role of a copy is made again in the kept group (unless the person holds one
/// there already, or the diff grants one), then removed from the copy; the empty copy goes
/// last. Nobody loses access on the way, so none of it counts against the guards.
enum DuplicateMerges {
    static func add(to draft: inout PlanDraft, groups: [GroupConfig], live: LiveState, instant: Instant, targets: Targets) {
        for group in groups where targets.covers(group: group.address) {
            guard let copies = live.copies[group.address], let kept = live.groups[group.address] else { continue }
            var holders = Set(kept.roles.compactMap { $0.userEmail.map(EmailAddress.normalized) })
            for change in draft.changes
            where change.address.group == group.address && change.address.kind == .role && change.action == .create {
                if let index = change.address.index { holders.insert(index) }
            }
            for copy in copies.sorted(by: { $0.group.id < $1.group.id }) {
                guard copy.roles.allSatisfy({ $0.userID != nil }) else {
                    // Teams' and guests' roles are not moved by kisictl: the operator sorts it out.
                    draft.problems.append(
                        .duplicateGroups(group: group.address, name: copy.group.name, place: group.place, ids: [kept.group.id, copy.group.id]))
                    continue
                }
                merge(copy, into: kept, of: group, holders: &holders, draft: &draft, instant: instant)
            }
        }
    }

    private static func merge(
        _ copy: LiveGroup, into kept: LiveGroup, of group: GroupConfig, holders: inout Set<String>, draft: inout PlanDraft, instant: Instant
    ) {
        let address = PlannedGroup.copyAddress(of: group.address, kisiID: copy.group.id)
        let place = group.place
        draft.groups[address] = PlannedGroup(
            address: address, name: copy.group.name, description: copy.group.description, place: place, placeID: copy.group.placeID,
            kisiID: copy.group.id, duplicateOf: group.address)
        func reason(_ step: DuplicateMerge.Step) -> [Reason] {
            [.mergedDuplicate(DuplicateMerge(step, keptID: kept.group.id, copyID: copy.group.id))]
        }
        for role in copy.roles.sorted(by: { ($0.userEmail ?? "", $0.id) < ($1.userEmail ?? "", $1.id) }) {
            guard let email = role.userEmail else { continue }
            let key = EmailAddress.normalized(email)
            let from = role.validFrom.map(Instant.init).flatMap { $0 > instant ? $0 : nil }
            let until = role.validUntil.map(Instant.init)
            let values = RoleValues(
                holder: HolderValues(kind: .user, email: email, name: nil, kisiID: role.userID), role: role.roleID,
                window: PlanWindow(from: from, until: until), kisiID: role.id)
            let expired = until.map { $0 <= instant } ?? false
            let step: DuplicateMerge.Step = expired ? .groupDeleted : holders.contains(key) ? .alreadyInKept : .moved
            if step == .moved {
                var moved = values
                moved.kisiID = nil
                draft.changes.append(
                    ResourceChange(ResourceAddress(.role, group: group.address, index: key), .create, after: .role(moved), reasons: reason(.moved)))
                holders.insert(key)
            }
            draft.changes.append(
                ResourceChange(
                    ResourceAddress(.role, group: address, index: key), .delete, before: .role(values), reasons: reason(step),
                    cause: .mergedDuplicate))
        }
        draft.changes.append(
            ResourceChange(
                .group(address), .delete,
                before: .group(
                    GroupValues(
                        name: copy.group.name, description: copy.group.description, place: place, placeID: copy.group.placeID,
                        kisiID: copy.group.id)), reasons: reason(.groupDeleted), cause: .mergedDuplicate))
    }
}
