/// A customer of the business: the person behind memberships, registrations and bookings.
public struct Customer: Hashable, Sendable {
    public var id: String
    public var name: String
    /// As the source spells it; people are matched on ``EmailAddress/normalized(_:)``.
    public var email: String
    public var companyID: String?
    /// The family or household whose shared memberships grant this customer.
    public var householdID: String?
    /// For a rule's `min_age`; personal data, never shown.
    public var birthDate: LocalDate?
    /// Marks such as `waiver` or `induction`, for a rule's `require` and `unless`, as written.
    public var tags: [String]
    public var origin: SourceLocation

    public init(
        id: String, name: String, email: String, companyID: String? = nil, householdID: String? = nil, birthDate: LocalDate? = nil,
        tags: [String] = [], origin: SourceLocation
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.companyID = companyID
        self.householdID = householdID
        self.birthDate = birthDate
        self.tags = tags
        self.origin = origin
    }
}

/// A membership, subscription, pass or pack, held by one customer, a whole company or a household.
public struct Membership: Hashable, Sendable {
    public enum Holder: Hashable, Sendable {
        case customer(String)
        case company(String)
        /// A family membership: every customer with this `household_id`.
        case household(String)
    }

    public enum Status: String, Hashable, Sendable, CaseIterable {
        case active, paused, blocked, cancelled, expired
    }

    public var id: String
    public var holder: Holder
    public var type: String
    public var status: Status
    public var startsOn: LocalDate
    /// Inclusive: the membership runs until the end of this local day. Nil means open-ended.
    public var endsOn: LocalDate?
    /// Nil for unlimited memberships; 0 means a pack that is used up.
    public var sessionsRemaining: Int?
    public var blockedReason: String?
    /// When a blocked membership's payment first failed: its payment grace counts from here.
    public var blockedSince: Moment?
    public var origin: SourceLocation

    public init(
        id: String, holder: Holder, type: String, status: Status, startsOn: LocalDate, endsOn: LocalDate? = nil,
        sessionsRemaining: Int? = nil, blockedReason: String? = nil, blockedSince: Moment? = nil, origin: SourceLocation
    ) {
        self.blockedSince = blockedSince
        self.id = id
        self.holder = holder
        self.type = type
        self.status = status
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.sessionsRemaining = sessionsRemaining
        self.blockedReason = blockedReason
        self.origin = origin
    }
}

/// A customer's place in a session: a class, an appointment or a course meeting.
public struct Registration: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case `class`, appointment, course
    }

    public enum Status: String, Hashable, Sendable, CaseIterable {
        case booked, waitlisted, cancelled, attended
        case noShow = "no_show"
    }

    public var id: String
    public var customerID: String
    public var kind: Kind
    public var session: String
    public var startsAt: Moment
    public var endsAt: Moment
    public var status: Status
    public var origin: SourceLocation

    public init(
        id: String, customerID: String, kind: Kind, session: String, startsAt: Moment, endsAt: Moment,
        status: Status, origin: SourceLocation
    ) {
        self.id = id
        self.customerID = customerID
        self.kind = kind
        self.session = session
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.status = status
        self.origin = origin
    }
}

/// A reservation of a room, desk, office, piece of equipment or parking space.
public struct Booking: Hashable, Sendable {
    public enum ResourceType: String, Hashable, Sendable, CaseIterable {
        case room, desk, office, equipment, parking
    }

    public enum Status: String, Hashable, Sendable, CaseIterable {
        case confirmed, tentative, cancelled
    }

    public var id: String
    public var customerID: String
    public var resourceType: ResourceType
    public var resource: String
    public var startsAt: Moment
    public var endsAt: Moment
    public var status: Status
    /// E-mail addresses as the source spells them.
    public var invitees: [String]
    public var origin: SourceLocation

    public init(
        id: String, customerID: String, resourceType: ResourceType, resource: String, startsAt: Moment,
        endsAt: Moment, status: Status, invitees: [String] = [], origin: SourceLocation
    ) {
        self.id = id
        self.customerID = customerID
        self.resourceType = resourceType
        self.resource = resource
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.status = status
        self.invitees = invitees
        self.origin = origin
    }
}

/// A dated freeze of a membership: no access from it from the start of `startsOn` to the end of
/// `endsOn` (local days, both included).
public struct Hold: Hashable, Sendable {
    public var id: String
    public var membershipID: String
    public var startsOn: LocalDate
    public var endsOn: LocalDate
    public var origin: SourceLocation

    public init(id: String, membershipID: String, startsOn: LocalDate, endsOn: LocalDate, origin: SourceLocation) {
        self.id = id
        self.membershipID = membershipID
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.origin = origin
    }
}

/// Everything a source exports: the business data access is derived from.
public struct MemberData: Sendable {
    public var customers: [Customer]
    public var memberships: [Membership]
    public var registrations: [Registration]
    public var bookings: [Booking]
    public var holds: [Hold]
    /// Which entities the source provided at all (a missing file differs from an empty one).
    public var providedEntities: Set<MemberEntity>

    public init(
        customers: [Customer] = [], memberships: [Membership] = [], registrations: [Registration] = [],
        bookings: [Booking] = [], holds: [Hold] = [], providedEntities: Set<MemberEntity> = Set(MemberEntity.allCases)
    ) {
        self.holds = holds
        self.customers = customers
        self.memberships = memberships
        self.registrations = registrations
        self.bookings = bookings
        self.providedEntities = providedEntities
    }
}

/// The entities of the member-data contract, named as their files are (`customers.csv`, …).
public enum MemberEntity: String, Hashable, Sendable, CaseIterable, Comparable, Codable {
    case customers, memberships, registrations, bookings, holds

    public static func < (lhs: MemberEntity, rhs: MemberEntity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
