import AccessModel
import AccessRules
import Foundation
import KisiAPI
import PlanModel

/// The two states a plan compares, group by group, built from what the evaluation wants and what
/// Kisi holds. Windows are written as Kisi would hold them: in whole seconds, a start already
/// past as open.
enum AccessStates {
    /// A managed group as the config and the evaluation want it; nil when its place is unknown.
    /// Schedules are written in the site's `zone`.
    static func desired(_ group: GroupConfig, access: DesiredAccess, live: LiveState, zone: SiteTimeZone) -> GroupState? {
        guard let placeID = live.resolution.placeIDs[group.address] else { return nil }
        let grants = access.grants(in: group.address)
        var bindings: [RoleBinding] = []
        bindings.reserveCapacity(grants.count)
        for grant in grants {
            let from = grant.window.from <= access.instant ? StateWindow.open : grant.window.from.secondsSinceEpoch
            let until = grant.window.until?.secondsSinceEpoch ?? StateWindow.open
            let holder: Holder = grant.asGuest ? .personAsGuest(grant.person.index) : .person(grant.person.index)
            bindings.append(RoleBinding(holder: holder, window: StateWindow(from: from, until: until)))
        }
        // Guests sort after users: the diff merge-joins by holder.
        if grants.contains(where: \.asGuest) { bindings.sort { $0.holder < $1.holder } }
        var state = GroupState(
            address: group.address, name: group.name, description: group.description, place: group.place, placeID: placeID,
            kisiID: live.groups[group.address]?.group.id, doors: group.doors == nil ? nil : live.resolution.doors[group.address] ?? [],
            bindings: bindings)
        if let setting = group.schedule {
            state.schedules = (setting.schedule?.entries(.allow, in: zone) ?? []).map { ScheduledEntry($0) }
            state.timeRestriction = setting.schedule != nil
        }
        return state
    }

    /// `--destroy`: a managed group Kisi has, as it is but with no roles (what must stay, the
    /// policies keep).
    static func destroyed(_ live: GroupState) -> GroupState {
        GroupState(
            address: live.address, name: live.name, description: nil, place: live.place, placeID: live.placeID, kisiID: live.kisiID, doors: nil,
            bindings: [])
    }

    /// A managed group as Kisi holds it, its holders keyed to the member data's people; nil when
    /// Kisi has no such group.
    static func live(_ group: GroupConfig, live: LiveState, holders: Holders, instant: Instant) -> GroupState? {
        guard let kisi = live.groups[group.address] else { return nil }
        var bindings: [RoleBinding] = []
        bindings.reserveCapacity(kisi.roles.count)
        var otherRoles: [Int: String] = [:]
        let roles = kisi.roles
        for index in roles.indices {
            let kind = Role(id: roles[index].roleID)
            if kind == .other { otherRoles[roles[index].id] = roles[index].roleID }
            bindings.append(
                RoleBinding(
                    holder: holders.holder(of: roles[index]), role: kind,
                    window: StateWindow(
                        from: bound(roles[index].validFrom, instant: instant, isStart: true),
                        until: bound(roles[index].validUntil, instant: instant, isStart: false)),
                    kisiID: roles[index].id))
        }
        bindings.sort { ($0.holder, $0.kisiID) < ($1.holder, $1.kisiID) }
        let doors = kisi.doors?.map { link in
            DoorLink(name: live.locks.first { $0.id == link.lockID }?.name ?? "lock \(link.lockID)", lockID: link.lockID, linkID: link.id)
        }
        var state = GroupState(
            address: group.address, name: kisi.group.name, description: kisi.group.description,
            place: live.places.first { $0.id == kisi.group.placeID }?.name ?? group.place, placeID: kisi.group.placeID, kisiID: kisi.group.id,
            doors: doors, bindings: bindings, otherRoles: otherRoles)
        state.schedules = kisi.schedules.map { KisiSchedules.entries($0, .allow) }
        state.timeRestriction = kisi.group.timeRestrictionEnabled
        return state
    }

    /// A live bound in whole seconds; a start already past reads as open.
    static func bound(_ date: Date?, instant: Instant, isStart: Bool) -> Int64 {
        guard let date else { return StateWindow.open }
        let value = Instant(date)
        return isStart && value <= instant ? StateWindow.open : value.secondsSinceEpoch
    }
}

