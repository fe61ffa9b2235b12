import AccessModel

/// What `plan` found to change in Kisi, and why: a list of resource changes (the diff of live
/// and desired state, after the policies), with the groups they belong to. `apply` executes it.
///
/// A plan is a value: it can be rendered (text, JSON, Markdown), saved with `-out` and applied
/// later exactly as reviewed. It never holds the API key.
public struct Plan: Codable, Sendable, Equatable {
    public static let formatVersion = "4"

    /// What a plan aims at.
    public enum Mode: String, Codable, Sendable {
        /// Kisi as the config and the member data say.
        case converge
        /// None of the access kisictl manages: `plan --destroy`, to stop using kisictl.
        case destroy
    }

    public var formatVersion: String
    public var mode: Mode
    /// The instant the rules were evaluated at.
    public var instant: Instant
    /// The site's IANA zone, so a saved plan shows local times without its config.
    public var timeZone: String
    /// When the plan was made (for `--max-plan-age`).
    public var createdAt: Instant
    public var organization: PlanOrganization
    /// The Kisi base URL the plan was made against.
    public var endpoint: String
    public var fingerprints: PlanFingerprints
    /// Every managed group the plan covers, sorted by address.
    public var groups: [PlannedGroup]
    /// Doors whose schedules the config manages (`doors:`), by address.
    public var doors: [PlannedDoor]
    /// The changes, sorted by address, in the order they are shown.
    public var changes: [ResourceChange]
    /// With a baseline: changes the baseline config would make that this config does not.
    public var prevented: [ResourceChange]
    /// Why the plan cannot be applied; empty when it can.
    public var problems: [PlanProblem]
    /// What a reviewer should know about the Kisi organization.
    public var notices: [KisiNotice]
    /// How apply will change windows.
    public var windowChanges: WindowChangeMethod
    /// `--target`: the resources the plan is restricted to (empty: all).
    public var targets: [ResourceAddress]
    /// Whether the plan was compared with a baseline (its changes then carry an origin).
    public var baseline: String?
    /// The config's and the member data's warnings: what the data hides is shown where the
    /// decision is made.
    public var warnings: [PlanWarning]
    /// The guards this plan trips, before any override.
    public var guards: [GuardTrip]
    /// `policy.notify`: whether Kisi e-mails the people granted access.
    public var notify: Bool
    /// The secret of the short hashes beside masked addresses (``PlanKey/maskSalt``).
    public var maskSalt: String

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case mode, instant
        case timeZone = "time_zone"
        case createdAt = "created_at"
        case organization, endpoint
        case fingerprints, groups, doors, changes, prevented, problems, notices
        case windowChanges = "window_changes"
        case targets, baseline, warnings, guards, notify
        case maskSalt = "mask_salt"
    }

    public init(
        mode: Mode = .converge, instant: Instant, timeZone: String, createdAt: Instant, organization: PlanOrganization, endpoint: String,
        fingerprints: PlanFingerprints, groups: [PlannedGroup], doors: [PlannedDoor] = [], changes: [ResourceChange],
        prevented: [ResourceChange] = [],
        problems: [PlanProblem] = [], notices: [KisiNotice] = [], windowChanges: WindowChangeMethod = .patch, targets: [ResourceAddress] = [],
        baseline: String? = nil, warnings: [PlanWarning] = [], guards: [GuardTrip] = [], notify: Bool = false, maskSalt: String = ""
    ) {
        self.maskSalt = maskSalt
        formatVersion = Plan.formatVersion
        self.warnings = warnings
        self.guards = guards
        self.notify = notify
        self.mode = mode
        self.instant = instant
        self.timeZone = timeZone
        self.createdAt = createdAt
        self.organization = organization
        self.endpoint = endpoint
        self.fingerprints = fingerprints
        self.groups = groups.sorted { $0.address < $1.address }
        self.doors = doors.sorted { $0.address < $1.address }
        self.changes = changes
        self.prevented = prevented
        self.problems = problems
        self.notices = notices
        self.windowChanges = windowChanges
        self.targets = targets
        self.baseline = baseline
    }

    public var hasChanges: Bool { !changes.isEmpty }

    public func group(_ address: String) -> PlannedGroup? { groups.first { $0.address == address } }

    /// The changes to one group's resources, in order.
    public func changes(in address: String) -> [ResourceChange] {
        changes.filter { $0.address.group == address && $0.address.kind != .lockSchedule }
    }

    /// A door's schedule changes.
    public func changes(atDoor address: String) -> [ResourceChange] {
        changes.filter { $0.address.group == address && $0.address.kind == .lockSchedule }
    }

    public var summary: PlanSummary { PlanSummary(changes) }

    /// Who Kisi will e-mail when the plan is applied: with `notify`, everyone granted access
    /// (a new user gets an invitation, an existing one an access notice); without, the guests
    /// granted access all the same (the e-mail carries their link). By normalized address.
    public var notified: [String] {
        let grants = changes.filter { $0.address.kind == .role && $0.action == .create }
        let notifiedGrants = notify ? grants : grants.filter { $0.role?.holder.kind == .memberGuest }
        return Set(notifiedGrants.compactMap(\.role?.normalizedEmail)).sorted()
    }
}

