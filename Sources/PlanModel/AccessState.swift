import AccessModel

/// Kisi access as a state: what the managed groups hold (live), or should hold (desired). Both
/// are values of this one type, and ``AccessState/changes(from:to:names:)`` is the diff.
///
/// The state is compact, for sites of a million members: holders are indexes and ids, windows
/// whole seconds; names and e-mails are looked up (``HolderNames``) only for what changes.
public struct AccessState: Sendable, Equatable {
    /// Sorted by address.
    public var groups: [GroupState]

    public init(groups: [GroupState]) {
        self.groups = groups.sorted { $0.address < $1.address }
    }

    public subscript(address: String) -> GroupState? { groups.first { $0.address == address } }
}

/// One group: its identity in the config (the address) and in Kisi, its doors and its roles.
public struct GroupState: Sendable, Equatable {
    public var address: String
    public var name: String
    /// Desired: nil when the config leaves the description alone. Live: Kisi's (nil for none).
    public var description: String?
    public var place: String?
    public var placeID: Int?
    /// The Kisi group, when it exists.
    public var kisiID: Int?
    /// Door links; nil when they are left alone (desired) or were not read (live).
    public var doors: [DoorLink]?
    /// Sorted by holder; at most one per holder in a desired state.
    public var bindings: [RoleBinding]
    /// The Kisi role id of a binding whose role is ``Role/other``, by the binding's Kisi id.
    public var otherRoles: [Int: String]
    /// The group's `allow` schedules; nil when the config leaves them alone.
    public var schedules: [ScheduledEntry]?
    /// Kisi's `time_restriction_enabled`; nil when the config leaves the group's schedules alone.
    public var timeRestriction: Bool?

    public init(
        address: String, name: String, description: String? = nil, place: String? = nil, placeID: Int? = nil, kisiID: Int? = nil,
        doors: [DoorLink]? = nil, bindings: [RoleBinding] = [], otherRoles: [Int: String] = [:]
    ) {
        self.address = address
        self.name = name
        self.description = description
        self.place = place
        self.placeID = placeID
        self.kisiID = kisiID
        self.doors = doors
        self.bindings = bindings
        self.otherRoles = otherRoles
    }

    /// The Kisi role id of a binding.
    public func roleID(of binding: RoleBinding) -> String {
        switch binding.role {
        case .basic: return Role.basicID
        case .manager: return Role.managerID
        case .other: return otherRoles[binding.kisiID] ?? "unknown"
        }
    }
}

/// A schedule, and its Kisi id once it exists.
public struct ScheduledEntry: Sendable, Equatable {
    public var entry: ScheduleEntry
    public var kisiID: Int?

    public init(_ entry: ScheduleEntry, kisiID: Int? = nil) {
        self.entry = entry
        self.kisiID = kisiID
    }
}

/// A door's schedules of one consequence (a door's `unlock` hours), desired or live.
public struct DoorScheduleState: Sendable, Equatable {
    public var door: PlannedDoor
    public var consequence: ScheduleConsequence
    public var schedules: [ScheduledEntry]

    public init(door: PlannedDoor, consequence: ScheduleConsequence, schedules: [ScheduledEntry]) {
        self.door = door
        self.consequence = consequence
        self.schedules = schedules
    }
}

/// A door linked to a group.
public struct DoorLink: Sendable, Equatable, Hashable {
    /// The lock's name in Kisi.
    public var name: String
    public var lockID: Int
    /// The link (`group_lock`) in Kisi; nil until it exists.
    public var linkID: Int?

    public init(name: String, lockID: Int, linkID: Int? = nil) {
        self.name = name
        self.lockID = lockID
        self.linkID = linkID
    }
}

/// Who holds a role, as a compact key: a person of the member data (by index) as a Kisi user
/// or as a Kisi guest, or a Kisi user the data does not know, a team, a guest, or an assignee of
/// another kind (by Kisi id). Packed in one integer (kind above, id below), so a million roles
/// sort and compare fast.
public struct Holder: Hashable, Comparable, Sendable {
    public enum Kind: UInt64, Sendable {
        case person = 0
        case user, team, guest, other
        /// A person of the member data held as a Kisi guest (`invitees: guest`): kisictl's to
        /// grant and revoke, unlike other guests.
        case personAsGuest
    }

