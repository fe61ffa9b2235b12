import Foundation
import RFC3339

/// What kisictl reads of Kisi's objects. Decoding is lenient: only the fields a plan needs are
/// read, and unknown fields are ignored, so Kisi adding fields never breaks a run.
public struct KisiOrganization: Decodable, Sendable, Hashable, KisiIdentified {
    public var id: Int
    public var name: String
    public var domain: String?
    /// An identity provider may create users and change group members (SCIM).
    public var scimEnabled: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, domain
        case scimEnabled = "scim_enabled"
    }

    public init(id: Int, name: String, domain: String?, scimEnabled: Bool = false) {
        self.id = id
        self.name = name
        self.domain = domain
        self.scimEnabled = scimEnabled
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
        scimEnabled = try container.decodeIfPresent(Bool.self, forKey: .scimEnabled) ?? false
    }
}

public struct KisiUser: Decodable, Sendable, Hashable, KisiIdentified {
    public var id: Int
    public var name: String?
    public var email: String
    /// Whether the user's account is confirmed (deprecated in Kisi's spec, still sent): an
    /// unconfirmed user is sent a confirmation e-mail.
    public var confirmed: Bool?

    public init(id: Int, name: String?, email: String, confirmed: Bool? = nil) {
        self.id = id
        self.name = name
        self.email = email
        self.confirmed = confirmed
    }
}

public struct KisiPlace: Decodable, Sendable, Hashable, KisiIdentified {
    public var id: Int
    public var name: String
    public var timeZone: String?

    enum CodingKeys: String, CodingKey {
        case id, name
        case timeZone = "time_zone"
    }

    public init(id: Int, name: String, timeZone: String?) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
    }
}

extension Collection where Element == KisiPlace {
    /// The place a config names: spelled exactly, else ignoring case (as Kisi's search does).
    public func named(_ name: String) -> KisiPlace? {
        first { $0.name == name } ?? first { $0.name.lowercased() == name.lowercased() }
    }
}

public struct KisiLock: Decodable, Sendable, Hashable, KisiIdentified {
    public var id: Int
    public var name: String
    public var placeID: Int?

    enum CodingKeys: String, CodingKey {
        case id, name
        case placeID = "place_id"
    }

    public init(id: Int, name: String, placeID: Int?) {
        self.id = id
        self.name = name
        self.placeID = placeID
    }
}

public struct KisiGroup: Decodable, Sendable, Hashable, KisiIdentified {
    public var id: Int
    public var name: String
    public var description: String?
    public var placeID: Int?
    /// Members, as Kisi counts them (`users_count`); nil when the answer has no count.
    public var usersCount: Int?

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case placeID = "place_id"
        case usersCount = "users_count"
    }

    public init(id: Int, name: String, description: String?, placeID: Int?, usersCount: Int? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.placeID = placeID
        self.usersCount = usersCount
    }
}

/// A door linked to a group.
public struct KisiGroupLock: Decodable, Sendable, Hashable, KisiIdentified {
    public var id: Int
    public var groupID: Int
    public var lockID: Int

    enum CodingKeys: String, CodingKey {
        case id
        case groupID = "group_id"
        case lockID = "lock_id"
    }

    public init(id: Int, groupID: Int, lockID: Int) {
        self.id = id
        self.groupID = groupID
        self.lockID = lockID
    }
}

/// Who holds a role. Kisi's role assignments name a User, a Team or a Guest (`assignee_type`);
/// only users are people kisictl manages, and only users are matched to the member data.
public enum KisiAssignee: Sendable, Hashable {
    case user(KisiUser)
    case team(id: Int, name: String)
    case guest(id: Int, name: String, email: String?)
    /// A kind Kisi may add later: shown, never changed.
    case other(type: String, id: Int?)

    public var user: KisiUser? {
        if case .user(let user) = self { return user }
        return nil
    }
}

/// Who created a role (`created_by_type`/`created_by_id`): tells kisictl's roles from those of
/// another API user or a marketplace installation.
public enum KisiCreator: Sendable, Hashable {
    case user(Int)
    case marketplaceInstallation(Int)
    case other(type: String, id: Int?)
}

