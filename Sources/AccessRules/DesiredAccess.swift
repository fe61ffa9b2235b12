import AccessModel

/// A person's grant in one group: the window written to Kisi.
public struct DesiredGrant: Hashable, Sendable {
    public var person: PersonID
    public var window: AccessWindow
    /// Held as a Kisi guest (link access, no Kisi user): every record behind the window is a
    /// booking the person is invited to under `invitees: guest`.
    public var asGuest: Bool

    public init(person: PersonID, window: AccessWindow, asGuest: Bool = false) {
        self.person = person
        self.window = window
        self.asGuest = asGuest
    }

    /// False for a grant that starts later within the look-ahead (written with a future `valid_from`).
    public func isCurrent(at instant: Instant) -> Bool { window.contains(instant) }
}

/// Everyone who should be in one managed group.
public struct GroupGrants: Hashable, Sendable {
    public var address: String
    /// In person order (the order of the member data).
    public var grants: [DesiredGrant]
}

/// The evaluation of every managed group at one instant.
public struct DesiredAccess: Sendable {
    public var instant: Instant
    /// Managed groups, sorted by address.
    public var groups: [GroupGrants]

    public func grants(in address: String) -> [DesiredGrant] {
        groups.first { $0.address == address }?.grants ?? []
    }
}

/// One person and one group: the grant if any, and the evidence either way.
public struct AccessDecision: Hashable, Sendable {
    public var group: String
    public var window: AccessWindow?
    /// For a grant: the records behind its window. Otherwise: why no record grants.
    public var evidence: [Evidence]
    /// The grant is a Kisi guest's (see ``DesiredGrant/asGuest``).
    public var asGuest = false

    public func hasAccess(at instant: Instant) -> Bool { window?.contains(instant) ?? false }
}
