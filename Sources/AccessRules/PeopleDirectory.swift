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
/// People are stored column by column, so a million of them cost a few arrays, not a million
/// small allocations.
public struct PeopleDirectory: Sendable {
    private var emails: [String] = []
    private var normalizedEmails: [String] = []
    private var names: [String?] = []
    /// Each person's customer ids, for the rare person with several customer records.
    private var extraCustomerIDs: [PersonID: [String]] = [:]
    private var firstCustomerIDs: [String?] = []
    private var byEmail: [String: PersonID] = [:]
    /// Customer id → the record's person, or nil when the record was skipped (no valid address).
    private var byCustomer: [String: PersonID?] = [:]
    private var byCompany: [String: [PersonID]] = [:]
    private var byHousehold: [String: [PersonID]] = [:]
    public private(set) var warnings: [Diagnostic] = []

    /// `alsoEmails`: addresses the config itself grants (`extra`), people even when the data
    /// does not know them.
    public init(data: MemberData, alsoEmails: [String] = []) {
        let customers = data.customers
        emails.reserveCapacity(customers.count)
        normalizedEmails.reserveCapacity(customers.count)
        names.reserveCapacity(customers.count)
        firstCustomerIDs.reserveCapacity(customers.count)
        byEmail.reserveCapacity(customers.count)
        byCustomer.reserveCapacity(customers.count)
        struct Member: Hashable {
            var holder: String
            var person: PersonID
        }
        var companyMembers = Set<Member>()
        var householdMembers = Set<Member>()
        /// The first record of each customer id, looked up only when an id comes twice.
        func firstRecord(of id: String) -> Customer { customers.first { $0.id == id }! }

        // Checking and normalizing addresses is independent per record: done on every core.
        let chunk = 50_000
        let addresses = stride(from: 0, to: customers.count, by: chunk).map { $0..<min($0 + chunk, customers.count) }.parallelMap { range in
            customers[range].map { customer -> (trimmed: String, normalized: String?) in
                let trimmed = EmailAddress.trimmed(customer.email)
                return (trimmed, !trimmed.isEmpty && EmailAddress.isValid(trimmed) ? EmailAddress.normalized(trimmed) : nil)
            }
        }.joined()
        for (customer, (trimmed, normalized)) in zip(customers, addresses) {
            let valid = normalized != nil
            let existing = normalized.flatMap { byEmail[$0] }
            let person = valid ? existing ?? PersonID(emails.count) : nil
            if let earlier = byCustomer.updateValue(person, forKey: customer.id) {
                byCustomer.updateValue(earlier, forKey: customer.id)
                let first = firstRecord(of: customer.id)
                warnings.append(
                    .warning(
                        at: customer.origin, path: "id",
                        "customer id \(customer.id) already appears at \(first.origin); this record is ignored"))
                continue
            }
            guard let person else {
                let problem =
                    trimmed.isEmpty
                    ? "has no e-mail address; skipped (kisictl identifies people by e-mail)"
                    : "has an invalid e-mail address; skipped"
                let record = SkippedRecord(
                    at: customer.origin, trimmed.isEmpty ? .missingEmail : .invalidEmail, meantEmail: EmailAddress.meant(trimmed),
                    customerID: customer.id)
                warnings.append(.skipped(record, path: "email", "customer #\(customer.id) \(problem)"))
                continue
            }
            if let existing {
                let first = firstCustomerIDs[Int(existing.index)] ?? "?"
                let firstRecord = firstRecord(of: first)
                if firstRecord.origin.file == customer.origin.file {
                    warnings.append(
                        .warning(
                            at: customer.origin, path: "email",
                            "customers #\(first) and #\(customer.id) share one e-mail address: treated as one person"))
                } else if firstRecord.name.trimmingWhitespace().lowercased() != customer.name.trimmingWhitespace().lowercased() {
                    // Two sources (a platform and a staff sheet) describe one person: expected,
                    // unless they disagree about who it is.
                    warnings.append(
                        .warning(
                            at: customer.origin, path: "name",
                            "customers #\(first) and #\(customer.id) have one e-mail address but different names: two sources describe the person differently; treated as one person"
                        ))
                }
                extraCustomerIDs[existing, default: []].append(customer.id)
            } else {
                add(email: trimmed, normalized: normalized!, name: customer.name.isEmpty ? nil : customer.name, customerID: customer.id)
            }
            if let company = customer.companyID, !company.isEmpty, companyMembers.insert(Member(holder: company, person: person)).inserted {
                byCompany[company, default: []].append(person)
            }
            if let household = customer.householdID, householdMembers.insert(Member(holder: household, person: person)).inserted {
                byHousehold[household, default: []].append(person)
            }
        }

        for booking in data.bookings {
            for (position, invitee) in booking.invitees.enumerated() {
                let trimmed = EmailAddress.trimmed(invitee)
                guard EmailAddress.isValid(trimmed) else {
                    warnings.append(
                        .skipped(
                            SkippedRecord(at: booking.origin, .invalidInvitee, meantEmail: EmailAddress.meant(trimmed)), path: "invitees",
                            "booking #\(booking.id): invitee \(position + 1) is not a valid e-mail address; skipped"))
                    continue
                }
                let normalized = EmailAddress.normalized(trimmed)
                if byEmail[normalized] == nil {
                    add(email: trimmed, normalized: normalized, name: nil, customerID: nil)
                }
            }
        }
        for email in alsoEmails {
            let trimmed = EmailAddress.trimmed(email), normalized = EmailAddress.normalized(trimmed)
            if byEmail[normalized] == nil {
                add(email: trimmed, normalized: normalized, name: nil, customerID: nil)
            }
        }
    }

    private mutating func add(email: String, normalized: String, name: String?, customerID: String?) {
        byEmail[normalized] = PersonID(emails.count)
        emails.append(email)
        normalizedEmails.append(normalized)
        names.append(name)
        firstCustomerIDs.append(customerID)
    }

    public var count: Int { emails.count }

    /// Everyone, in id order.
    public var people: [Person] { (0..<count).map { person(PersonID($0)) } }

    public func person(_ id: PersonID) -> Person {
        let index = Int(id.index)
        return Person(
            id: id, email: emails[index], normalizedEmail: normalizedEmails[index], name: names[index],
            customerIDs: firstCustomerIDs[index].map { [$0] + (extraCustomerIDs[id] ?? []) } ?? [])
    }

    // Single fields, without building a whole person (hot in large plans).
    public func email(of id: PersonID) -> String { emails[Int(id.index)] }
    public func normalizedEmail(of id: PersonID) -> String { normalizedEmails[Int(id.index)] }
    public func name(of id: PersonID) -> String? { names[Int(id.index)] }

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

    public func person(customerID: String) -> PersonID? { byCustomer[customerID] ?? nil }

    /// Whether the person has a customer record (else they are known only as an invitee or an
    /// `extra` grant).
    public func isCustomer(_ id: PersonID) -> Bool { firstCustomerIDs[Int(id.index)] != nil }

    /// Whether the customer export has this id at all (with a usable address or not).
    public func hasCustomer(_ customerID: String) -> Bool { byCustomer[customerID] != nil }

    /// People who are customers of a company, for company memberships.
    public func people(company: String) -> [PersonID] { byCompany[company] ?? [] }

    /// People of a household, for household memberships.
    public func people(household: String) -> [PersonID] { byHousehold[household] ?? [] }
}
