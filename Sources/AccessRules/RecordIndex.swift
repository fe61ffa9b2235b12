import AccessModel

/// Member data rearranged for evaluation: each person's records in flat lists, every time
/// resolved to an instant once, statuses in compact arrays, and names interned so rules match
/// integers instead of strings. Evaluating never touches the record structs themselves.
struct RecordIndex: Sendable {
    /// Per person: their memberships (their companies' included), registrations, bookings made,
    /// and bookings they are invited to.
    var memberships: PersonLists
    var registrations: PersonLists
    var bookings: PersonLists
    var invitations: PersonLists

    /// Per membership: [start of starts_on, start of the day after ends_on) in the site's zone.
    var membershipSpans: [Span]
    var registrationSpans: [Span]
    var bookingSpans: [Span]

    var membershipStatus: [Membership.Status]
    /// Sessions left; -1 for unlimited.
    var membershipSessions: [Int32]
    var registrationKind: [Registration.Kind]
    var registrationStatus: [Registration.Status]
    var bookingStatus: [Booking.Status]

    var membershipTypes: Interner
    var membershipTypeOf: [Int32]
    var sessionNames: Interner
    var sessionNameOf: [Int32]
    /// Resource keys are `type:name`, lower-cased.
    var resourceKeys: Interner
    var resourceKeyOf: [Int32]

    /// Per membership: its holds, in order of start.
    var membershipHolds: PersonLists
    /// Per hold: [start of starts_on, start of the day after ends_on).
    var holdSpans: [Span]
    /// Per membership: when its block began (`blocked_since`); ``Span/open`` when not given.
    var blockedSince: [Int64]

    /// The tags rules name, trimmed and lower-cased: bit `i` of a person's tag words is tag `i`.
    let ruleTags: [String]
    /// 64-bit words per person (0 when no rule names a tag).
    let tagWords: Int
    /// Per person, `tagWords` words: which of the rule tags any of their customer records carries.
    var personTagBits: [UInt64]
    /// The rule tags some customer carries, as words.
    var presentTagBits: [UInt64]
    /// Per person: the birth date (days since the epoch) of their first customer record having
    /// one; ``RecordIndex/noBirthDate`` when none has.
    var birthDays: [Int64]
    static let noBirthDate = Int64.min

    /// Records naming a customer id, company, household or membership nobody has.
    var warnings: [Diagnostic] = []

    /// - Parameter ruleTags: the tags rules name, trimmed and lower-cased, each once.
    init(data: MemberData, directory: PeopleDirectory, zone: SiteTimeZone, ruleTags: [String] = []) {
        self.ruleTags = ruleTags
        tagWords = (ruleTags.count + 63) / 64
        // The three kinds of record, the holds and the people's tags and ages are indexed
        // independently, on every core.
        enum Task {
            case records(Part.Kind)
            case holds, people
        }
        enum Indexed {
            case records(Part.Finished)
            case holds(Holds)
            case people(PersonAttributes)
        }
        let tasks: [Task] = [.records(.memberships), .records(.registrations), .records(.bookings), .holds, .people]
        let indexed = tasks.parallelMap { task -> Indexed in
            switch task {
            case .records(let kind):
                var part = Part(directory: directory, zone: zone)
                switch kind {
                case .memberships: part.index(data.memberships)
                case .registrations: part.index(data.registrations)
                case .bookings: part.index(data.bookings)
                }
                return .records(part.finished())
            case .holds: return .holds(Holds(data: data, zone: zone))
            case .people: return .people(PersonAttributes(data: data, directory: directory, ruleTags: ruleTags))
            }
        }
        guard case .records(let m) = indexed[0], case .records(let r) = indexed[1], case .records(let b) = indexed[2],
            case .holds(let holds) = indexed[3], case .people(let people) = indexed[4]
        else { preconditionFailure("results come in the order of their tasks") }
        memberships = m.owners
        membershipSpans = m.spans
        membershipStatus = data.memberships.map(\.status)
        membershipSessions = data.memberships.map { $0.sessionsRemaining.map { Int32(clamping: $0) } ?? -1 }
        membershipTypes = m.names
        membershipTypeOf = m.nameOf
        registrations = r.owners
        registrationSpans = r.spans
        registrationKind = data.registrations.map(\.kind)
        registrationStatus = data.registrations.map(\.status)
        sessionNames = r.names
        sessionNameOf = r.nameOf
        bookings = b.owners
        invitations = b.invitations
        bookingSpans = b.spans
        bookingStatus = data.bookings.map(\.status)
        resourceKeys = b.names
        resourceKeyOf = b.nameOf
        membershipHolds = holds.lists
        holdSpans = holds.spans
        blockedSince = holds.blockedSince
        personTagBits = people.tagBits
        presentTagBits = people.presentTagBits
        birthDays = people.birthDays
        warnings = m.warnings + r.warnings + b.warnings + holds.warnings
    }

