import AccessModel

/// A person's index in a ``PeopleDirectory``.
public struct PersonID: Hashable, Comparable, Sendable {
    public let index: Int32

    init(_ index: Int) { self.index = Int32(index) }

    public init(index: Int32) { self.index = index }

    public static func < (lhs: PersonID, rhs: PersonID) -> Bool { lhs.index < rhs.index }
}

/// Someone who may get access: one e-mail address, whatever number of records carry it.
public struct Person: Hashable, Sendable {
    public let id: PersonID
    /// The address as the source spells it (trimmed): used when a Kisi user is created.
    public let email: String
    /// Trimmed and lower-cased: the identity kisictl compares.
    public let normalizedEmail: String
    /// From the first customer record; nil for people known only as booking invitees.
    public let name: String?
    /// Every customer record with this address, in source order.
    public let customerIDs: [String]
}

/// Who is who: customers and invitees merged into people by normalized e-mail address.
///
/// Records without a valid address are skipped and several records with one address are one
/// person; both are reported as warnings rather than silently changing who gets access.
public struct PeopleDirectory: Sendable {
    public private(set) var people: [Person] = []
    private var byEmail: [String: PersonID] = [:]
    private var byCustomer: [String: PersonID] = [:]
    private var byCompany: [String: [PersonID]] = [:]
    public private(set) var warnings: [Diagnostic] = []

    public init(data: MemberData) {
        struct Draft {
            var email: String
            var name: String?
            var customerIDs: [String] = []
        }
        var drafts: [Draft] = []
        var seenCustomers: [String: SourceLocation] = [:]
        struct CompanyMember: Hashable {
            var company: String
            var person: PersonID
        }
        var companyMembers = Set<CompanyMember>()

        func addPerson(email: String, normalized: String, name: String?) -> PersonID {
            let id = PersonID(drafts.count)
            drafts.append(Draft(email: email, name: name))
            byEmail[normalized] = id
            return id
        }

        for customer in data.customers {
            if let first = seenCustomers[customer.id] {
                warnings.append(.warning(at: customer.origin, path: "id",
                                         "customer id \(customer.id) already appears at \(first); this record is ignored"))
                continue
            }
            seenCustomers[customer.id] = customer.origin
            let trimmed = EmailAddress.trimmed(customer.email)
            guard !trimmed.isEmpty else {
                warnings.append(.warning(at: customer.origin, path: "email",
                                         "customer #\(customer.id) has no e-mail address; skipped (kisictl identifies people by e-mail)"))
                continue
            }
            guard EmailAddress.isValid(trimmed) else {
                warnings.append(.warning(at: customer.origin, path: "email",
                                         "customer #\(customer.id) has an invalid e-mail address; skipped"))
                continue
            }
            let normalized = EmailAddress.normalized(trimmed)
            let person: PersonID
            if let existing = byEmail[normalized] {
                person = existing
                let first = drafts[Int(existing.index)].customerIDs.first ?? "?"
                warnings.append(.warning(at: customer.origin, path: "email",
                                         "customers #\(first) and #\(customer.id) share one e-mail address: treated as one person"))
            } else {
                person = addPerson(email: trimmed, normalized: normalized, name: customer.name.isEmpty ? nil : customer.name)
            }
            drafts[Int(person.index)].customerIDs.append(customer.id)
            byCustomer[customer.id] = person
            if let company = customer.companyID, !company.isEmpty, companyMembers.insert(CompanyMember(company: company, person: person)).inserted {
                byCompany[company, default: []].append(person)
            }
        }

        for booking in data.bookings {
            for (position, invitee) in booking.invitees.enumerated() {
                let trimmed = EmailAddress.trimmed(invitee)
                guard EmailAddress.isValid(trimmed) else {
                    warnings.append(.warning(at: booking.origin, path: "invitees",
                                             "booking #\(booking.id): invitee \(position + 1) is not a valid e-mail address; skipped"))
                    continue
                }
                let normalized = EmailAddress.normalized(trimmed)
                if byEmail[normalized] == nil {
                    _ = addPerson(email: trimmed, normalized: normalized, name: nil)
                }
            }
        }

        people = drafts.enumerated().map { index, draft in
            Person(id: PersonID(index), email: draft.email, normalizedEmail: EmailAddress.normalized(draft.email),
                   name: draft.name, customerIDs: draft.customerIDs)
        }
    }

    public func person(_ id: PersonID) -> Person { people[Int(id.index)] }

    // Single fields, without copying a whole person (hot in large plans).
    public func email(of id: PersonID) -> String { people[Int(id.index)].email }
    public func normalizedEmail(of id: PersonID) -> String { people[Int(id.index)].normalizedEmail }
    public func name(of id: PersonID) -> String? { people[Int(id.index)].name }

    /// Looks a person up by any spelling of their address.
    public func person(email: String) -> Person? {
        byEmail[EmailAddress.normalized(email)].map(person)
    }

    /// Looks a person up by an address already trimmed and lower-cased.
    public func person(normalizedEmail: String) -> Person? {
        byEmail[normalizedEmail].map(person)
    }

    /// The id of the person with an address already trimmed and lower-cased.
    public func personID(normalizedEmail: String) -> PersonID? { byEmail[normalizedEmail] }

    public func person(customerID: String) -> PersonID? { byCustomer[customerID] }

    /// People who are customers of a company, for company memberships.
    public func people(company: String) -> [PersonID] { byCompany[company] ?? [] }

    public var count: Int { people.count }
}
