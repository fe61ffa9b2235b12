import AccessModel
import AccessRules
import Foundation
import KisiAPI
import PlanModel

/// Reads what the plan needs from Kisi, with as few requests as possible: the organization,
/// the key's own user, places, locks, groups and integrations once each; per managed group its
/// roles (which carry members' e-mails), its door links if the config manages them, and the
/// integrations feeding it if there are any; Kisi users only for people about to be granted
/// whose user is not known yet, by the cheaper of per-person lookups or listing all users; and
/// the users who lately wrote roles in managed groups besides the key's user, to name them.
public struct Refresher: Sendable {
    let reader: any KisiReading
    /// The wall clock, for "lately".
    let now: Date
    /// `--target`: only these groups are read (all when empty).
    let targets: Targets

    public init(reader: any KisiReading, now: Date = Date(), targets: Targets = Targets()) {
        self.reader = reader
        self.now = now
        self.targets = targets
    }

    /// With no desired access (checking a saved plan) no users are looked up.
    public func refresh(config: SiteConfig, desired: DesiredAccess?, directory: PeopleDirectory?) async throws(KisiError) -> LiveState {
        try await refresh([Request(config: config, desired: desired)], directory: directory)[0]
    }

    /// A config and, when users must be looked up, what it wants.
    public struct Request: Sendable {
        public var config: SiteConfig
        public var desired: DesiredAccess?

        public init(config: SiteConfig, desired: DesiredAccess?) {
            self.config = config
            self.desired = desired
        }
    }

    /// Reads Kisi once for several configs of one site (this change's and its baseline's), so
    /// that both are planned against exactly the same live state: a Kisi group two configs name
    /// is read once.
    public func refresh(_ sites: [Request], directory: PeopleDirectory?) async throws(KisiError) -> [LiveState] {
        do {
            return try await read(sites, directory: directory)
        } catch let error as KisiError {
            throw error
        } catch {
            throw .unexpectedResponse("reading Kisi", "\(error)")
        }
    }