    let raw: UInt64
    private static let shift: UInt64 = 58

    init(_ kind: Kind, _ id: Int) { raw = kind.rawValue << Holder.shift | (UInt64(truncatingIfNeeded: id) & ((1 << Holder.shift) - 1)) }

    public static func person(_ index: Int32) -> Holder { Holder(.person, Int(index)) }
    public static func user(_ id: Int) -> Holder { Holder(.user, id) }
    public static func team(_ id: Int) -> Holder { Holder(.team, id) }
    public static func guest(_ id: Int) -> Holder { Holder(.guest, id) }
    public static func personAsGuest(_ index: Int32) -> Holder { Holder(.personAsGuest, Int(index)) }
    public static func other(_ id: Int) -> Holder { Holder(.other, id) }

    public var kind: Kind { Kind(rawValue: raw >> Holder.shift)! }
    /// The person's index or the Kisi id.
    public var id: Int { Int(raw & ((1 << Holder.shift) - 1)) }

    public static func < (lhs: Holder, rhs: Holder) -> Bool { lhs.raw < rhs.raw }
}

/// A role in a group.
public enum Role: UInt8, Sendable, Hashable {
    /// `group_basic`: opens the group's doors. The only role kisictl grants and revokes.
    case basic
    /// `group_manager`: never touched.
    case manager
    /// Any other role id (kept in ``GroupState/otherRoles``).
    case other

    public static let basicID = "group_basic"
    public static let managerID = "group_manager"

    public init(id: String) {
        switch id {
        case Role.basicID: self = .basic
        case Role.managerID: self = .manager
        default: self = .other
        }
    }
}

/// A role's validity in whole seconds; `open` bounds have no limit. A start already past is
/// stored as open, as Kisi treats both alike.
public struct StateWindow: Sendable, Hashable {
    public static let open = Int64.min

    public var from: Int64
    public var until: Int64

    public init(from: Int64 = StateWindow.open, until: Int64 = StateWindow.open) {
        self.from = from
        self.until = until
    }

    public init(_ window: PlanWindow) {
        from = window.from?.secondsSinceEpoch ?? StateWindow.open
        until = window.until?.secondsSinceEpoch ?? StateWindow.open
    }

    public var planWindow: PlanWindow {
        PlanWindow(
            from: from == StateWindow.open ? nil : Instant(secondsSinceEpoch: from),
            until: until == StateWindow.open ? nil : Instant(secondsSinceEpoch: until))
    }
}

/// One role of one holder in a group.
public struct RoleBinding: Sendable, Hashable {
    public var holder: Holder
    public var role: Role
    public var window: StateWindow
    /// The role assignment in Kisi; 0 until it exists.
    public var kisiID: Int

    public init(holder: Holder, role: Role = .basic, window: StateWindow, kisiID: Int = 0) {
        self.holder = holder
        self.role = role
        self.window = window
        self.kisiID = kisiID
    }
}

/// What a holder is called, for the few bindings a diff reports: e-mails and names are looked up
/// only for changes, never stored per binding.
public protocol HolderNames: Sendable {
    /// A user's e-mail as it should be shown (the member data's spelling for a person), or a
    /// guest's; nil for a team.
    func email(of holder: Holder) -> String?
    /// Kisi's e-mail for a holder that is a Kisi user (its spelling, for what Kisi holds).
    func kisiEmail(of holder: Holder) -> String?
    /// A person's or guest's name, a team's name, or an assignee's kind and id.
    func name(of holder: Holder) -> String?
    /// The holder's Kisi user, when one exists.
    func userID(of holder: Holder) -> Int?
    /// A person's Kisi guest, when one exists.
    func guestID(of holder: Holder) -> Int?
}