/// The names of every holder a plan may show: people from the member data (and their Kisi
/// users), Kisi users the data does not know, teams and guests. Built once per plan from what
/// Kisi holds, then read by every group's diff at once.
struct Holders: HolderNames {
    let directory: PeopleDirectory
    let users: [String: KisiUser]
    /// Kisi user id → the person with that address, for every Kisi user the plan knows.
    private let personByUser: [Int: Int32]
    /// Kisi users the member data does not know, by id.
    private let strangers: [Int: KisiUser]
    /// A person's e-mail as Kisi spells it and their Kisi user id (0: none), by person index.
    private let kisiEmails: [String?]
    private let kisiUserIDs: [Int]
    private let teams: [Int: String]
    private let guests: [Int: (name: String, email: String?)]
    /// Kisi guest id → the person with that address, and back: people of the member data as guests.
    private let personByGuest: [Int: Int32]
    private let guestByPerson: [Int32: (id: Int, email: String?)]
    private let others: [Int: String]

    init(directory: PeopleDirectory, live: LiveState) {
        self.directory = directory
        users = live.users
        var personByUser: [Int: Int32] = [:], strangers: [Int: KisiUser] = [:]
        personByUser.reserveCapacity(live.users.count)
        var kisiEmails = [String?](repeating: nil, count: directory.count), kisiUserIDs = [Int](repeating: 0, count: directory.count)
        for (email, user) in live.users {
            if let person = directory.personID(normalizedEmail: email) {
                personByUser[user.id] = person.index
                kisiEmails[Int(person.index)] = user.email
                kisiUserIDs[Int(person.index)] = user.id
            } else {
                strangers[user.id] = user
            }
        }
        var teams: [Int: String] = [:], guests: [Int: (name: String, email: String?)] = [:], others: [Int: String] = [:]
        var personByGuest: [Int: Int32] = [:], guestByPerson: [Int32: (id: Int, email: String?)] = [:]
        for group in live.groups.values {
            for role in group.roles where role.userID == nil {
                switch role.assignee {
                case .user: continue
                case .team(let id, let name): teams[id] = name
                case .guest(let id, let name, let email):
                    guests[id] = (name, email)
                    // A guest with a person's address is that person as a guest: kisictl's to manage.
                    // Kisi may hold several guests with one address: the oldest (lowest id) is theirs.
                    if let email, let person = directory.personID(normalizedEmail: EmailAddress.normalized(email)),
                        guestByPerson[person.index].map({ id < $0.id }) ?? true
                    {
                        if let earlier = guestByPerson[person.index] { personByGuest[earlier.id] = nil }
                        personByGuest[id] = person.index
                        guestByPerson[person.index] = (id, email)
                    }
                case .other(let type, let id): others[id ?? 0] = "\(type) \(id.map(String.init) ?? "?")"
                }
            }
        }
        self.personByGuest = personByGuest
        self.guestByPerson = guestByPerson
        self.personByUser = personByUser
        self.strangers = strangers
        self.kisiEmails = kisiEmails
        self.kisiUserIDs = kisiUserIDs
        self.teams = teams
        self.guests = guests
        self.others = others
    }

    /// The holder of a live role.
    func holder(of role: borrowing KisiRoleAssignment) -> Holder {
        if let user = role.userID { return personByUser[user].map(Holder.person) ?? .user(user) }
        switch role.assignee {
        case .user(let user): return personByUser[user.id].map(Holder.person) ?? Holder.user(user.id)
        case .team(let id, _): return Holder.team(id)
        case .guest(let id, _, _): return personByGuest[id].map(Holder.personAsGuest) ?? Holder.guest(id)
        case .other(_, let id): return Holder.other(id ?? 0)
        }
    }

    func email(of holder: Holder) -> String? {
        switch holder.kind {
        case .person, .personAsGuest: directory.email(of: PersonID(index: Int32(holder.id)))
        case .user: strangers[holder.id]?.email
        case .guest: guests[holder.id]?.email
        case .team, .other: nil
        }
    }

    func kisiEmail(of holder: Holder) -> String? {
        switch holder.kind {
        case .person: kisiEmails[holder.id]
        case .personAsGuest: guestByPerson[Int32(holder.id)]?.email ?? email(of: holder)
        default: email(of: holder)
        }
    }

    func name(of holder: Holder) -> String? {
        switch holder.kind {
        case .person: directory.name(of: PersonID(index: Int32(holder.id)))
        case .personAsGuest:
            directory.name(of: PersonID(index: Int32(holder.id))) ?? guestByPerson[Int32(holder.id)].flatMap { guests[$0.id]?.name }
        case .user: strangers[holder.id]?.name
        case .team: teams[holder.id]
        case .guest: guests[holder.id]?.name
        case .other: others[holder.id]
        }
    }

    func userID(of holder: Holder) -> Int? {
        switch holder.kind {
        case .person: kisiUserIDs[holder.id] == 0 ? nil : kisiUserIDs[holder.id]
        case .user: holder.id
        case .team, .guest, .other, .personAsGuest: nil
        }
    }

    func guestID(of holder: Holder) -> Int? {
        holder.kind == .personAsGuest ? guestByPerson[Int32(holder.id)]?.id : nil
    }
}
