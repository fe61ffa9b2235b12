import AccessModel
import KisiAPI
import PlanModel

/// What Kisi holds now, as far as the plan needs it.
public struct LiveState: Sendable {
    public var organization: KisiOrganization
    public var places: [KisiPlace]
    public var locks: [KisiLock]
    /// The API key's own user: roles it created are kisictl's.
    public var keyUser: KisiUser
    /// How the config's groups were found in Kisi.
    public var resolution: GroupResolver.Resolution
    /// Managed groups that exist in Kisi (and were read), by config address.
    public var groups: [String: LiveGroup]
    /// Newer Kisi groups with a managed group's name (read, to be merged into it), by its address.
    public var copies: [String: [LiveGroup]] = [:]
    /// Kisi users by normalized e-mail: members seen in managed groups and people looked up.
    public var users: [String: KisiUser]
    /// What a reviewer should know: other writers, SCIM, groups that look orphaned.
    public var notices: [KisiNotice]
    /// The config's top-level doors found in Kisi, and their schedules by lock id.
    public var doors: [PlannedDoor] = []
    public var doorSchedules: [Int: [KisiSchedule]] = [:]
    /// Problems finding the config's top-level doors.
    public var doorProblems: [PlanProblem] = []
    /// The holidays of the years the config's openings fall in, for each holiday calendar the
    /// same schedule names: an opening on a holiday stays closed.
    public var openingHolidays: [HolidayCalendar: [Holiday]] = [:]

    public init(
        organization: KisiOrganization, places: [KisiPlace], locks: [KisiLock], keyUser: KisiUser, resolution: GroupResolver.Resolution,
        groups: [String: LiveGroup], users: [String: KisiUser], notices: [KisiNotice] = []
    ) {
        self.organization = organization
        self.places = places
        self.locks = locks
        self.keyUser = keyUser
        self.resolution = resolution
        self.groups = groups
        self.users = users
        self.notices = notices
    }

    /// Mismatches between the config and Kisi that make a plan impossible.
    public var problems: [PlanProblem] { resolution.problems + doorProblems }

    /// The fingerprint of what was read for each managed group (or that it was absent).
    /// Doors' schedules are keyed `door:ADDRESS`.
    public func fingerprints(for groups: [GroupConfig]) -> [String: String] {
        var prints = Dictionary(
            uniqueKeysWithValues: groups.parallelMap { group in
                (
                    group.address,
                    ([self.groups[group.address]?.fingerprint ?? Fingerprint.of("absent")] + (copies[group.address] ?? []).map(\.fingerprint))
                        .joined(separator: "+")
                )
            })
        for door in doors {
            let schedules = (doorSchedules[door.lockID] ?? []).sorted { $0.id < $1.id }
            prints["door:" + door.address] = Fingerprint.of("\(door.lockID)|" + schedules.map { "\($0)" }.joined(separator: "|"))
        }
        return prints
    }

    /// `group_basic` roles in the managed groups: the base of a share-based revocation limit.
    public var basicMembers: Int {
        groups.values.reduce(0) { $0 + $1.roles.filter { $0.roleID == Role.basicID }.count }
    }
}

/// One managed group as Kisi holds it.
public struct LiveGroup: Sendable {
    public var group: KisiGroup
    /// Every role in the group (`group_basic` members and `group_manager`s; users', teams' and
    /// guests'), each id once.
    public var roles: [KisiRoleAssignment]
    /// Door links; nil when the config leaves the group's doors alone (not read).
    public var doors: [KisiGroupLock]?
    /// Other integrations feeding the group.
    public var integrations: [KisiIntegration]
    /// The group's schedules; nil when the config leaves them alone (not read).
    public var schedules: [KisiSchedule]?

    public init(
        group: KisiGroup, roles: [KisiRoleAssignment], doors: [KisiGroupLock]?, integrations: [KisiIntegration], schedules: [KisiSchedule]? = nil
    ) {
        self.schedules = schedules
        self.group = group
        self.roles = roles
        self.doors = doors
        self.integrations = integrations
    }

    /// Everything read, in a canonical order, fingerprinted. A role's holder is its kind and id
    /// (a user's e-mail cannot change in Kisi), read without copying the holder: large sites
    /// fingerprint millions of roles.
    var fingerprint: String {
        var builder = Fingerprint.Builder()
        builder.add(group.id)
        builder.add(group.name)
        builder.add(group.description ?? "")
        builder.add(group.placeID ?? -1)
        var order = Array(roles.indices)
        if !(1..<max(1, roles.count)).allSatisfy({ roles[$0 - 1].id < roles[$0].id }) { order.sort { roles[$0].id < roles[$1].id } }
        for index in order {
            builder.add(roles[index].id)
            builder.add(roles[index].roleID)
            builder.add(roles[index].assigneeID)
            if roles[index].userID == nil { builder.add("\(roles[index].assignee)") }
            builder.add(roles[index].validFrom.map { Int(Instant($0).secondsSinceEpoch) } ?? -1)
            builder.add(roles[index].validUntil.map { Int(Instant($0).secondsSinceEpoch) } ?? -1)
        }
        for door in (doors ?? []).sorted(by: { $0.id < $1.id }) {
            builder.add(door.id)
            builder.add(door.lockID)
        }
        for integration in integrations.sorted(by: { $0.id < $1.id }) { builder.add(integration.id) }
        builder.add(group.timeRestrictionEnabled == true ? 1 : 0)
        for schedule in (schedules ?? []).sorted(by: { $0.id < $1.id }) { builder.add("\(schedule)") }
        return builder.value
    }
}
