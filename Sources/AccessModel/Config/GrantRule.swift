/// One way into a group: a selector of records plus how far their time spans are widened.
public struct GrantRule: Sendable, Hashable {
    public var selector: GrantSelector
    public var window: RuleWindow
    /// Bookings only: whether invitees get the booker's window, and as what.
    public var invitees: Invitees
    /// What the person must (and must not) be for the rule to grant them.
    public var conditions: PersonConditions
    public var location: SourceLocation?

    public init(
        _ selector: GrantSelector, window: RuleWindow = .none, invitees: Invitees = .excluded, conditions: PersonConditions = PersonConditions(),
        location: SourceLocation? = nil
    ) {
        self.selector = selector
        self.window = window
        self.invitees = invitees
        self.conditions = conditions
        self.location = location
    }
}

/// A rule's preconditions on the person, beside the record that grants: an age, a signed
/// waiver or an induction (`require`), no ban (`unless`).
public struct PersonConditions: Sendable, Hashable {
    /// People younger than this (by `customers.birth_date`) are not granted.
    public var minAge: Int?
    /// Tags the person must all have (`require: {tags: [...]}`).
    public var requiredTags: [String]
    /// Tags the person must have none of (`unless: {tags: [...]}`).
    public var blockingTags: [String]

    public init(minAge: Int? = nil, requiredTags: [String] = [], blockingTags: [String] = []) {
        self.minAge = minAge
        self.requiredTags = requiredTags
        self.blockingTags = blockingTags
    }

    public var isEmpty: Bool { minAge == nil && requiredTags.isEmpty && blockingTags.isEmpty }
}

/// What a booking rule does for the booking's invitees (`invitees: true | false | guest`).
public enum Invitees: Sendable, Hashable, ExpressibleByBooleanLiteral {
    /// Only the booker.
    case excluded
    /// Invitees get the booker's window as Kisi users, like members.
    case members
    /// Invitees get the booker's window as Kisi guests: link access, no Kisi user.
    case guests

    public init(booleanLiteral value: Bool) { self = value ? .members : .excluded }
}

/// Which records a rule looks at.
public enum GrantSelector: Sendable, Hashable {
    /// Memberships of these types (compared case-insensitively).
    case memberships(types: [String], blocked: BlockedMemberships)
    case registrations(RegistrationSelector)
    case bookings([ResourceSelector])
}

/// TeamUp's "Allow access with blocked memberships" (failed or retried payment, manual block).
public enum BlockedMemberships: Sendable, Hashable, CustomStringConvertible {
    case allow, deny
    /// A payment grace: access is kept until `blocked_since` plus this span (`{allow_for: 7d}`).
    case allowFor(TimeSpan)

    public var description: String {
        switch self {
        case .allow: "allow"
        case .deny: "deny"
        case .allowFor(let span): "{allow_for: \(span)}"
        }
    }
}

/// Registrations of some kinds for sessions whose names match glob patterns.
public struct RegistrationSelector: Sendable, Hashable {
    /// Empty means every kind.
    public var kinds: [Registration.Kind]
    /// Glob patterns (`*`, `?`), case-insensitive; empty means every session.
    public var sessions: [String]

    public init(kinds: [Registration.Kind] = [], sessions: [String] = []) {
        self.kinds = kinds
        self.sessions = sessions
    }
}

/// `room` (every room) or `room:Board Room` (one resource; the name may be a glob).
public struct ResourceSelector: Sendable, Hashable, CustomStringConvertible {
    public var type: Booking.ResourceType
    public var name: String?

    public init(type: Booking.ResourceType, name: String? = nil) {
        self.type = type
        self.name = name
    }

    public var description: String {
        name.map { "\(type.rawValue):\($0)" } ?? type.rawValue
    }
}

/// How far a rule widens each record's span: the TeamUp "Access Duration", Spacebring's
/// 30-minute grace, or, on a membership rule, a renewal grace after its last day.
public struct RuleWindow: Sendable, Hashable {
    public var before: TimeSpan
    public var after: TimeSpan

    public init(before: TimeSpan = .zero, after: TimeSpan = .zero) {
        self.before = before
        self.after = after
    }

    public static let none = RuleWindow()
}
