import AccessModel

/// The difference between two access states: the changes that turn one into the other, and the
/// roles that stay as they are.
public struct StateDiff: Sendable, Equatable {
    /// Sorted as plans show them: by group; in a group the group itself, its doors (links before
    /// unlinks), the users to create, then roles (grants, window changes, revocations), each by key.
    public var changes: [ResourceChange]
    /// Per group address: every role both states hold alike.
    public var unchanged: [String: [MemberState]]
}

extension AccessState {
    /// The changes that make `live` into `desired`: a pure function of the two states.
    ///
    /// Groups of `desired` missing from `live` are created with their doors and roles; groups only
    /// in `live` are not kisictl's and are left out. Doors are compared when `desired` lists them.
    /// Roles are compared by holder: a role only `live` has is deleted, one only `desired` has is
    /// created (with its user, when the holder has no Kisi user yet), and one whose role or window
    /// differs is updated. What must not change (managers, exempt people, teams) is the policies'
    /// business, not the diff's.
    public static func changes(from live: AccessState, to desired: AccessState, names: any HolderNames, zone: SiteTimeZone) -> StateDiff {
        var changes: [ResourceChange] = []
        var unchanged: [String: [MemberState]] = [:]
        for group in desired.groups {
            let (groupChanges, stays) = diff(live[group.address], group, names: names, zone: zone)
            changes += groupChanges
            unchanged[group.address] = stays
        }
        return StateDiff(changes: changes, unchanged: unchanged)
    }

    /// One group's changes, in plan order, and its unchanged roles.
    /// Schedules are compared when `desired` has them, in the site's `zone`.
    public static func diff(_ live: GroupState?, _ desired: GroupState, names: any HolderNames, zone: SiteTimeZone) -> (
        [ResourceChange], [MemberState]
    ) {
        var changes: [ResourceChange] = []
        let address = desired.address
        let after = GroupValues(
            name: desired.name, description: desired.description, place: desired.place, placeID: desired.placeID, kisiID: live?.kisiID,
            timeRestriction: desired.timeRestriction)
        if let live {
            let renamed = desired.name != live.name
            let described = desired.description.map { $0 != (live.description ?? "") } ?? false
            let restricted = desired.timeRestriction.map { $0 != (live.timeRestriction ?? false) } ?? false
            if renamed || described || restricted {
                let before = GroupValues(
                    name: live.name, description: live.description, place: live.place, placeID: live.placeID, kisiID: live.kisiID,
                    timeRestriction: live.timeRestriction)
                var target = after
                if !described { target.description = live.description }
                if !restricted { target.timeRestriction = nil }
                changes.append(
                    ResourceChange(
                        .group(address), .update, before: .group(before), after: .group(target),
                        reasons: restricted ? [.schedule(.timeRestriction)] : []))
            }
        } else {
            changes.append(ResourceChange(.group(address), .create, after: .group(after)))
        }

        if let wanted = desired.doors {
            let linked = live?.doors ?? []
            var doors: [ResourceChange] = []
            for door in wanted where !linked.contains(where: { $0.lockID == door.lockID }) {
                doors.append(
                    ResourceChange(
                        ResourceAddress(.door, group: address, index: door.name), .create,
                        after: .door(DoorValues(door: door.name, lockID: door.lockID, linkID: nil))))
            }
            var unlinked: [ResourceChange] = []
            for link in linked where !wanted.contains(where: { $0.lockID == link.lockID }) {
                unlinked.append(
                    ResourceChange(
                        ResourceAddress(.door, group: address, index: link.name), .delete,
                        before: .door(DoorValues(door: link.name, lockID: link.lockID, linkID: link.linkID))))
            }
            changes += doors.sorted { $0.address.index! < $1.address.index! } + unlinked.sorted { $0.address.index! < $1.address.index! }
        }
        if let wanted = desired.schedules {
            changes += ScheduleDiff.changes(
                live: live?.schedules ?? [], desired: wanted, zone: zone, removing: wanted.isEmpty,
                address: { ResourceAddress(.schedule, group: address, index: $0) })
        }

        let (roles, users, stays) = diffBindings(live, desired, names: names)
        changes += users.sorted { $0.address.index! < $1.address.index! }
        changes += roles.sorted { (order($0.action), $0.address.index!) < (order($1.action), $1.address.index!) }
        return (changes, stays)
    }

    private static func order(_ action: ResourceChange.Action) -> Int {
        switch action {
        case .create: 0
        case .update: 1
        case .delete: 2
        }
    }