    /// Holds by membership, and when blocked memberships were blocked.
    struct Holds {
        var lists: PersonLists
        var spans: [Span]
        var blockedSince: [Int64]
        var warnings: [Diagnostic] = []

        init(data: MemberData, zone: SiteTimeZone) {
            var zone = ZoneCache(zone)
            blockedSince = data.memberships.map { $0.blockedSince.map { zone.instant($0) } ?? Span.open }
            var builder = PersonLists.Builder(people: data.memberships.count)
            spans = []
            guard !data.holds.isEmpty else {
                lists = builder.build()
                return
            }
            // Only the memberships holds name are looked for: -1 until found (the first of an id).
            var membershipIndex: [String: Int32] = [:]
            for hold in data.holds { membershipIndex[hold.membershipID] = -1 }
            for (position, membership) in data.memberships.enumerated() where membershipIndex[membership.id] == -1 {
                membershipIndex[membership.id] = Int32(position)
            }
            spans.reserveCapacity(data.holds.count)
            // Added in order of start, so each membership's list is sorted.
            let order = data.holds.indices.sorted { (data.holds[$0].startsOn, $0) < (data.holds[$1].startsOn, $1) }
            var spanOf = [Span](repeating: Span(from: 0, until: 0), count: data.holds.count)
            for position in order {
                let hold = data.holds[position]
                spanOf[position] = Span(from: zone.startOfDay(hold.startsOn), until: zone.startOfDay(hold.endsOn.adding(days: 1)))
                guard let membership = membershipIndex[hold.membershipID], membership >= 0 else {
                    warnings.append(
                        .warning(
                            at: hold.origin, path: "membership_id",
                            "hold #\(hold.id): membership_id \(hold.membershipID) matches no membership; the hold is ignored"))
                    continue
                }
                builder.add(Int32(position), toOwner: membership)
            }
            spans = spanOf
            lists = builder.build()
        }
    }

    /// What rules ask of a person beside their records: the rule tags they carry, as bits (a
    /// condition is then a mask test), and their birth date.
    struct PersonAttributes {
        var tagBits: [UInt64]
        var presentTagBits: [UInt64]
        var birthDays: [Int64]

        init(data: MemberData, directory: PeopleDirectory, ruleTags: [String]) {
            let words = (ruleTags.count + 63) / 64
            tagBits = [UInt64](repeating: 0, count: directory.count * words)
            presentTagBits = [UInt64](repeating: 0, count: words)
            birthDays = [Int64](repeating: RecordIndex.noBirthDate, count: directory.count)
            let ruleTag = Dictionary(uniqueKeysWithValues: ruleTags.enumerated().map { ($1, $0) })
            // Each spelling is normalized once: exports repeat the same few tags.
            var bitOf: [String: Int] = [:]
            for customer in data.customers where (words > 0 && !customer.tags.isEmpty) || customer.birthDate != nil {
                guard let person = directory.person(customerID: customer.id) else { continue }
                let p = Int(person.index)
                if let birth = customer.birthDate, birthDays[p] == RecordIndex.noBirthDate { birthDays[p] = birth.daysSinceEpoch }
                guard words > 0 else { continue }
                for tag in customer.tags {
                    let bit =
                        bitOf[tag]
                        ?? {
                            let bit = ruleTag[RecordIndex.key(tag)] ?? -1
                            bitOf[tag] = bit
                            return bit
                        }()
                    guard bit >= 0 else { continue }
                    tagBits[p * words + bit / 64] |= 1 << UInt64(bit % 64)
                    presentTagBits[bit / 64] |= 1 << UInt64(bit % 64)
                }
            }
        }
    }

