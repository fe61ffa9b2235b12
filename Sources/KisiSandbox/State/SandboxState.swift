import Foundation

/// Everything the sandbox's Kisi organization holds: the state that is persisted after every
/// write and reloaded on start.
///
/// Records keep what a client can change or observe; the many fixed fields of Kisi's objects
/// (restriction flags, counters) are rendered by ``KisiResources`` from them.
public struct SandboxState: Codable, Sendable, Equatable {
    public var organization: OrganizationRecord
    public var apiKeys: [APIKeyRecord]
    public var places: [PlaceRecord]
    public var locks: [LockRecord]
    public var groups: [GroupRecord]
    public var groupLocks: [GroupLockRecord]
    public var users: [UserRecord]
    public var roleAssignments: [RoleAssignmentRecord]
    public var integrations: [IntegrationRecord]
    public var teams: [TeamRecord]
    public var teamMemberships: [TeamMembershipRecord]
    public var guests: [GuestRecord]
    public var schedules: [ScheduleRecord]
    public var invites: Int
    /// The e-mails Kisi would have sent, oldest first (`GET /__sandbox/outbox`).
    public var outbox: [EmailRecord]
    /// Where this sandbox deliberately behaves unlike the Kisi kisictl assumes, to test that
    /// kisictl stays safe if an assumption is wrong.
    public var emulation: Emulation
    /// The next id of each kind; ids are never reused.
    public var nextIDs: [String: Int]
    /// The sandbox world's "now" (RFC 3339), if its seed fixes one: `--sandbox` plans and applies
    /// evaluate at it unless `--at` says otherwise, so an example tells the same story any day.
    public var clock: String?

    enum CodingKeys: String, CodingKey {
        case organization
        case apiKeys = "api_keys"
        case places, locks, groups
        case groupLocks = "group_locks"
        case users
        case roleAssignments = "role_assignments"
        case integrations, teams
        case teamMemberships = "team_memberships"
        case guests, schedules, invites, outbox
        case emulation
        case nextIDs = "next_ids"
        case clock
    }

    public init(organization: OrganizationRecord) {
        self.organization = organization
        apiKeys = []
        places = []
        locks = []
        groups = []
        groupLocks = []
        users = []
        roleAssignments = []
        integrations = []
        teams = []
        teamMemberships = []
        guests = []
        schedules = []
        invites = 0
        outbox = []
        emulation = Emulation()
        nextIDs = [:]
    }

    /// State files written before teams, guests, schedules, the outbox and emulation options existed load
    /// with none of them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        organization = try container.decode(OrganizationRecord.self, forKey: .organization)
        apiKeys = try container.decode([APIKeyRecord].self, forKey: .apiKeys)
        places = try container.decode([PlaceRecord].self, forKey: .places)
        locks = try container.decode([LockRecord].self, forKey: .locks)
        groups = try container.decode([GroupRecord].self, forKey: .groups)
        groupLocks = try container.decode([GroupLockRecord].self, forKey: .groupLocks)
        users = try container.decode([UserRecord].self, forKey: .users)
        roleAssignments = try container.decode([RoleAssignmentRecord].self, forKey: .roleAssignments)
        integrations = try container.decode([IntegrationRecord].self, forKey: .integrations)
        teams = try container.decodeIfPresent([TeamRecord].self, forKey: .teams) ?? []
        teamMemberships = try container.decodeIfPresent([TeamMembershipRecord].self, forKey: .teamMemberships) ?? []
        guests = try container.decodeIfPresent([GuestRecord].self, forKey: .guests) ?? []
        schedules = try container.decodeIfPresent([ScheduleRecord].self, forKey: .schedules) ?? []
        invites = try container.decode(Int.self, forKey: .invites)
        outbox = try container.decodeIfPresent([EmailRecord].self, forKey: .outbox) ?? []
        emulation = try container.decodeIfPresent(Emulation.self, forKey: .emulation) ?? Emulation()
        nextIDs = try container.decode([String: Int].self, forKey: .nextIDs)
        clock = try container.decodeIfPresent(String.self, forKey: .clock)
    }

    /// Ids start at a different base per kind, so an id in a log says what it names.
    static let idBases: [String: Int] = [
        "place": 10_001, "lock": 20_001, "group": 30_001, "group_lock": 40_001, "user": 50_001,
        "role_assignment": 60_001, "integration": 70_001, "invite": 80_001, "team": 90_001, "team_membership": 91_001,
        "guest": 92_001, "login": 93_001, "email": 94_001, "schedule": 95_001,
    ]

    public mutating func nextID(_ kind: String) -> Int {
        let id = nextIDs[kind] ?? Self.idBases[kind] ?? 1
        nextIDs[kind] = id + 1
        return id
    }
}

