/// What `plan` found to change in Kisi, group by group, with the reasons; `apply` executes it.
///
/// A plan is a value: it can be rendered (text, JSON, Markdown), saved with `-out` and applied
/// later exactly as reviewed. It never holds the API key.
public struct Plan: Codable, Sendable, Equatable {
    public static let formatVersion = "1"

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
    /// Managed groups, sorted by address.
    public var groups: [GroupPlan]
    /// What a reviewer should know about the Kisi organization: other writers, SCIM.
    public var notices: [KisiNotice]
    /// How apply will change windows: in place, or (where Kisi was seen to ignore the validity
    /// fields of a PATCH) by revoking and granting again.
    public var windowChanges: WindowChangeMethod

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case mode, instant
        case timeZone = "time_zone"
        case createdAt = "created_at"
        case organization, endpoint, fingerprints, groups
        case notices
        case windowChanges = "window_changes"
    }

    public init(
        mode: Mode = .converge, instant: Instant, timeZone: String, createdAt: Instant, organization: PlanOrganization, endpoint: String,
        fingerprints: PlanFingerprints, groups: [GroupPlan], notices: [KisiNotice] = [], windowChanges: WindowChangeMethod = .patch
    ) {
        self.notices = notices
        self.windowChanges = windowChanges
        formatVersion = Plan.formatVersion
        self.mode = mode
        self.instant = instant
        self.timeZone = timeZone
        self.createdAt = createdAt
        self.organization = organization
        self.endpoint = endpoint
        self.fingerprints = fingerprints
        self.groups = groups.sorted { $0.address < $1.address }
    }

    public var hasChanges: Bool { groups.contains(where: \.hasChanges) }

    public var summary: PlanSummary {
        var summary = PlanSummary()
        for group in groups {
            if group.create { summary.groupsToCreate += 1 }
            if group.update != nil { summary.groupsToUpdate += 1 }
            summary.doorsToLink += group.doors.filter { $0.action == .link }.count
            summary.doorsToUnlink += group.doors.filter { $0.action == .unlink }.count
            for change in group.access {
                switch change.action {
                case .grant: summary.grants += 1
                case .createUserAndGrant:
                    summary.grants += 1
                    summary.usersToCreate += 1
                case .change: summary.windowChanges += 1
                case .revoke: summary.revocations += 1
                }
            }
        }
        // One person may need creating for several groups: count people, not calls.
        summary.usersToCreate = Set(groups.flatMap(\.access).filter { $0.action == .createUserAndGrant }.map(\.normalizedEmail)).count
        return summary
    }
}

/// Something about the Kisi organization that a reviewer should know before applying.
public enum KisiNotice: Codable, Sendable, Equatable {
    /// Roles in managed groups that another API user or a marketplace installation created: a
    /// platform integration may still be writing, and the two would undo each other.
    case otherWriter(OtherWriter)
    /// The organization uses SCIM: an identity provider may create users and change members.
    case scimEnabled
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

    public init(config: String, data: String, live: [String: String]) {
        self.config = config
        self.data = data
        self.live = live
    }
}

/// Changes to one managed group.
public struct GroupPlan: Codable, Sendable, Equatable {
    public var address: String
    public var name: String
    /// The description a new group is created with.
    public var description: String?
    public var place: String?
    public var placeID: Int?
    /// Nil when the group does not exist yet.
    public var kisiGroupID: Int?
    public var create: Bool
    public var update: GroupUpdate?
    public var doors: [DoorChange]
    public var access: [AccessChange]
    /// Members left alone on purpose, and why.
    public var kept: [KeptMember]
    /// Every role that stays as it is (unchanged members and kept ones): with the changes, the
    /// group's members after apply.
    public var unchanged: [MemberState]

    enum CodingKeys: String, CodingKey {
        case address, name, description, place
        case placeID = "place_id"
        case kisiGroupID = "kisi_group_id"
        case create, update, doors, access, kept
        case unchanged
    }

    public init(
        address: String, name: String, description: String? = nil, place: String?, placeID: Int?, kisiGroupID: Int?, create: Bool,
        update: GroupUpdate?, doors: [DoorChange], access: [AccessChange], kept: [KeptMember], unchanged: [MemberState] = []
    ) {
        self.unchanged = unchanged
        self.address = address
        self.name = name
        self.description = description
        self.place = place
        self.placeID = placeID
        self.kisiGroupID = kisiGroupID
        self.create = create
        self.update = update
        self.doors = doors
        self.access = access
        self.kept = kept
    }

    public var hasChanges: Bool { create || update != nil || !doors.isEmpty || !access.isEmpty }
}

/// A changed name or description: before and after.
public struct GroupUpdate: Codable, Sendable, Equatable {
    public var description: FieldChange?

