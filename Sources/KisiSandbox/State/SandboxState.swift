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
    public var invites: Int
    /// The next id of each kind; ids are never reused.
    public var nextIDs: [String: Int]
    /// The sandbox world's "now" (RFC 3339), if its seed fixes one: `--sandbox` plans and applies
    /// evaluate at it unless `--at` says otherwise, so an example tells the same story any day.
    public var clock: String?

    enum CodingKeys: String, CodingKey {
        case organization, apiKeys = "api_keys", places, locks, groups, groupLocks = "group_locks", users
        case roleAssignments = "role_assignments", integrations, invites, nextIDs = "next_ids", clock
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
        invites = 0
        nextIDs = [:]
    }

    /// Ids start at a different base per kind, so an id in a log says what it names.
    static let idBases: [String: Int] = [
        "place": 10_001, "lock": 20_001, "group": 30_001, "group_lock": 40_001, "user": 50_001,
        "role_assignment": 60_001, "integration": 70_001, "invite": 80_001,
    ]

    mutating func nextID(_ kind: String) -> Int {
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

    enum CodingKeys: String, CodingKey {
        case id, name, domain, timeZone = "time_zone", userID = "user_id", createdAt = "created_at", updatedAt = "updated_at"
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

    enum CodingKeys: String, CodingKey {
        case key, userID = "user_id", role
    }
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
        case id, name, description, address, latitude, longitude, timeZone = "time_zone"
        case createdAt = "created_at", updatedAt = "updated_at"
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
        case id, name, description, placeID = "place_id", createdAt = "created_at", updatedAt = "updated_at"
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
        case id, name, description, placeID = "place_id", loginEnabled = "login_enabled"
        case geofenceRestrictionEnabled = "geofence_restriction_enabled"
        case primaryDeviceRestrictionEnabled = "primary_device_restriction_enabled"
        case managedDeviceRestrictionEnabled = "managed_device_restriction_enabled"
        case readerRestrictionEnabled = "reader_restriction_enabled"
        case timeRestrictionEnabled = "time_restriction_enabled"
        case tapToAccessRestrictionEnabled = "tap_to_access_restriction_enabled"
        case createdAt = "created_at", updatedAt = "updated_at"
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
        case id, groupID = "group_id", lockID = "lock_id", createdAt = "created_at", updatedAt = "updated_at"
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

    enum CodingKeys: String, CodingKey {
        case id, name, email, notes, accessEnabled = "access_enabled", passwordFlowEnabled = "password_flow_enabled"
        case confirmed, sendEmails = "send_emails", createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// A role of a user in a group: `group_basic` opens its doors, `group_manager` manages it.
public struct RoleAssignmentRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var roleID: String
    public var groupID: Int
    public var userID: Int
    public var notify: Bool
    public var validFrom: String?
    public var validUntil: String?
    public var createdByID: Int?
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, roleID = "role_id", groupID = "group_id", userID = "user_id", notify
        case validFrom = "valid_from", validUntil = "valid_until", createdByID = "created_by_id"
        case createdAt = "created_at", updatedAt = "updated_at"
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
        case id, name, type, enabled, groupID = "group_id", placeID = "place_id", createdAt = "created_at", updatedAt = "updated_at"
    }
}