public struct OrganizationRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var domain: String
    public var timeZone: String
    /// The owner's user id.
    public var userID: Int?
    public var createdAt: String
    public var updatedAt: String
    /// An identity provider manages users and groups through SCIM.
    public var scimEnabled: Bool?

    enum CodingKeys: String, CodingKey {
        case id, name, domain
        case timeZone = "time_zone"
        case userID = "user_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case scimEnabled = "scim_enabled"
    }
}

/// An API key ("login secret") and the user it belongs to. Rate limits apply per user.
public struct APIKeyRecord: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// Full access.
        case owner, administrator
        /// Reads only: every write is answered 403, as for a key whose user lost admin rights.
        case observer
    }

    public var key: String
    public var userID: Int
    public var role: Role
    /// Set for a login made by `POST /logins` (seeded keys have none): its id and type.
    public var login: LoginRecord?

    enum CodingKeys: String, CodingKey {
        case key
        case userID = "user_id"
        case role, login
    }

    public init(key: String, userID: Int, role: Role, login: LoginRecord? = nil) {
        self.key = key
        self.userID = userID
        self.role = role
        self.login = login
    }
}

/// A login made through the API (`POST /logins`): Kisi's sign-in, which Kisi's own JS client uses.
public struct LoginRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var type: String
    public var name: String?
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, type, name
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// How this sandbox departs from the Kisi kisictl assumes, on purpose.
public struct Emulation: Codable, Sendable, Equatable {
    /// `PATCH /role_assignments/{id}` answers 204 but keeps `valid_from` and `valid_until` as they
    /// were: a Kisi for which the validity fields on PATCH (undocumented) do nothing.
    public var patchIgnoresValidity = false

    enum CodingKeys: String, CodingKey { case patchIgnoresValidity = "patch_ignores_validity" }

    public init(patchIgnoresValidity: Bool = false) {
        self.patchIgnoresValidity = patchIgnoresValidity
    }
}

/// An e-mail Kisi would have sent: the sandbox sends none, it records them.
public struct EmailRecord: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// A user created with `send_emails` (Kisi's default): the account invitation.
        case accountInvitation = "account_invitation"
        /// Access given with `notify` (or without saying, which notifies).
        case accessGranted = "access_granted"
        /// A role changed with `notify` (or without saying).
        case accessChanged = "access_changed"
        /// `POST /invites` with `notify` (its default).
        case invitation
    }

    public var id: Int
    public var to: String
    public var kind: Kind
    /// The request that caused it: `POST /role_assignments`.
    public var cause: String
    public var at: String
}

/// A Kisi team: a set of users and guests that can hold roles together.
public struct TeamRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A user or guest in a team.
public struct TeamMembershipRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var teamID: Int
    public var memberType: Assignee.Kind
    public var memberID: Int
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id
        case teamID = "team_id"
        case memberType = "member_type"
        case memberID = "member_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A Kisi guest: a visitor with link or QR-code access, not a Kisi user.
public struct GuestRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var email: String?
    public var phoneNumber: String?
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, email
        case phoneNumber = "phone_number"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// Who holds a role: a user, a team or a guest (Kisi's `assignee_type` and `assignee_id`).