    private func read(_ sites: [Request], directory: PeopleDirectory?) async throws -> [LiveState] {
        async let organization = reader.organization()
        async let keyUser = reader.currentUser()
        async let places = reader.places()
        async let locks = reader.locks()
        async let groups = reader.groups()
        async let anyIntegrations = reader.integrations(group: nil)
        let org = try await organization, placeList = try await places, lockList = try await locks
        let groupList = try await groups, integrationList = try await anyIntegrations
        let resolver = GroupResolver(places: placeList, locks: lockList, groups: groupList)
        let resolutions = sites.map { resolver.resolve($0.config.groups) }

        // Every Kisi group a managed config group of any site names, read once; doors when any
        // of them manages the doors.
        var wanted: [Int: (group: KisiGroup, doors: Bool, schedules: Bool)] = [:]
        for (site, resolution) in zip(sites, resolutions) {
            for group in site.config.managedGroups where targets.covers(group: group.address) {
                guard let kisi = resolution.matches[group.address] else { continue }
                wanted[kisi.id] = (
                    kisi, (wanted[kisi.id]?.doors ?? false) || group.doors != nil, (wanted[kisi.id]?.schedules ?? false) || group.schedule != nil
                )
                for copy in resolution.copies[group.address] ?? [] {
                    wanted[copy.id] = (copy, wanted[copy.id]?.doors ?? false, wanted[copy.id]?.schedules ?? false)
                }
            }
        }
        let readIntegrations = !integrationList.isEmpty
        let reader = self.reader
        let read = try await withThrowingTaskGroup(of: LiveGroup.self) { tasks in
            for (group, readDoors, readSchedules) in wanted.values {
                tasks.addTask {
                    async let roles = reader.roleAssignments(group: group.id)
                    async let doors: [KisiGroupLock]? = readDoors ? reader.groupLocks(group: group.id) : nil
                    async let integrations: [KisiIntegration] = readIntegrations ? reader.integrations(group: group.id) : []
                    async let schedules: [KisiSchedule]? = readSchedules ? reader.schedules(of: "Group", id: group.id) : nil
                    return LiveGroup(
                        group: group, roles: try await roles, doors: try await doors, integrations: try await integrations,
                        schedules: try await schedules)
                }
            }
            return try await tasks.reduce(into: [Int: LiveGroup]()) { $0[$1.group.id] = $1 }
        }

        // People are users: a team's or a guest's id is never taken for a member's.
        var users: [String: KisiUser] = [:]
        for group in read.values {
            for role in group.roles {
                if let email = role.userEmail, let id = role.userID {
                    users[EmailAddress.normalized(email)] = KisiUser(id: id, name: nil, email: email)
                }
            }
        }
        var liveGroups: [[String: LiveGroup]] = []
        var liveCopies: [[String: [LiveGroup]]] = []
        for (site, resolution) in zip(sites, resolutions) {
            var byAddress: [String: LiveGroup] = [:]
            var copies: [String: [LiveGroup]] = [:]
            for group in site.config.managedGroups where targets.covers(group: group.address) {
                if let kisi = resolution.matches[group.address], let live = read[kisi.id] { byAddress[group.address] = live }
                let read = (resolution.copies[group.address] ?? []).compactMap { read[$0.id] }
                if !read.isEmpty { copies[group.address] = read }
            }
            liveGroups.append(byAddress)
            liveCopies.append(copies)
        }
        var lookups = Set<String>()
        if let directory {
            for (site, groups) in zip(sites, liveGroups) {
                guard let desired = site.desired else { continue }
                lookups.formUnion(Self.peopleToLookUp(desired: desired, directory: directory, live: groups, known: users, targets: targets))
            }
        }
        for user in try await lookUp(lookups) { users[EmailAddress.normalized(user.email)] = user }
        let key = try await keyUser
        var states: [LiveState] = []
        for (index, site) in sites.enumerated() {
            let writers = try await OtherWriters(reader: reader, now: now).find(in: liveGroups[index].mapValues(\.roles), keyUser: key)
            var notices = writers.map(KisiNotice.otherWriter)
            if org.scimEnabled { notices.append(.scimEnabled) }
            let managed = site.config.managedGroups.filter { targets.covers(group: $0.address) }
            // Groups to create: resolved to a place, found nowhere, and no problem already said why.
            let unmatched = managed.filter { group in
                resolutions[index].placeIDs[group.address] != nil && resolutions[index].matches[group.address] == nil
                    && !resolutions[index].problems.contains { $0.path == group.address }
            }
            let (orphans, moves) = try await orphans(
                of: unmatched, resolution: resolutions[index], groups: groupList, places: placeList, keyUser: key)
            notices += orphans.map(KisiNotice.orphanedGroup)
            var resolution = resolutions[index]
            resolution.problems += moves
            var state = LiveState(
                organization: org, places: placeList, locks: lockList, keyUser: key, resolution: resolution, groups: liveGroups[index],
                users: users, notices: notices)
            state.copies = liveCopies[index]
            let managedDoors = site.config.doors.filter { $0.unlock != nil && targets.covers(door: $0.address) }
            (state.doors, state.doorProblems) = resolver.resolve(doors: managedDoors)
            for door in state.doors {
                state.doorSchedules[door.lockID] = try await reader.schedules(of: "Lock", id: door.lockID)
            }
            state.openingHolidays = try await openingHolidays(
                site.config.managedGroups.filter { targets.covers(group: $0.address) }.compactMap(\.schedule?.schedule)
                    + managedDoors.compactMap(\.unlock?.schedule))
            states.append(state)
        }
        return states
    }

    /// The holidays, in the years of the openings, of each calendar a schedule with openings names.
    func openingHolidays(_ schedules: [Schedule]) async throws -> [HolidayCalendar: [Holiday]] {
        var found: [HolidayCalendar: [Holiday]] = [:]
        for schedule in schedules {
            guard let calendar = schedule.holidays, !schedule.open.isEmpty else { continue }
            for year in Set(schedule.open.map(\.date.components.year)).sorted() {
                let listed = try await reader.holidays(region: calendar.region, year: year, observed: calendar.observed)
                found[calendar, default: []] += listed.compactMap { holiday in
                    TimeParsing.localDate(holiday.date).map { Holiday(date: $0, name: holiday.name) }
                }
            }
        }
        return found
    }