    /// The index of one kind of record, built record by record: owners, time spans and one
    /// interned name per record.
    private struct Part {
        enum Kind { case memberships, registrations, bookings }

        let directory: PeopleDirectory
        var zone: ZoneCache
        var owners: PersonLists.Builder
        var invitations: PersonLists.Builder
        var spans: [Span] = []
        var names = Interner()
        var nameOf: [Int32] = []
        var warnings: [Diagnostic] = []

        /// A finished part: its lists laid out, its builders' scratch freed.
        struct Finished {
            var owners: PersonLists
            var invitations: PersonLists
            var spans: [Span]
            var names: Interner
            var nameOf: [Int32]
            var warnings: [Diagnostic]
        }

        consuming func finished() -> Finished {
            Finished(owners: owners.build(), invitations: invitations.build(), spans: spans, names: names, nameOf: nameOf, warnings: warnings)
        }

        init(directory: PeopleDirectory, zone: SiteTimeZone) {
            self.directory = directory
            self.zone = ZoneCache(zone)
            owners = PersonLists.Builder(people: directory.count)
            invitations = PersonLists.Builder(people: directory.count)
        }

        /// Adds the next record: its name, its span, and its customer's list (or a warning that
        /// no person has that customer id; nil for records that name no customer).
        mutating func add(name: String, span: Span, customer: String?, record: @autoclosure () -> String, at origin: SourceLocation) {
            let index = Int32(spans.count)
            nameOf.append(names.id(name))
            spans.append(span)
            guard let customer else { return }
            if let person = directory.person(customerID: customer) {
                owners.add(index, to: person)
            } else {
                warnings.append(RecordIndex.unknownCustomer(customer, known: directory.hasCustomer(customer), record: record(), at: origin))
            }
        }

        mutating func index(_ records: [Membership]) {
            spans.reserveCapacity(records.count)
            for membership in records {
                let start = zone.startOfDay(membership.startsOn)
                let end = membership.endsOn.map { zone.startOfDay($0.adding(days: 1)) } ?? Span.open
                let customer: String?
                switch membership.holder {
                case .customer(let id): customer = id
                case .company(let holder), .household(let holder):
                    customer = nil
                    let isCompany = if case .company = membership.holder { true } else { false }
                    let people = isCompany ? directory.people(company: holder) : directory.people(household: holder)
                    if people.isEmpty {
                        let (kind, field) = isCompany ? ("company", "company_id") : ("household", "household_id")
                        warnings.append(
                            .warning(
                                at: membership.origin, path: field,
                                "\(kind) membership #\(membership.id): no customer has \(field) \(holder); it grants nobody"))
                    }
                    for person in people { owners.add(Int32(spans.count), to: person) }
                }
                add(
                    name: membership.type, span: Span(from: start, until: end), customer: customer,
                    record: "membership #\(membership.id)", at: membership.origin)
            }
        }

        mutating func index(_ records: [Registration]) {
            spans.reserveCapacity(records.count)
            for registration in records {
                let span = Span(from: zone.instant(registration.startsAt), until: zone.instant(registration.endsAt))
                add(
                    name: registration.session, span: span, customer: registration.customerID,
                    record: "registration #\(registration.id)", at: registration.origin)
            }
        }