/// A managed group as the plan sees it: its identity, the roles left as they are, and who is left
/// alone on purpose.
public struct PlannedGroup: Codable, Sendable, Equatable {
    public var address: String
    /// The group's name in Kisi after apply.
    public var name: String
    /// The description the config gives (or, for `--destroy`, the one Kisi holds).
    public var description: String?
    public var place: String?
    public var placeID: Int?
    /// Nil when the group does not exist yet.
    public var kisiID: Int?
    /// Members left alone on purpose, and why.
    public var kept: [KeptMember]
    /// Every role that stays as it is (unchanged members and kept ones): with the changes, the
    /// group's members after apply.
    public var unchanged: [MemberState]
    /// For a newer Kisi group with the same name as a managed group: that group's config
    /// address. The plan empties it (its roles move to the group kept) and deletes it.
    public var duplicateOf: String?
    /// The group's schedules as the config declares them; nil when it leaves them alone.
    public var schedules: [ScheduleEntry]?

    enum CodingKeys: String, CodingKey {
        case address, name, description, place
        case placeID = "place_id"
        case kisiID = "kisi_id"
        case kept, unchanged
        case duplicateOf = "duplicate_of"
        case schedules
    }

    /// The address a duplicate of a managed group has in plans: `unlimited~512`. `~` is in no
    /// config address, so it names no config group.
    public static func copyAddress(of address: String, kisiID: Int) -> String { "\(address)~\(kisiID)" }

    public init(
        address: String, name: String, description: String?, place: String?, placeID: Int?, kisiID: Int?, kept: [KeptMember] = [],
        unchanged: [MemberState] = [], duplicateOf: String? = nil
    ) {
        self.duplicateOf = duplicateOf
        self.address = address
        self.name = name
        self.description = description
        self.place = place
        self.placeID = placeID
        self.kisiID = kisiID
        self.kept = kept
        self.unchanged = unchanged
    }
}

/// A door (Kisi lock) whose schedules the config manages.
public struct PlannedDoor: Codable, Sendable, Equatable {
    /// The door's key in addresses (`front_door`).
    public var address: String
    public var name: String
    public var lockID: Int
    /// Its unlock schedules as the config declares them.
    public var unlock: [ScheduleEntry]

    enum CodingKeys: String, CodingKey {
        case address, name
        case lockID = "lock_id"
        case unlock
    }

    public init(address: String, name: String, lockID: Int, unlock: [ScheduleEntry] = []) {
        self.address = address
        self.name = name
        self.lockID = lockID
        self.unlock = unlock
    }
}

/// A role as it will be after apply, as little as the plan shows of it (a large site has
/// millions): 40 bytes for a user's `group_basic` or `group_manager` role; any other holder or
/// role is kept out of line.
public struct MemberState: Codable, Sendable, Equatable {
    /// The holder: a user by e-mail (Kisi's spelling), or a team, guest or other assignee by id.
    public enum Holder: Codable, Sendable, Equatable {
        case user(email: String)
        indirect case team(id: Int, name: String)
        indirect case guest(GuestHolder)
        case other(id: Int)
    }

    /// A user's e-mail; empty for other holders.
    private var email: String
    public var window: PlanWindow
    private var rest: Rest

