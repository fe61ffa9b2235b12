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

/// A Kisi guest: a visitor with link or QR-code access, not a Kisi user (`/guests`).
public struct KisiGuest: Decodable, Sendable, Hashable, KisiIdentified {
    public var id: Int
    public var name: String
    public var email: String?

    public init(id: Int, name: String, email: String?) {
        self.id = id
        self.name = name
        self.email = email
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
    /// `time_restriction_enabled`: whether the group's schedules limit when members unlock.
    public var timeRestrictionEnabled: Bool?

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case placeID = "place_id"
        case usersCount = "users_count"
        case timeRestrictionEnabled = "time_restriction_enabled"
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
    /// A kind of creator Kisi may add later.
    case other(Int?)
}

/// A role in a group, with the window Kisi enforces.
///
/// Stored compactly, as a large organization's plan reads millions: the holder as a kind, an id
/// and the e-mail and name Kisi embeds (``assignee`` puts them together), times as whole
/// milliseconds; fields ordered so that no byte is padding.
public struct KisiRoleAssignment: Decodable, Sendable, Hashable, KisiIdentified {
    enum HolderKind: UInt8, Sendable, Hashable {
        case user, team, guest, other
    }

    enum CreatorKind: UInt8, Sendable, Hashable {
        case none, user, marketplaceInstallation, other
    }

    public var id: Int
    public var groupID: Int
    /// The Kisi id of the user, team or guest holding the role.
    public private(set) var assigneeID: Int
    public var roleID: String
    /// A user's or guest's e-mail.
    private var holderEmail: String?
    /// A team's or guest's name; an unknown assignee's kind. (A user's name is not kept.)
    private var holderName: String?
    private var validFromMilliseconds: Int64
    private var validUntilMilliseconds: Int64
    private var createdAtMilliseconds: Int64
    private var creatorID: Int
    private var creatorKind: CreatorKind
    private var holderKind: HolderKind

    private static let none = Int64.min

    public var validFrom: Date? {
        get { Self.date(validFromMilliseconds) }
        set { validFromMilliseconds = Self.milliseconds(newValue) }
    }

    public var validUntil: Date? {
        get { Self.date(validUntilMilliseconds) }
        set { validUntilMilliseconds = Self.milliseconds(newValue) }
    }

    /// When the role was made: with ``createdBy``, tells kisictl's roles from another tool's.
    public var createdAt: Date? {
        get { Self.date(createdAtMilliseconds) }
        set { createdAtMilliseconds = Self.milliseconds(newValue) }
    }

    /// Who made the role.
    public var createdBy: KisiCreator? {
        get {
            switch creatorKind {
            case .none: nil
            case .user: .user(creatorID)
            case .marketplaceInstallation: .marketplaceInstallation(creatorID)
            case .other: .other(creatorID == 0 ? nil : creatorID)
            }
        }
        set {
            switch newValue {
            case nil: (creatorKind, creatorID) = (.none, 0)
            case .user(let id)?: (creatorKind, creatorID) = (.user, id)
            case .marketplaceInstallation(let id)?: (creatorKind, creatorID) = (.marketplaceInstallation, id)
            case .other(let id)?: (creatorKind, creatorID) = (.other, id ?? 0)
            }
        }
    }

    private static func date(_ milliseconds: Int64) -> Date? {
        milliseconds == none ? nil : Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }

