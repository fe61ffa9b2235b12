import Foundation
import RFC3339

/// What kisictl reads of Kisi's objects. Decoding is lenient: only the fields a plan needs are
/// read, and unknown fields are ignored, so Kisi adding fields never breaks a run.
public struct KisiOrganization: Decodable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var domain: String?

    public init(id: Int, name: String, domain: String?) {
        self.id = id
        self.name = name
        self.domain = domain
    }
}

public struct KisiUser: Decodable, Sendable, Hashable {
    public var id: Int
    public var name: String?
    public var email: String

    public init(id: Int, name: String?, email: String) {
        self.id = id
        self.name = name
        self.email = email
    }
}

public struct KisiPlace: Decodable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var timeZone: String?

    enum CodingKeys: String, CodingKey { case id, name, timeZone = "time_zone" }

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

public struct KisiLock: Decodable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var placeID: Int?

    enum CodingKeys: String, CodingKey { case id, name, placeID = "place_id" }

    public init(id: Int, name: String, placeID: Int?) {
        self.id = id
        self.name = name
        self.placeID = placeID
    }
}

public struct KisiGroup: Decodable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var description: String?
    public var placeID: Int?
    /// Members, as Kisi counts them (`users_count`); nil when the answer has no count.
    public var usersCount: Int?

    enum CodingKeys: String, CodingKey { case id, name, description, placeID = "place_id", usersCount = "users_count" }

    public init(id: Int, name: String, description: String?, placeID: Int?, usersCount: Int? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.placeID = placeID
        self.usersCount = usersCount
    }
}

/// A door linked to a group.
public struct KisiGroupLock: Decodable, Sendable, Hashable {
    public var id: Int
    public var groupID: Int
    public var lockID: Int

    enum CodingKeys: String, CodingKey { case id, groupID = "group_id", lockID = "lock_id" }

    public init(id: Int, groupID: Int, lockID: Int) {
        self.id = id
        self.groupID = groupID
        self.lockID = lockID
    }
}

/// A user's role in a group, with the window Kisi enforces.
public struct KisiRoleAssignment: Decodable, Sendable, Hashable {
    public var id: Int
    public var roleID: String
    public var groupID: Int
    public var userID: Int
    /// The assignee's e-mail, embedded by Kisi, so listing a group's roles lists its members.
    public var email: String
    public var validFrom: Date?
    public var validUntil: Date?
    /// Who made the role, and when: tells kisictl's roles from another tool's.
    public var createdByID: Int?
    public var createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, roleID = "role_id", groupID = "group_id", userID = "user_id", user, assignee, appliesToID = "applies_to_id"
        case assigneeID = "assignee_id", validFrom = "valid_from", validUntil = "valid_until"
        case createdByID = "created_by_id", createdAt = "created_at"
    }

    struct Person: Decodable { var email: String? }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        roleID = try container.decode(String.self, forKey: .roleID)
        groupID = try container.decodeIfPresent(Int.self, forKey: .groupID) ?? container.decode(Int.self, forKey: .appliesToID)
        userID = try container.decodeIfPresent(Int.self, forKey: .userID) ?? container.decode(Int.self, forKey: .assigneeID)
        let person = try container.decodeIfPresent(Person.self, forKey: .user) ?? container.decodeIfPresent(Person.self, forKey: .assignee)
        email = person?.email ?? ""
        validFrom = try KisiTime.decode(container, .validFrom)
        validUntil = try KisiTime.decode(container, .validUntil)
        createdByID = try container.decodeIfPresent(Int.self, forKey: .createdByID)
        createdAt = try? KisiTime.decode(container, .createdAt)
    }

    public init(id: Int, roleID: String, groupID: Int, userID: Int, email: String, validFrom: Date?, validUntil: Date?,
                createdByID: Int? = nil, createdAt: Date? = nil) {
        self.createdByID = createdByID
        self.createdAt = createdAt
        self.id = id
        self.roleID = roleID
        self.groupID = groupID
        self.userID = userID
        self.email = email
        self.validFrom = validFrom
        self.validUntil = validUntil
    }
}

/// Another integration; `GET /integrations?group_id=` finds those feeding a group.
public struct KisiIntegration: Decodable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var type: String
}

/// The answer to `POST /invites`: the user found or created, and the new role.
public struct KisiInvite: Decodable, Sendable, Hashable {
    public var inviteeID: Int
    public var roleAssignmentID: Int

    enum CodingKeys: String, CodingKey { case inviteeID = "invitee_id", roleAssignmentID = "role_assignment_id" }
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