    /// Kisi groups that may be a managed group kisictl would otherwise create, claimed by no
    /// config group and holding roles the key's user made: one in its place is an orphan (a
    /// rename without `previously`); one of its name in another place is the group moved, which
    /// Kisi cannot do, so the plan is refused rather than a second group made. Read only when a
    /// managed group is missing, so a converged site pays nothing for it.
    func orphans(of missing: [GroupConfig], resolution: GroupResolver.Resolution, groups: [KisiGroup], places: [KisiPlace], keyUser: KisiUser)
        async throws -> (orphans: [OrphanedGroup], moves: [PlanProblem])
    {
        guard !missing.isEmpty else { return ([], []) }
        let claimed = Set(resolution.matches.values.map(\.id))
        var found: [OrphanedGroup] = []
        var moves: [PlanProblem] = []
        var counted: [Int: Int] = [:]
        func kisictlRoles(in group: KisiGroup) async throws -> Int {
            if let count = counted[group.id] { return count }
            let count = try await reader.roleAssignments(group: group.id).filter { $0.createdBy == .user(keyUser.id) }.count
            counted[group.id] = count
            return count
        }
        func placeName(_ id: Int?) -> String? { places.first { $0.id == id }?.name }
        for group in missing {
            guard let placeID = resolution.placeIDs[group.address] else { continue }
            for candidate in groups where !claimed.contains(candidate.id) {
                if candidate.placeID == placeID {
                    let roles = try await kisictlRoles(in: candidate)
                    guard roles > 0 else { continue }
                    found.append(
                        OrphanedGroup(
                            address: group.address, kisiID: candidate.id, name: candidate.name, place: placeName(candidate.placeID), roles: roles))
                } else if GroupResolver.isNamed(candidate, as: group), try await kisictlRoles(in: candidate) > 0 {
                    moves.append(.placeChange(group: group.address, kisiID: candidate.id, from: placeName(candidate.placeID), to: group.place))
                }
            }
        }
        return (found, moves)
    }

    /// People who should hold a role in a managed group where they have none, and whose Kisi
    /// user has not been seen: only for them must Kisi say whether a user exists.
    static func peopleToLookUp(
        desired: DesiredAccess, directory: PeopleDirectory, live: [String: LiveGroup], known: [String: KisiUser], targets: Targets
    ) -> Set<String> {
        var wanted = Set<String>()
        for group in desired.groups where targets.covers(group: group.address) {
            let members = Set(live[group.address]?.roles.compactMap { $0.userEmail.map(EmailAddress.normalized) } ?? [])
            for grant in group.grants {
                let email = directory.normalizedEmail(of: grant.person)
                if !members.contains(email), known[email] == nil,
                    targets.covers(ResourceAddress(.role, group: group.address, index: email))
                {
                    wanted.insert(email)
                }
            }
        }
        return wanted
    }

    /// Looks people up one by one, or lists users when that takes fewer requests: the first page
    /// tells how many there are; listing goes on while it is the cheaper way to find who is
    /// still missing (and Kisi's offset cap allows), and per-person lookups find the rest.
    func lookUp(_ emails: Set<String>) async throws -> [KisiUser] {
        guard !emails.isEmpty else { return [] }
        if emails.count == 1 { return try await perPerson(emails) }
        let listed = try await reader.users { progress in
            let missing = emails.subtracting(progress.rows.lazy.map { EmailAddress.normalized($0.email) }).count
            let pagesLeft = max(0, (progress.total - progress.rows.count + 99) / 100)
            return missing > 0 && pagesLeft <= missing && progress.total <= KisiPaging.maximumOffset + 100
        }
        let found = listed.rows.filter { emails.contains(EmailAddress.normalized($0.email)) }
        let missing = emails.subtracting(found.map { EmailAddress.normalized($0.email) })
        // A complete listing is the answer; otherwise whoever it did not reach is looked up.
        return listed.complete ? found : found + (try await perPerson(missing))
    }

    private func perPerson(_ emails: Set<String>) async throws -> [KisiUser] {
        let reader = self.reader
        return try await withThrowingTaskGroup(of: KisiUser?.self) { tasks in
            for email in emails.sorted() { tasks.addTask { try await reader.user(email: email) } }
            return try await tasks.reduce(into: [KisiUser]()) { if let user = $1 { $0.append(user) } }
        }
    }
}
