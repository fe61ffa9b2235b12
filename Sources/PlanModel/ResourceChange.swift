import AccessModel

/// One change a plan makes to one resource: Terraform's resource change, with kisictl's typed
/// reasons and cause, and — when the plan was compared with a baseline — its origin.
public struct ResourceChange: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable {
        case create, update, delete
    }

    /// Whether this pull request causes the change, or it would happen anyway.
    public enum Origin: String, Codable, Sendable {
        /// The change under review causes it.
        case change
        /// The baseline config would make it too.
        case pending
    }

    public var address: ResourceAddress
    public var action: Action
    public var before: ResourceValues?
    public var after: ResourceValues?
    public var reasons: [Reason]
    /// For a role's removal or narrowing: why, in a word the guards group by.
    public var cause: Cause?
    public var origin: Origin?

    public init(
        _ address: ResourceAddress, _ action: Action, before: ResourceValues? = nil, after: ResourceValues? = nil, reasons: [Reason] = [],
        cause: Cause? = nil, origin: Origin? = nil
    ) {
        self.address = address
        self.action = action
        self.before = before
        self.after = after
        self.reasons = reasons
        self.cause = cause
        self.origin = origin
    }

    public var role: RoleValues? { (after ?? before)?.role }
    public var beforeRole: RoleValues? { before?.role }
    public var afterRole: RoleValues? { after?.role }
}

/// A resource's values, before or after a change.
public enum ResourceValues: Codable, Sendable, Equatable {
    case group(GroupValues)
    case door(DoorValues)
    case user(UserValues)
    case role(RoleValues)
    case schedule(ScheduleValues)

    public var group: GroupValues? { if case .group(let values) = self { values } else { nil } }
    public var door: DoorValues? { if case .door(let values) = self { values } else { nil } }
    public var user: UserValues? { if case .user(let values) = self { values } else { nil } }
    public var role: RoleValues? { if case .role(let values) = self { values } else { nil } }
    public var schedule: ScheduleValues? { if case .schedule(let values) = self { values } else { nil } }
}

/// A Kisi schedule: what it means, and its id once it exists.
public struct ScheduleValues: Codable, Sendable, Equatable {
    public var entry: ScheduleEntry
    public var kisiID: Int?

    public init(entry: ScheduleEntry, kisiID: Int?) {
        self.entry = entry
        self.kisiID = kisiID
    }
}

public struct GroupValues: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public var place: String?
    public var placeID: Int?
    public var kisiID: Int?
    /// Kisi's `time_restriction_enabled`: on, group schedules decide when members may unlock.
    /// Nil when the config leaves the group's schedules alone.
    public var timeRestriction: Bool?

    public init(name: String, description: String?, place: String?, placeID: Int?, kisiID: Int?, timeRestriction: Bool? = nil) {
        self.timeRestriction = timeRestriction
        self.name = name
        self.description = description
        self.place = place
        self.placeID = placeID
        self.kisiID = kisiID
    }
}

public struct DoorValues: Codable, Sendable, Equatable {
    public var door: String
    public var lockID: Int
    public var linkID: Int?

    public init(door: String, lockID: Int, linkID: Int?) {
        self.door = door
        self.lockID = lockID
        self.linkID = linkID
    }
}

public struct UserValues: Codable, Sendable, Equatable {
    public var email: String
    public var name: String?

    public init(email: String, name: String?) {
        self.email = email
        self.name = name
    }
}

/// A role and its holder.
public struct RoleValues: Codable, Sendable, Equatable {
    public var holder: HolderValues
    public var role: String
    public var window: PlanWindow
    /// The role assignment in Kisi, when it exists.
    public var kisiID: Int?

    public init(holder: HolderValues, role: String, window: PlanWindow, kisiID: Int?) {
        self.holder = holder
        self.role = role
        self.window = window
        self.kisiID = kisiID
    }

    public var email: String { holder.email ?? "" }
    public var normalizedEmail: String { EmailAddress.normalized(email) }
}

/// A role's holder, resolved for showing and applying.
public struct HolderValues: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case user, team, guest, other
        /// A person of the member data as a Kisi guest, which kisictl grants and revokes
        /// (`invitees: guest`); `guest` is anyone else's guest, never touched.
        case memberGuest = "member_guest"

        /// Roles kisictl grants and revokes: users' and its own guests'.
        public var isManaged: Bool { self == .user || self == .memberGuest }
    }

    public var kind: Kind
    /// A user's e-mail (or a guest's).
    public var email: String?
    /// A person's or guest's name, a team's name, an unknown assignee's kind and id.
    public var name: String?
    /// The Kisi user (for a user that exists) or the team's, guest's or assignee's Kisi id.
    public var kisiID: Int?

    public init(kind: Kind, email: String?, name: String?, kisiID: Int?) {
        self.kind = kind
        self.email = email
        self.name = name
        self.kisiID = kisiID
    }
}

/// A role's validity as Kisi holds it: nil bounds are open (`valid_from` in the past is written
/// as open, since Kisi treats both alike). Stored in 16 bytes: a large plan holds millions.
public struct PlanWindow: Codable, Sendable, Hashable {
    private var start: Int64
    private var end: Int64
    private static let open = Int64.min

    public init(from: Instant?, until: Instant?) {
        start = from?.secondsSinceEpoch ?? Self.open
        end = until?.secondsSinceEpoch ?? Self.open
    }

    public var from: Instant? {
        get { start == Self.open ? nil : Instant(secondsSinceEpoch: start) }
        set { start = newValue?.secondsSinceEpoch ?? Self.open }
    }

    public var until: Instant? {
        get { end == Self.open ? nil : Instant(secondsSinceEpoch: end) }
        set { end = newValue?.secondsSinceEpoch ?? Self.open }
    }

    enum CodingKeys: String, CodingKey { case from, until }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            from: try container.decodeIfPresent(Instant.self, forKey: .from), until: try container.decodeIfPresent(Instant.self, forKey: .until))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(from, forKey: .from)
        try container.encodeIfPresent(until, forKey: .until)
    }
}