public struct Assignee: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case user = "User"
        case team = "Team"
        case guest = "Guest"
    }

    public var kind: Kind
    public var id: Int

    public init(kind: Kind, id: Int) {
        self.kind = kind
        self.id = id
    }

    public static func user(_ id: Int) -> Assignee { Assignee(kind: .user, id: id) }
}

public struct PlaceRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var description: String?
    public var address: String
    public var latitude: Double?
    public var longitude: Double?
    public var timeZone: String
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, description, address, latitude, longitude
        case timeZone = "time_zone"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

public struct LockRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var description: String?
    public var placeID: Int
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case placeID = "place_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

public struct GroupRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var description: String?
    /// Nil for an organization group; fixed at creation.
    public var placeID: Int?
    public var loginEnabled: Bool
    public var geofenceRestrictionEnabled: Bool
    public var primaryDeviceRestrictionEnabled: Bool
    public var managedDeviceRestrictionEnabled: Bool
    public var readerRestrictionEnabled: Bool
    public var timeRestrictionEnabled: Bool
    public var tapToAccessRestrictionEnabled: Bool
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case placeID = "place_id"
        case loginEnabled = "login_enabled"
        case geofenceRestrictionEnabled = "geofence_restriction_enabled"
        case primaryDeviceRestrictionEnabled = "primary_device_restriction_enabled"
        case managedDeviceRestrictionEnabled = "managed_device_restriction_enabled"
        case readerRestrictionEnabled = "reader_restriction_enabled"
        case timeRestrictionEnabled = "time_restriction_enabled"
        case tapToAccessRestrictionEnabled = "tap_to_access_restriction_enabled"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(id: Int, name: String, description: String?, placeID: Int?, at time: String) {
        self.id = id
        self.name = name
        self.description = description
        self.placeID = placeID
        loginEnabled = true
        geofenceRestrictionEnabled = false
        primaryDeviceRestrictionEnabled = false
        managedDeviceRestrictionEnabled = false
        readerRestrictionEnabled = false
        timeRestrictionEnabled = false
        tapToAccessRestrictionEnabled = false
        createdAt = time
        updatedAt = time
    }
}

/// A door linked to a group.
public struct GroupLockRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var groupID: Int
    public var lockID: Int
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id
        case groupID = "group_id"
        case lockID = "lock_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

public struct UserRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    /// Unique ignoring case; cannot change.
    public var email: String
    public var notes: String?
    public var accessEnabled: Bool
    public var passwordFlowEnabled: Bool
    public var confirmed: Bool
    /// Whether Kisi would have sent this user e-mails (recorded so tests can see `send_emails`).
    public var sendEmails: Bool
    public var createdAt: String
    public var updatedAt: String
    /// For signing in with `POST /logins` (seeded only; the sandbox is not a vault).
    public var password: String?

    public init(
        id: Int, name: String, email: String, notes: String? = nil, accessEnabled: Bool = true, passwordFlowEnabled: Bool = false,
        confirmed: Bool, sendEmails: Bool, createdAt: String, updatedAt: String, password: String? = nil
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.notes = notes
        self.accessEnabled = accessEnabled
        self.passwordFlowEnabled = passwordFlowEnabled
        self.confirmed = confirmed
        self.sendEmails = sendEmails
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.password = password
    }

    enum CodingKeys: String, CodingKey {
        case id, name, email, notes
        case accessEnabled = "access_enabled"
        case passwordFlowEnabled = "password_flow_enabled"
        case confirmed
        case sendEmails = "send_emails"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case password
    }
}

