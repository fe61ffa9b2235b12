/// One way into a group: a selector of records plus how far their time spans are widened.
public struct GrantRule: Sendable, Hashable {
    public var selector: GrantSelector
    public var window: RuleWindow
    /// Bookings only: invitees get the booker's window.
    public var invitees: Bool
    public var location: SourceLocation?

    public init(_ selector: GrantSelector, window: RuleWindow = .none, invitees: Bool = false, location: SourceLocation? = nil) {
        self.selector = selector
        self.window = window
        self.invitees = invitees
        self.location = location
    }
}

/// Which records a rule looks at.
public enum GrantSelector: Sendable, Hashable {
    /// Memberships of these types (compared case-insensitively).
    case memberships(types: [String], blocked: BlockedMemberships)
    case registrations(RegistrationSelector)
    case bookings([ResourceSelector])
}

/// TeamUp's "Allow access with blocked memberships" (failed or retried payment, manual block).
public enum BlockedMemberships: String, Sendable, Hashable, CaseIterable {
    case allow, deny
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
