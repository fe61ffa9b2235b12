import AccessModel
import Foundation
import AccessRules
import KisiAPI
import PlanModel

/// The two states a plan compares, built from what the evaluation wants and what Kisi holds.
/// Windows are written as Kisi would hold them: in whole seconds, a start already past as open.
enum AccessStates {
    /// Every managed group the plan covers, as the config and the evaluation want it.
    static func desired(groups: [GroupConfig], access: DesiredAccess, live: LiveState) -> AccessState {
        AccessState(
            groups: groups.compactMap { group -> GroupState? in
                guard let placeID = live.resolution.placeIDs[group.address] else { return nil }
                let grants = access.grants(in: group.address)
                var bindings: [RoleBinding] = []
                bindings.reserveCapacity(grants.count)
                for grant in grants {
                    let from = grant.window.from <= access.instant ? StateWindow.open : grant.window.from.secondsSinceEpoch
                    let until = grant.window.until?.secondsSinceEpoch ?? StateWindow.open
                    bindings.append(RoleBinding(holder: .person(grant.person.index), window: StateWindow(from: from, until: until)))
                }
                return GroupState(
                    address: group.address, name: group.name, description: group.description, place: group.place, placeID: placeID,
                    kisiID: live.groups[group.address]?.group.id, doors: group.doors == nil ? nil : live.resolution.doors[group.address] ?? [],
                    bindings: bindings)
            })
    }

    /// `--destroy`: the managed groups Kisi has, as they are but with no roles (what must stay,
    /// the policies keep).
    static func destroyed(_ live: AccessState) -> AccessState {
        AccessState(
            groups: live.groups.map { group in
                GroupState(
                    address: group.address, name: group.name, description: nil, place: group.place, placeID: group.placeID,
                    kisiID: group.kisiID, doors: nil, bindings: [])
            })
    }

    /// What Kisi holds in the managed groups the plan covers, with the names of every holder.
    static func live(groups: [GroupConfig], live: LiveState, directory: PeopleDirectory, instant: Instant) -> (AccessState, Holders) {
        var holders = Holders(directory: directory, users: live.users)
        var states: [GroupState] = []
        for group in groups {
            guard let kisi = live.groups[group.address] else { continue }
            var bindings: [RoleBinding] = []
            bindings.reserveCapacity(kisi.roles.count)
            var otherRoles: [Int: String] = [:]
            for role in kisi.roles {
                let holder = holders.holder(role.assignee)
                let kind = Role(id: role.roleID)
                if kind == .other { otherRoles[role.id] = role.roleID }
                bindings.append(
                    RoleBinding(
                        holder: holder, role: kind,
                        window: StateWindow(from: bound(role.validFrom, instant: instant, isStart: true), until: bound(role.validUntil, instant: instant, isStart: false)),
                        kisiID: role.id))
            }
            bindings.sort { ($0.holder, $0.kisiID) < ($1.holder, $1.kisiID) }
            let doors = kisi.doors?.map { link in
                DoorLink(name: live.locks.first { $0.id == link.lockID }?.name ?? "lock \(link.lockID)", lockID: link.lockID, linkID: link.id)
            }
            states.append(
                GroupState(
                    address: group.address, name: kisi.group.name, description: kisi.group.description,
                    place: live.places.first { $0.id == kisi.group.placeID }?.name ?? group.place, placeID: kisi.group.placeID, kisiID: kisi.group.id,
                    doors: doors, bindings: bindings, otherRoles: otherRoles))
        }
        return (AccessState(groups: states), holders)
    }

    /// A live bound in whole seconds; a start already past reads as open.
    static func bound(_ date: Date?, instant: Instant, isStart: Bool) -> Int64 {
        guard let date else { return StateWindow.open }
        let value = Instant(date)
        return isStart && value <= instant ? StateWindow.open : value.secondsSinceEpoch
    }
}

/// The names of every holder a plan may show: people from the member data (and their Kisi
/// users), Kisi users the data does not know, teams and guests.
struct Holders: HolderNames {
    let directory: PeopleDirectory
    let users: [String: KisiUser]
    private(set) var usersByID: [Int: KisiUser] = [:]
    /// A person's e-mail as Kisi spells it, and their Kisi user (0: none seen), by person index,
    /// for the people Kisi holds roles of: read per binding without hashing e-mails.
    private(set) var kisiEmails: [String?]
    private(set) var kisiUserIDs: [Int]
    private(set) var teams: [Int: String] = [:]
    private(set) var guests: [Int: (name: String, email: String?)] = [:]
    private(set) var others: [Int: String] = [:]

    init(directory: PeopleDirectory, users: [String: KisiUser]) {
        self.directory = directory
        self.users = users
        kisiEmails = Array(repeating: nil, count: directory.count)
        kisiUserIDs = Array(repeating: 0, count: directory.count)
        for user in users.values { usersByID[user.id] = user }
    }

    /// The holder of a live role, remembering its names.
    mutating func holder(_ assignee: KisiAssignee) -> Holder {
        switch assignee {
        case .user(let user):
            usersByID[user.id] = usersByID[user.id] ?? user
            guard let person = directory.personID(normalizedEmail: EmailAddress.normalized(user.email)) else { return .user(user.id) }
            kisiEmails[Int(person.index)] = user.email
            kisiUserIDs[Int(person.index)] = user.id
            return .person(person.index)
        case .team(let id, let name):
            teams[id] = name
            return .team(id)
        case .guest(let id, let name, let email):
            guests[id] = (name, email)
            return .guest(id)
        case .other(let type, let id):
            others[id ?? 0] = "\(type) \(id.map(String.init) ?? "?")"
            return .other(id ?? 0)
        }
    }

    func email(of holder: Holder) -> String? {
        switch holder {
        case .person(let index): directory.email(of: PersonID(index: index))
        case .user(let id): usersByID[id]?.email
        case .guest(let id): guests[id]?.email
        case .team, .other: nil
        }
    }

    func kisiEmail(of holder: Holder) -> String? {
        switch holder {
        case .person(let index): kisiEmails[Int(index)] ?? users[directory.normalizedEmail(of: PersonID(index: index))]?.email
        default: email(of: holder)
        }
    }

    func name(of holder: Holder) -> String? {
        switch holder {
        case .person(let index): directory.name(of: PersonID(index: index))
        case .user(let id): usersByID[id]?.name
        case .team(let id): teams[id]
        case .guest(let id): guests[id]?.name
        case .other(let id): others[id]
        }
    }

    func userID(of holder: Holder) -> Int? {
        switch holder {
        case .person(let index):
            kisiUserIDs[Int(index)] != 0 ? kisiUserIDs[Int(index)] : users[directory.normalizedEmail(of: PersonID(index: index))]?.id
        case .user(let id): id
        case .team, .guest, .other: nil
        }
    }
}