/// A role in a group, held by a user, a team or a guest: `group_basic` opens its doors,
/// `group_manager` manages it.
public struct RoleAssignmentRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var roleID: String
    public var groupID: Int
    public var assignee: Assignee
    public var notify: Bool
    public var validFrom: String?
    public var validUntil: String?
    /// Who created it: a user, or a marketplace installation.
    public var createdBy: Creator?
    public var createdAt: String
    public var updatedAt: String

    /// Kisi's `created_by_type` and `created_by_id`.
    public struct Creator: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            case user = "User"
            case marketplaceInstallation = "MarketplaceInstallation"
        }

        public var kind: Kind
        public var id: Int
    }

    /// The user holding the role; nil for a team's or a guest's.
    public var userID: Int? { assignee.kind == .user ? assignee.id : nil }

    enum CodingKeys: String, CodingKey {
        case id
        case roleID = "role_id"
        case groupID = "group_id"
        case assigneeType = "assignee_type"
        case assigneeID = "assignee_id"
        case userID = "user_id"
        case notify
        case validFrom = "valid_from"
        case validUntil = "valid_until"
        case createdByType = "created_by_type"
        case createdByID = "created_by_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public init(
        id: Int, roleID: String, groupID: Int, assignee: Assignee, notify: Bool, validFrom: String?, validUntil: String?,
        createdBy: Creator?, createdAt: String, updatedAt: String
    ) {
        self.id = id
        self.roleID = roleID
        self.groupID = groupID
        self.assignee = assignee
        self.notify = notify
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// State files from before assignee kinds held users' roles only (`user_id`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        roleID = try container.decode(String.self, forKey: .roleID)
        groupID = try container.decode(Int.self, forKey: .groupID)
        if let kind = try container.decodeIfPresent(Assignee.Kind.self, forKey: .assigneeType) {
            assignee = Assignee(kind: kind, id: try container.decode(Int.self, forKey: .assigneeID))
        } else {
            assignee = .user(try container.decode(Int.self, forKey: .userID))
        }
        notify = try container.decode(Bool.self, forKey: .notify)
        validFrom = try container.decodeIfPresent(String.self, forKey: .validFrom)
        validUntil = try container.decodeIfPresent(String.self, forKey: .validUntil)
        let creatorID = try container.decodeIfPresent(Int.self, forKey: .createdByID)
        let creatorKind = try container.decodeIfPresent(Creator.Kind.self, forKey: .createdByType) ?? .user
        createdBy = creatorID.map { Creator(kind: creatorKind, id: $0) }
        createdAt = try container.decode(String.self, forKey: .createdAt)
        updatedAt = try container.decode(String.self, forKey: .updatedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(roleID, forKey: .roleID)
        try container.encode(groupID, forKey: .groupID)
        try container.encode(assignee.kind, forKey: .assigneeType)
        try container.encode(assignee.id, forKey: .assigneeID)
        try container.encode(notify, forKey: .notify)
        try container.encodeIfPresent(validFrom, forKey: .validFrom)
        try container.encodeIfPresent(validUntil, forKey: .validUntil)
        try container.encodeIfPresent(createdBy?.kind, forKey: .createdByType)
        try container.encodeIfPresent(createdBy?.id, forKey: .createdByID)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// Another integration (a directory import) that feeds a group.
public struct IntegrationRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var type: String
    public var enabled: Bool
    public var groupID: Int?
    public var placeID: Int?
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, type, enabled
        case groupID = "group_id"
        case placeID = "place_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A schedule (`/schedules`) as Kisi's fields hold it; the fields of other types stay nil.
public struct ScheduleRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String?
    public var enabled: Bool
    public var override: Bool
    public var consequence: String
    /// `Group`, `Lock` or `ElevatorStop`.
    public var scheduleableType: String
    public var scheduleableID: Int
    /// `holiday_calendar`, `recurring_event`, `single_all_day_event` or `single_event`.
    public var type: String
    public var region: String?
    public var observed: Bool?
    public var ignoredHolidays: [String]?
    /// Monday first.
    public var weekdays: [Bool]?
    public var startsAtTime: String?
    public var endsAtTime: String?
    public var startsAtDate: String?
    public var endsAtDate: String?
    public var startsAt: String?
    public var endsAt: String?
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, enabled, override, consequence
        case scheduleableType = "scheduleable_type"
        case scheduleableID = "scheduleable_id"
        case type, region, observed
        case ignoredHolidays = "ignored_holidays"
        case weekdays
        case startsAtTime = "starts_at_time"
        case endsAtTime = "ends_at_time"
        case startsAtDate = "starts_at_date"
        case endsAtDate = "ends_at_date"
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
