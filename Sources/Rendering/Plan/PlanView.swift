import PlanModel

/// A plan as the renderers walk it: group by group, each group's changes sorted into the group
/// itself, its doors, the users to create and its roles.
struct GroupView {
    var group: PlannedGroup
    var create: ResourceChange?
    var update: ResourceChange?
    /// A duplicate group's deletion.
    var delete: ResourceChange?
    var doors: [ResourceChange] = []
    var schedules: [ResourceChange] = []
    var users: [ResourceChange] = []
    var roles: [ResourceChange] = []

    var hasChanges: Bool {
        create != nil || update != nil || delete != nil || !doors.isEmpty || !schedules.isEmpty || !users.isEmpty || !roles.isEmpty
    }

    static func of(_ plan: Plan, changes: [ResourceChange]? = nil) -> [GroupView] {
        var views: [String: GroupView] = [:]
        for group in plan.groups { views[group.address] = GroupView(group: group) }
        for change in changes ?? plan.changes where change.address.kind != .lockSchedule {
            guard var view = views[change.address.group] else { continue }
            switch (change.address.kind, change.action) {
            case (.group, .create): view.create = change
            case (.group, .update): view.update = change
            case (.group, .delete): view.delete = change
            case (.door, _): view.doors.append(change)
            case (.schedule, _): view.schedules.append(change)
            case (.lockSchedule, _): break
            case (.user, _): view.users.append(change)
            case (.role, _): view.roles.append(change)
            }
            views[change.address.group] = view
        }
        return plan.groups.compactMap { views[$0.address] }
    }

    /// The description the group has after apply.
    var description: String? { update?.after?.group?.description ?? group.description }
}

/// A door whose schedules change, and the changes.
struct DoorView {
    var door: PlannedDoor
    var changes: [ResourceChange]

    static func of(_ plan: Plan, changes: [ResourceChange]? = nil) -> [DoorView] {
        let all = (changes ?? plan.changes).filter { $0.address.kind == .lockSchedule }
        return plan.doors.compactMap { door in
            let mine = all.filter { $0.address.group == door.address }
            return mine.isEmpty ? nil : DoorView(door: door, changes: mine)
        }
    }
}

extension ResourceChange {
    /// A role created for a person who has no Kisi user yet: the user is created first.
    var createsUser: Bool { address.kind == .role && action == .create && after?.role?.holder.kisiID == nil && !isGuests }

    /// A role of a person of the member data as a Kisi guest (`invitees: guest`).
    var isGuests: Bool { role?.holder.kind == .memberGuest }
}