    private static func milliseconds(_ date: Date?) -> Int64 {
        date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded(.down)) } ?? none
    }

    /// Who holds the role.
    public var assignee: KisiAssignee {
        get {
            switch holderKind {
            case .user: .user(KisiUser(id: assigneeID, name: nil, email: holderEmail ?? ""))
            case .team: .team(id: assigneeID, name: holderName ?? "")
            case .guest: .guest(id: assigneeID, name: holderName ?? "", email: holderEmail)
            case .other: .other(type: holderName ?? "", id: assigneeID == 0 ? nil : assigneeID)
            }
        }
        set {
            switch newValue {
            case .user(let user): (holderKind, assigneeID, holderEmail, holderName) = (.user, user.id, user.email, nil)
            case .team(let id, let name): (holderKind, assigneeID, holderEmail, holderName) = (.team, id, nil, name)
            case .guest(let id, let name, let email): (holderKind, assigneeID, holderEmail, holderName) = (.guest, id, email, name)
            case .other(let type, let id): (holderKind, assigneeID, holderEmail, holderName) = (.other, id ?? 0, nil, type)
            }
        }
    }

    /// The user holding the role; nil for a team's or a guest's.
    public var user: KisiUser? { holderKind == .user ? KisiUser(id: assigneeID, name: nil, email: holderEmail ?? "") : nil }

    /// The id of the user holding the role (read per role on large sites: no copy of the user).
    public var userID: Int? { holderKind == .user ? assigneeID : nil }

    /// The e-mail of the user holding the role.
    public var userEmail: String? { holderKind == .user ? holderEmail : nil }

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
            (holderKind, self.assigneeID, holderEmail, holderName) = (.user, userID, person?.email ?? "", nil)
        case "Team": (holderKind, self.assigneeID, holderEmail, holderName) = (.team, assigneeID ?? 0, nil, embedded?.name ?? "")
        case "Guest": (holderKind, self.assigneeID, holderEmail, holderName) = (.guest, assigneeID ?? 0, embedded?.email, embedded?.name ?? "")
        default: (holderKind, self.assigneeID, holderEmail, holderName) = (.other, assigneeID ?? 0, nil, type)
        }
        validFromMilliseconds = Self.milliseconds(try KisiTime.decode(container, .validFrom))
        validUntilMilliseconds = Self.milliseconds(try KisiTime.decode(container, .validUntil))
        createdAtMilliseconds = Self.milliseconds(try? KisiTime.decode(container, .createdAt))
        let creatorID = try container.decodeIfPresent(Int.self, forKey: .createdByID)
        switch (try container.decodeIfPresent(String.self, forKey: .createdByType), creatorID) {
        case (_, nil): (creatorKind, self.creatorID) = (.none, 0)
        case ("User"?, let id?), (nil, let id?): (creatorKind, self.creatorID) = (.user, id)
        case ("MarketplaceInstallation"?, let id?): (creatorKind, self.creatorID) = (.marketplaceInstallation, id)
        case (_, let id?): (creatorKind, self.creatorID) = (.other, id)
        }
    }

    public init(
        id: Int, roleID: String, groupID: Int, assignee: KisiAssignee, validFrom: Date?, validUntil: Date?, createdBy: KisiCreator? = nil,
        createdAt: Date? = nil
    ) {
        self.id = id
        self.groupID = groupID
        self.roleID = roleID
        (holderKind, assigneeID, holderEmail, holderName) = (.other, 0, nil, nil)
        (validFromMilliseconds, validUntilMilliseconds, createdAtMilliseconds) = (
            Self.milliseconds(validFrom), Self.milliseconds(validUntil), Self.milliseconds(createdAt)
        )
        (creatorKind, creatorID) = (.none, 0)
        self.assignee = assignee
        self.createdBy = createdBy
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

/// A schedule (`/schedules`) as Kisi returns it; the fields of the other types are nil.
public struct KisiSchedule: Decodable, Sendable, Hashable, KisiIdentified {
    public var id: Int
    public var name: String?
    public var enabled: Bool
    public var override: Bool
    public var consequence: String
    public var scheduleableType: String
    public var scheduleableID: Int
    public var type: String
    public var region: String?
    public var observed: Bool?
    public var ignoredHolidays: [String]?
    public var monday: Bool?
    public var tuesday: Bool?
    public var wednesday: Bool?
    public var thursday: Bool?
    public var friday: Bool?
    public var saturday: Bool?
    public var sunday: Bool?
    public var startsAtTime: String?
    public var endsAtTime: String?
    public var startsAtDate: String?
    public var endsAtDate: String?
    public var startsAt: String?
    public var endsAt: String?

    enum CodingKeys: String, CodingKey {
        case id, name, enabled, override, consequence
        case scheduleableType = "scheduleable_type"
        case scheduleableID = "scheduleable_id"
        case type, region, observed
        case ignoredHolidays = "ignored_holidays"
        case monday, tuesday, wednesday, thursday, friday, saturday, sunday
        case startsAtTime = "starts_at_time"
        case endsAtTime = "ends_at_time"
        case startsAtDate = "starts_at_date"
        case endsAtDate = "ends_at_date"
        case startsAt = "starts_at"
        case endsAt = "ends_at"
    }

    /// Monday first.
    public var weekdays: [Bool] { [monday, tuesday, wednesday, thursday, friday, saturday, sunday].map { $0 ?? false } }
}

/// A public holiday of a Kisi holiday calendar.
public struct KisiHoliday: Decodable, Sendable, Hashable {
    public var date: String
    public var name: String
}