    /// Roles merge-joined by holder (both lists are sorted by holder).
    private static func diffBindings(_ live: GroupState?, _ desired: GroupState, names: any HolderNames) -> (
        roles: [ResourceChange], users: [ResourceChange], unchanged: [MemberState]
    ) {
        let address = desired.address
        let have = live?.bindings ?? []
        let want = desired.bindings
        var roles: [ResourceChange] = [], users: [ResourceChange] = [], stays: [MemberState] = []
        stays.reserveCapacity(have.count)

        /// - Parameters: showing: the member data's spelling of the e-mail (else Kisi's);
        ///   named: with a user's name (only changes need it).
        func values(_ binding: RoleBinding, in group: GroupState, showing: Bool, named: Bool = true) -> RoleValues {
            let holder = binding.holder
            let email = showing ? names.email(of: holder) : (names.kisiEmail(of: holder) ?? names.email(of: holder))
            let kind: HolderValues.Kind =
                switch holder.kind {
                case .person, .user: .user
                case .team: .team
                case .guest: .guest
                case .other: .other
                case .personAsGuest: .memberGuest
                }
            let id: Int? =
                switch holder.kind {
                case .person, .user: names.userID(of: holder)
                case .personAsGuest: names.guestID(of: holder)
                case .team, .guest, .other: holder.id
                }
            let name = named || kind != .user ? names.name(of: holder) : nil
            return RoleValues(
                holder: HolderValues(kind: kind, email: email, name: name, kisiID: id), role: group.roleID(of: binding),
                window: binding.window.planWindow, kisiID: binding.kisiID == 0 ? nil : binding.kisiID)
        }
        func key(_ values: RoleValues, _ holder: Holder) -> String {
            switch holder.kind {
            case .person, .user: values.normalizedEmail
            case .personAsGuest: "guest:" + values.normalizedEmail
            case .team: "team:\(holder.id)"
            case .guest: "guest:\(holder.id)"
            case .other: "other:\(holder.id)"
            }
        }

        /// An unchanged role, as little as the plan shows of it.
        func member(_ binding: RoleBinding, in group: GroupState) -> MemberState {
            let holder = binding.holder
            let who: MemberState.Holder =
                switch holder.kind {
                case .person, .user: .user(email: names.kisiEmail(of: holder) ?? names.email(of: holder) ?? "")
                case .team: .team(id: holder.id, name: names.name(of: holder) ?? "")
                case .guest: .guest(GuestHolder(id: holder.id, name: names.name(of: holder) ?? "", email: names.email(of: holder)))
                case .personAsGuest:
                    .guest(GuestHolder(id: names.guestID(of: holder) ?? 0, name: names.name(of: holder) ?? "", email: names.email(of: holder)))
                case .other: .other(id: holder.id)
                }
            return MemberState(holder: who, role: group.roleID(of: binding), window: binding.window.planWindow)
        }

        var i = 0, j = 0
        while i < have.count || j < want.count {
            if j == want.count || (i < have.count && have[i].holder < want[j].holder) {
                let before = values(have[i], in: live!, showing: false)
                roles.append(
                    ResourceChange(ResourceAddress(.role, group: address, index: key(before, have[i].holder)), .delete, before: .role(before)))
                i += 1
            } else if i == have.count || want[j].holder < have[i].holder {
                let after = values(want[j], in: desired, showing: true)
                let index = key(after, want[j].holder)
                roles.append(ResourceChange(ResourceAddress(.role, group: address, index: index), .create, after: .role(after)))
                if after.holder.kind == .user, after.holder.kisiID == nil {
                    users.append(
                        ResourceChange(
                            ResourceAddress(.user, group: address, index: index), .create,
                            after: .user(UserValues(email: after.email, name: after.holder.name))))
                }
                j += 1
            } else {
                let current = have[i], wanted = want[j]
                if current.role == wanted.role, current.window == wanted.window {
                    stays.append(member(current, in: live!))
                } else {
                    let before = values(current, in: live!, showing: false)
                    var after = values(wanted, in: desired, showing: false)
                    after.kisiID = before.kisiID
                    roles.append(
                        ResourceChange(
                            ResourceAddress(.role, group: address, index: key(before, current.holder)), .update, before: .role(before),
                            after: .role(after)))
                }
                i += 1
                // A second role of the same holder (which Kisi does not allow) goes.
                while i < have.count, have[i].holder == wanted.holder {
                    let extra = values(have[i], in: live!, showing: false)
                    roles.append(
                        ResourceChange(ResourceAddress(.role, group: address, index: key(extra, have[i].holder)), .delete, before: .role(extra)))
                    i += 1
                }
                j += 1
            }
        }
        return (roles, users, stays)
    }
}
