/// A record's part in a decision: which record (kind, id and what it is), its span, and the
/// finding at the instant, with the fields the words need.
public struct RecordReason: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case membership
        /// A company's membership, granting its customers.
        case companyMembership = "company_membership"
        case registration
        case booking
        /// A booking the person is invited to.
        case invitation
        /// A booking the person is invited to as a Kisi guest (`invitees: guest`).
        case guestInvitation = "guest_invitation"
        /// A household's membership, granting its customers.
        case householdMembership = "household_membership"
        /// A group's `extra` grant in the config.
        case extraGrant = "extra_grant"
    }

    /// A dated hold on a membership.
    public struct HoldNote: Codable, Sendable, Hashable {
        public var id: String
        public var startsOn: LocalDate
        public var endsOn: LocalDate

        public init(id: String, startsOn: LocalDate, endsOn: LocalDate) {
            self.id = id
            self.startsOn = startsOn
            self.endsOn = endsOn
        }
    }

    public var kind: Kind
    public var id: String
    /// The membership type, the session, or the booked resource.
    public var label: String
    /// A booking's resource type (`room`).
    public var resourceType: String?
    /// A company membership's company.
    public var company: String?
    /// A household membership's household.
    public var household: String?
    public var finding: RecordFinding
    /// The record's span (with the rule's window); `until` nil when it has no end.
    public var from: Instant
    public var until: Instant?
    /// The record's status, as the data spells it.
    public var status: String
    public var startsOn: LocalDate?
    public var endsOn: LocalDate?
    public var sessionsRemaining: Int?
    public var blockedReason: String?
    /// The site's look-ahead, for a record that starts beyond it.
    public var lookahead: TimeSpan?
    /// The hold the finding is about (on hold, until a hold, after a hold).
    public var hold: HoldNote?
    /// The end of a payment grace.
    public var graceEnds: Instant?
    /// The tag a rule requires and the person lacks, or forbids and the person has.
    public var tag: String?
    /// The rule's `min_age`, for a person under it.
    public var minAge: Int?

    public init(
        kind: Kind, id: String, label: String, resourceType: String? = nil, company: String? = nil, finding: RecordFinding, from: Instant,
        until: Instant?, status: String, startsOn: LocalDate? = nil, endsOn: LocalDate? = nil, sessionsRemaining: Int? = nil,
        blockedReason: String? = nil, lookahead: TimeSpan? = nil
    ) {
        self.kind = kind
        self.id = id
        self.label = label
        self.resourceType = resourceType
        self.company = company
        self.finding = finding
        self.from = from
        self.until = until
        self.status = status
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.sessionsRemaining = sessionsRemaining
        self.blockedReason = blockedReason
        self.lookahead = lookahead
    }
}