    /// The role and, for a holder other than a user, who holds it: one word for the usual roles.
    private enum Rest: Equatable {
        case basic
        case manager
        indirect case other(role: String, holder: Holder)
    }

    public init(holder: Holder, role: String, window: PlanWindow) {
        self.window = window
        switch (holder, role) {
        case (.user(let email), Role.basicID):
            (self.email, rest) = (email, .basic)
        case (.user(let email), Role.managerID):
            (self.email, rest) = (email, .manager)
        case (.user(let email), _):
            (self.email, rest) = (email, .other(role: role, holder: holder))
        default:
            (email, rest) = ("", .other(role: role, holder: holder))
        }
    }

    public var holder: Holder {
        if case .other(_, let holder) = rest { return holder }
        return .user(email: email)
    }

    public var role: String {
        switch rest {
        case .basic: Role.basicID
        case .manager: Role.managerID
        case .other(let role, _): role
        }
    }

    /// A role's state from its values.
    public init(_ values: RoleValues) {
        let holder: Holder =
            switch values.holder.kind {
            case .user: .user(email: values.email)
            case .team: .team(id: values.holder.kisiID ?? 0, name: values.holder.name ?? "")
            case .guest, .memberGuest:
                .guest(GuestHolder(id: values.holder.kisiID ?? 0, name: values.holder.name ?? "", email: values.holder.email))
            case .other: .other(id: values.holder.kisiID ?? 0)
            }
        self.init(holder: holder, role: values.role, window: values.window)
    }

    enum CodingKeys: String, CodingKey {
        case holder, role, window
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            holder: try container.decode(Holder.self, forKey: .holder), role: try container.decode(String.self, forKey: .role),
            window: try container.decode(PlanWindow.self, forKey: .window))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(holder, forKey: .holder)
        try container.encode(role, forKey: .role)
        try container.encode(window, forKey: .window)
    }
}

public struct GuestHolder: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var email: String?

    public init(id: Int, name: String, email: String?) {
        self.id = id
        self.name = name
        self.email = email
    }
}

/// A member of a managed group that the plan deliberately leaves alone.
public struct KeptMember: Codable, Sendable, Equatable {
    public enum Why: String, Codable, Sendable {
        /// `policy.exempt` lists them.
        case exempt
        /// They hold `group_manager` (or another role kisictl does not grant), which kisictl never touches.
        case manager
        /// No rule explains them and `policy.unexplained_members` is `keep`.
        case unexplained
        /// A Kisi team holds the role: kisictl manages users only.
        case team
        /// A Kisi guest holds the role.
        case guest
        /// An assignee of a kind kisictl does not know.
        case otherAssignee = "other_assignee"
    }

    /// The user's e-mail; for a team, empty; for a guest, theirs if Kisi has one.
    public var email: String
    /// A team's or a guest's name (or an unknown assignee's kind and id).
    public var name: String?
    public var why: Why

    public init(email: String, name: String? = nil, why: Why) {
        self.email = email
        self.name = name
        self.why = why
    }
}

/// Something about the Kisi organization that a reviewer should know before applying.
public enum KisiNotice: Codable, Sendable, Equatable {
    /// Roles in managed groups that another API user or a marketplace installation created: a
    /// platform integration may still be writing, and the two would undo each other.
    case otherWriter(OtherWriter)
    /// The organization uses SCIM: an identity provider may create users and change members.
    case scimEnabled
    /// A managed group is missing from Kisi, while a Kisi group in its place holds roles this
    /// key's user created: most likely the group, renamed in the config or in Kisi.
    case orphanedGroup(OrphanedGroup)
    /// Kisi's clock (its `Date` header) minus the local one, in seconds, when over a minute.
    case clockSkew(seconds: Int)
    /// Schedules kisictl cannot read (a type or fields it does not know) on a group or door whose
    /// schedules the config declares: its schedules are left alone, not planned blind.
    case unreadableSchedules(owner: String, ids: [Int])
}

/// How far the local clock may be from Kisi's. Windows are computed from the local clock, so
/// a skew moves every window kisictl writes by as much.
public enum ClockSkew {
    /// Over this, every plan says so.
    public static let warning = Duration.seconds(60)
    /// Over this, apply refuses: the windows it would write are wrong by minutes.
    public static let refusal = Duration.seconds(300)