        mutating func index(_ records: [Booking]) {
            spans.reserveCapacity(records.count)
            for booking in records {
                let index = Int32(spans.count)
                var invited: [PersonID] = []
                for invitee in booking.invitees {
                    guard let person = directory.person(email: invitee)?.id, !invited.contains(person) else { continue }
                    invited.append(person)
                    invitations.add(index, to: person)
                }
                let span = Span(from: zone.instant(booking.startsAt), until: zone.instant(booking.endsAt))
                add(
                    name: booking.resourceType.rawValue + ":" + booking.resource, span: span, customer: booking.customerID,
                    record: "booking #\(booking.id)", at: booking.origin)
            }
        }
    }

    static func key(_ name: String) -> String { name.trimmingWhitespace().lowercased() }

    /// A record whose customer is missing from the export (counted as skipped), or was skipped
    /// itself (already counted once, with the customer).
    fileprivate static func unknownCustomer(_ customer: String, known: Bool, record: String, at origin: SourceLocation) -> Diagnostic {
        known
            ? .warning(at: origin, path: "customer_id", "\(record): customer #\(customer) was skipped, so this record is too")
            : .skipped(
                SkippedRecord(at: origin, .unknownCustomer, customerID: customer), path: "customer_id",
                "\(record): customer_id \(customer) matches no customer in the export; skipped")
    }
}

/// The site's zone with its answers remembered: exports repeat the same days and times, and
/// each conversion asks the system's time zone database several times.
struct ZoneCache {
    let zone: SiteTimeZone
    private var instants: [Int64: Int64] = [:]

    init(_ zone: SiteTimeZone) { self.zone = zone }

    mutating func instant(_ moment: Moment) -> Int64 {
        switch moment {
        case .instant(let instant): return instant.secondsSinceEpoch
        case .local(let local): return instant(local)
        }
    }

    mutating func instant(_ local: LocalDateTime) -> Int64 {
        if let known = instants[local.secondsSinceEpoch] { return known }
        let value = zone.instant(for: local).secondsSinceEpoch
        instants[local.secondsSinceEpoch] = value
        return value
    }

    mutating func startOfDay(_ date: LocalDate) -> Int64 { instant(LocalDateTime(date: date)) }
}

/// Record indexes per person (or per membership, for its holds), in one flat array (compressed
/// rows): no array per owner.
struct PersonLists: Sendable {
    /// `items[offsets[p] ..< offsets[p + 1]]` are person p's records.
    private let offsets: [Int32]
    private let items: [Int32]

    subscript(person: Int) -> ArraySlice<Int32> {
        items[Int(offsets[person])..<Int(offsets[person + 1])]
    }

    /// Whether an owner has no records, without making a slice (no retain of the storage).
    func isEmpty(_ owner: Int) -> Bool { offsets[owner] == offsets[owner + 1] }

    /// Collects (record, person) pairs in record order, then lays them out by person.
    struct Builder {
        private var pairs: [(person: Int32, record: Int32)] = []
        private let people: Int

        init(people: Int) { self.people = people }

        mutating func add(_ record: Int32, to person: PersonID) {
            pairs.append((person.index, record))
        }

        mutating func add(_ record: Int32, toOwner owner: Int32) {
            pairs.append((owner, record))
        }

        func build() -> PersonLists {
            var offsets = [Int32](repeating: 0, count: people + 1)
            for pair in pairs { offsets[Int(pair.person) + 1] += 1 }
            for person in 0..<people { offsets[person + 1] += offsets[person] }
            var next = offsets
            var items = [Int32](repeating: 0, count: pairs.count)
            for pair in pairs {
                items[Int(next[Int(pair.person)])] = pair.record
                next[Int(pair.person)] += 1
            }
            return PersonLists(offsets: offsets, items: items)
        }
    }
}

/// A half-open interval of seconds since the epoch; `until == Span.open` means no end.
struct Span: Hashable, Sendable {
    static let open = Int64.max
    /// A start long past: a window that has always been open (an `extra` grant without `from`).
    static let beginning = Int64(-62_135_596_800)

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