/// A role in a group, with the window Kisi enforces.
public struct KisiRoleAssignment: Decodable, Sendable, Hashable, KisiIdentified {
    public var id: Int
    public var roleID: String
    public var groupID: Int
    public var assignee: KisiAssignee
    public var validFrom: Date?
    public var validUntil: Date?
    /// Who made the role, and when: tells kisictl's roles from another tool's.
    public var createdBy: KisiCreator?
    public var createdAt: Date?

    /// The user holding the role; nil for a team's or a guest's.
    public var user: KisiUser? { assignee.user }

    enum CodingKeys: String, CodingKey {
        case id
        case roleID = "role_id"
        case groupID = "group_id"
        case userID = "user_id"
        case user, assignee
        case appliesToID = "applies_to_id"
        case appliesToType = "applies_to_type"
        case assigneeType = "assignee_type"
        case assigneeID = "assignee_id"
        case validFrom = "valid_from"
        case validUntil = "valid_until"
        case createdByType = "created_by_type"
        case createdByID = "created_by_id"
        case createdAt = "created_at"
    }

    struct Embedded: Decodable {
        var id: Int?
        var name: String?
        var email: String?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        roleID = try container.decode(String.self, forKey: .roleID)
        if let type = try container.decodeIfPresent(String.self, forKey: .appliesToType), type != "Group" {
            throw DecodingError.dataCorruptedError(forKey: .appliesToType, in: container, debugDescription: "not a group role: \(type)")
        }
        groupID = try container.decodeIfPresent(Int.self, forKey: .groupID) ?? container.decode(Int.self, forKey: .appliesToID)
        let embedded = try container.decodeIfPresent(Embedded.self, forKey: .assignee)
        let legacyUserID = try container.decodeIfPresent(Int.self, forKey: .userID)
        let assigneeID = try container.decodeIfPresent(Int.self, forKey: .assigneeID) ?? embedded?.id
        // Before assignees had kinds, every role was a user's (`user_id`); a null `user_id` with no
        // kind is not a user, and never taken for one.
        let type = try container.decodeIfPresent(String.self, forKey: .assigneeType) ?? (legacyUserID == nil ? "unknown" : "User")
        switch type {
        case "User":
            guard let userID = legacyUserID ?? assigneeID else {
                throw DecodingError.dataCorruptedError(forKey: .assigneeID, in: container, debugDescription: "a user's role without the user's id")
            }
            let person = try container.decodeIfPresent(Embedded.self, forKey: .user) ?? embedded
            assignee = .user(KisiUser(id: userID, name: person?.name, email: person?.email ?? ""))
        case "Team":
            assignee = .team(id: assigneeID ?? 0, name: embedded?.name ?? "")
        case "Guest":
            assignee = .guest(id: assigneeID ?? 0, name: embedded?.name ?? "", email: embedded?.email)
        default:
            assignee = .other(type: type, id: assigneeID)
        }
        validFrom = try KisiTime.decode(container, .validFrom)
        validUntil = try KisiTime.decode(container, .validUntil)
        let creatorID = try container.decodeIfPresent(Int.self, forKey: .createdByID)
        switch (try container.decodeIfPresent(String.self, forKey: .createdByType), creatorID) {
        case (_, nil): createdBy = nil
        case ("User"?, let id?), (nil, let id?): createdBy = .user(id)
        case ("MarketplaceInstallation"?, let id?): createdBy = .marketplaceInstallation(id)
        case (let type?, let id): createdBy = .other(type: type, id: id)
        }
        createdAt = try? KisiTime.decode(container, .createdAt)
    }

    public init(
        id: Int, roleID: String, groupID: Int, assignee: KisiAssignee, validFrom: Date?, validUntil: Date?,
        createdBy: KisiCreator? = nil, createdAt: Date? = nil
    ) {
        self.id = id
        self.roleID = roleID
        self.groupID = groupID
        self.assignee = assignee
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// Another integration; `GET /integrations?group_id=` finds those feeding a group.
public struct KisiIntegration: Decodable, Sendable, Hashable, KisiIdentified {
    public var id: Int
    public var name: String
    public var type: String
}

/// RFC 3339 as Kisi writes it, with or without fractional seconds.
public enum KisiTime {
    public static func parse(_ text: String) -> Date? { RFC3339.parse(text) }

    /// `2026-11-23T09:00:00Z`: the form kisictl sends.
    public static func format(_ date: Date) -> String { RFC3339.seconds(date) }

    static func decode<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Date? {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return date
    }
}
