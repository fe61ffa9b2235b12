import AccessModel

/// Member data rearranged for evaluation: each person's records, every time resolved to an
/// instant once, and names interned so rules match integers instead of strings.
struct RecordIndex: Sendable {
    /// Per person: indexes of their memberships, including their companies' memberships.
    var memberships: [[Int32]]
    var registrations: [[Int32]]
    var bookings: [[Int32]]
    var invitations: [[Int32]]

    /// Per membership: [start of starts_on, start of the day after ends_on) in the site's zone.
    var membershipSpans: [Span]
    var registrationSpans: [Span]
    var bookingSpans: [Span]

    var membershipTypes: Interner
    var membershipTypeOf: [Int32]
    var sessionNames: Interner
    var sessionNameOf: [Int32]
    /// Resource keys are `type:name`, lower-cased.
    var resourceKeys: Interner
    var resourceKeyOf: [Int32]

    /// Records naming a customer id or company nobody in the directory has.
    var warnings: [Diagnostic] = []

    init(data: MemberData, directory: PeopleDirectory, zone: SiteTimeZone) {
        let count = directory.count
        memberships = Array(repeating: [], count: count)
        registrations = Array(repeating: [], count: count)
        bookings = Array(repeating: [], count: count)
        invitations = Array(repeating: [], count: count)
        membershipTypes = Interner()
        sessionNames = Interner()
        resourceKeys = Interner()
        membershipTypeOf = []
        sessionNameOf = []
        resourceKeyOf = []
        membershipSpans = []
        registrationSpans = []
        bookingSpans = []
        var warnings: [Diagnostic] = []

        membershipSpans.reserveCapacity(data.memberships.count)
        membershipTypeOf.reserveCapacity(data.memberships.count)
        for (index, membership) in data.memberships.enumerated() {
            membershipTypeOf.append(membershipTypes.id(membership.type))
            let start = zone.startOfDay(membership.startsOn).secondsSinceEpoch
            let end = membership.endsOn.map { zone.startOfDay($0.adding(days: 1)).secondsSinceEpoch } ?? Span.open
            membershipSpans.append(Span(from: start, until: end))
            switch membership.holder {
            case .customer(let customer):
                if let person = directory.person(customerID: customer) {
                    memberships[Int(person.index)].append(Int32(index))
                } else {
                    warnings.append(Self.unknownCustomer(customer, record: "membership #\(membership.id)", at: membership.origin))
                }
            case .company(let company):
                let people = directory.people(company: company)
                if people.isEmpty {
                    warnings.append(.warning(at: membership.origin, path: "company_id",
                                             "company membership #\(membership.id): no customer has company_id \(company); it grants nobody"))
                }
                for person in people { memberships[Int(person.index)].append(Int32(index)) }
            }
        }

        registrationSpans.reserveCapacity(data.registrations.count)
        sessionNameOf.reserveCapacity(data.registrations.count)
        for (index, registration) in data.registrations.enumerated() {
            sessionNameOf.append(sessionNames.id(registration.session))
            registrationSpans.append(Span(from: registration.startsAt.instant(in: zone).secondsSinceEpoch,
                                          until: registration.endsAt.instant(in: zone).secondsSinceEpoch))
            if let person = directory.person(customerID: registration.customerID) {
                registrations[Int(person.index)].append(Int32(index))
            } else {
                warnings.append(Self.unknownCustomer(registration.customerID, record: "registration #\(registration.id)", at: registration.origin))
            }
        }

        bookingSpans.reserveCapacity(data.bookings.count)
        resourceKeyOf.reserveCapacity(data.bookings.count)
        for (index, booking) in data.bookings.enumerated() {
            resourceKeyOf.append(resourceKeys.id(booking.resourceType.rawValue + ":" + booking.resource))
            bookingSpans.append(Span(from: booking.startsAt.instant(in: zone).secondsSinceEpoch,
                                     until: booking.endsAt.instant(in: zone).secondsSinceEpoch))
            if let person = directory.person(customerID: booking.customerID) {
                bookings[Int(person.index)].append(Int32(index))
            } else {
                warnings.append(Self.unknownCustomer(booking.customerID, record: "booking #\(booking.id)", at: booking.origin))
            }
            var invited = Set<PersonID>()
            for invitee in booking.invitees {
                guard let person = directory.person(email: invitee)?.id, invited.insert(person).inserted else { continue }
                invitations[Int(person.index)].append(Int32(index))
            }
        }
        self.warnings = warnings
    }

    static func key(_ name: String) -> String { name.trimmingWhitespace().lowercased() }

    private static func unknownCustomer(_ customer: String, record: String, at origin: SourceLocation) -> Diagnostic {
        .warning(at: origin, path: "customer_id",
                 "\(record): customer_id \(customer) matches no customer with a valid e-mail address; skipped")
    }
}

/// A half-open interval of seconds since the epoch; `until == Span.open` means no end.
struct Span: Hashable, Sendable {
    static let open = Int64.max

    var from: Int64
    var until: Int64

    func widened(by window: RuleWindow) -> Span {
        Span(from: from - window.before.seconds, until: until == Span.open ? until : until + window.after.seconds)
    }
}

/// Assigns small integer ids to distinct names, compared trimmed and lower-cased.
struct Interner: Sendable {
    /// Normalized names, by id.
    private(set) var names: [String] = []
    private var ids: [String: Int32] = [:]
    /// Names as written, so the many repeats of one spelling are normalized once.
    private var spellings: [String: Int32] = [:]

    mutating func id(_ spelling: String) -> Int32 {
        if let id = spellings[spelling] { return id }
        let name = RecordIndex.key(spelling)
        let id = ids[name] ?? Int32(names.count)
        if id == names.count {
            names.append(name)
            ids[name] = id
        }
        spellings[spelling] = id
        return id
    }

    /// A table saying, for each interned name, whether it satisfies a predicate.
    func table(_ predicate: (String) -> Bool) -> [Bool] { names.map(predicate) }
}