    public init(description: FieldChange?) {
        self.description = description
    }
}

public struct FieldChange: Codable, Sendable, Equatable {
    public var before: String?
    public var after: String?

    public init(before: String?, after: String?) {
        self.before = before
        self.after = after
    }
}

public struct DoorChange: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable { case link, unlink }

    public var action: Action
    public var door: String
    public var lockID: Int
    /// The link to remove, for `unlink`.
    public var groupLockID: Int?

    enum CodingKeys: String, CodingKey {
        case action, door
        case lockID = "lock_id"
        case groupLockID = "group_lock_id"
    }

    public init(action: Action, door: String, lockID: Int, groupLockID: Int? = nil) {
        self.action = action
        self.door = door
        self.lockID = lockID
        self.groupLockID = groupLockID
    }
}

/// A role's validity as Kisi holds it: nil bounds are open (`valid_from` in the past is written
/// as open, since Kisi treats both alike).
public struct PlanWindow: Codable, Sendable, Equatable {
    public var from: Instant?
    public var until: Instant?

    public init(from: Instant?, until: Instant?) {
        self.from = from
        self.until = until
    }
}

public struct AccessChange: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable {
        case grant
        /// The person has no Kisi user yet: created with the grant, in one call.
        case createUserAndGrant = "create_user_and_grant"
        /// A new window for an existing role.
        case change
        case revoke
    }

    public var action: Action
    /// As the member data spells it (for grants) or as Kisi holds it (for revocations).
    public var email: String
    public var name: String?
    public var userID: Int?
    public var roleAssignmentID: Int?
    public var before: PlanWindow?
    public var after: PlanWindow?
    public var reasons: [String]
    /// For revocations: the short cause the mass-revocation guard groups by ("membership expired").
    public var cause: String?

    enum CodingKeys: String, CodingKey {
        case action, email, name
        case userID = "user_id"
        case roleAssignmentID = "role_assignment_id"
        case before, after, reasons, cause
    }

    public init(
        action: Action, email: String, name: String? = nil, userID: Int? = nil, roleAssignmentID: Int? = nil,
        before: PlanWindow? = nil, after: PlanWindow? = nil, reasons: [String], cause: String? = nil
    ) {
        self.cause = cause
        self.action = action
        self.email = email
        self.name = name
        self.userID = userID
        self.roleAssignmentID = roleAssignmentID
        self.before = before
        self.after = after
        self.reasons = reasons
    }

    public var normalizedEmail: String { EmailAddress.normalized(email) }
}

/// A role as it will be after apply.
public struct MemberState: Codable, Sendable, Equatable {
    /// The holder: a user (by e-mail), or a team or guest (by Kisi id and name).
    public enum Holder: Codable, Sendable, Equatable {
        case user(email: String)
        case team(id: Int, name: String)
        case guest(id: Int, name: String, email: String?)
        case other(kind: String, id: Int?)
    }

    public var holder: Holder
    public var role: String
    public var window: PlanWindow

    public init(email: String, role: String, window: PlanWindow) {
        self.init(holder: .user(email: email), role: role, window: window)
    }

    public init(holder: Holder, role: String, window: PlanWindow) {
        self.holder = holder
        self.role = role
        self.window = window
    }
}

/// A member of a managed group that the plan deliberately leaves alone.
public struct KeptMember: Codable, Sendable, Equatable {
    public enum Why: String, Codable, Sendable {
        /// `policy.exempt` lists them.
        case exempt
        /// They hold `group_manager`, which kisictl never touches.
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

/// Counts for the `Plan:` line.
public struct PlanSummary: Sendable, Equatable {
    public var groupsToCreate = 0
    public var groupsToUpdate = 0
    public var doorsToLink = 0
    public var doorsToUnlink = 0
    public var usersToCreate = 0
    public var grants = 0
    public var windowChanges = 0
    public var revocations = 0

    public init() {}

    /// `Plan: 1 group to create, 2 doors to link, 3 users to create, 12 grants, 2 window changes, 4 revocations.`
    public var line: String {
        func count(_ n: Int, _ singular: String, _ plural: String) -> String? { n == 0 ? nil : "\(n) \(n == 1 ? singular : plural)" }
        let parts = [
            count(groupsToCreate, "group to create", "groups to create"), count(groupsToUpdate, "group to update", "groups to update"),
            count(doorsToLink, "door to link", "doors to link"), count(doorsToUnlink, "door to unlink", "doors to unlink"),
            count(usersToCreate, "user to create", "users to create"), count(grants, "grant", "grants"),
            count(windowChanges, "window change", "window changes"), count(revocations, "revocation", "revocations"),
        ].compactMap { $0 }
        return parts.isEmpty ? "No changes. Kisi matches the configuration." : "Plan: " + parts.joined(separator: ", ") + "."
    }
}