    /// The notice a plan carries for a measured skew, if it is worth one.
    public static func notice(_ skew: Duration?) -> KisiNotice? {
        guard let skew, magnitude(skew) > warning else { return nil }
        return .clockSkew(seconds: Int(skew.components.seconds))
    }

    /// Whether apply must refuse with this skew.
    public static func refuses(_ skew: Duration?) -> Bool { skew.map { magnitude($0) > refusal } ?? false }

    public static func magnitude(_ skew: Duration) -> Duration { skew < .zero ? .zero - skew : skew }
}

public struct OrphanedGroup: Codable, Sendable, Equatable {
    /// The config address whose group is missing.
    public var address: String
    /// The Kisi group that looks like it.
    public var kisiID: Int
    public var name: String
    public var place: String?
    /// Roles in it the key's user created.
    public var roles: Int

    public init(address: String, kisiID: Int, name: String, place: String?, roles: Int) {
        self.address = address
        self.kisiID = kisiID
        self.name = name
        self.place = place
        self.roles = roles
    }
}

/// Another writer of roles in managed groups, named once however many roles it made.
public struct OtherWriter: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case user
        case marketplaceInstallation = "marketplace_installation"
        case other
    }

    public var kind: Kind
    public var id: Int?
    /// A user writer's e-mail, when Kisi has the user.
    public var email: String?
    public var roles: Int
    /// The managed groups holding its roles, by address.
    public var groups: [String]

    public init(kind: Kind, id: Int?, email: String?, roles: Int, groups: [String]) {
        self.kind = kind
        self.id = id
        self.email = email
        self.roles = roles
        self.groups = groups
    }
}

/// How apply changes a member's window.
public enum WindowChangeMethod: String, Codable, Sendable {
    /// `PATCH /role_assignments/{id}`, read back once per apply.
    case patch
    /// Revoke, then grant with the new window: for a Kisi that ignores the validity fields of a
    /// PATCH. The member is without access for the two requests in between.
    case reissue
}

public struct PlanOrganization: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String

    public init(id: Int, name: String) {
        self.id = id
        self.name = name
    }
}

/// What the plan was made from, so a saved plan can be refused when the world moved on.
public struct PlanFingerprints: Codable, Sendable, Equatable {
    public var config: String
    public var data: String
    /// Per managed group address: the live objects the plan read for it.
    public var live: [String: String]
    /// Per config file and member-data export: its content, so apply names the file that changed.
    public var files: [String: String]

    public init(config: String, data: String, live: [String: String], files: [String: String] = [:]) {
        self.config = config
        self.data = data
        self.live = live
        self.files = files
    }
}

/// Counts for the `Plan:` line.
public struct PlanSummary: Sendable, Equatable {
    public var groupsToCreate = 0
    public var groupsToUpdate = 0
    /// Duplicate groups merged into a managed group and deleted.
    public var groupsToDelete = 0
    public var doorsToLink = 0
    public var doorsToUnlink = 0
    public var usersToCreate = 0
    public var grants = 0
    public var windowChanges = 0
    public var revocations = 0
    public var schedulesToCreate = 0
    public var schedulesToUpdate = 0
    public var schedulesToDelete = 0

    public init() {}

    public init(_ changes: [ResourceChange]) {
        var users = Set<String>()
        for change in changes {
            switch (change.address.kind, change.action) {
            case (.group, .create): groupsToCreate += 1
            case (.group, .update): groupsToUpdate += 1
            case (.group, .delete): groupsToDelete += 1
            case (.door, .create): doorsToLink += 1
            case (.door, _): doorsToUnlink += 1
            // One person may need creating for several groups: count people, not calls.
            case (.user, _): users.insert(change.address.index ?? "")
            case (.role, .create): grants += 1
            case (.role, .update): windowChanges += 1
            case (.role, .delete): revocations += 1
            case (.schedule, .create), (.lockSchedule, .create): schedulesToCreate += 1
            case (.schedule, .update), (.lockSchedule, .update): schedulesToUpdate += 1
            case (.schedule, .delete), (.lockSchedule, .delete): schedulesToDelete += 1
            }
        }
        usersToCreate = users.count
    }

    public var isEmpty: Bool { self == PlanSummary() }
}
