import AccessModel
import SeededRandom

/// A deterministic, realistic synthetic site: member data plus a config with many groups.
///
/// Used by benchmarks and scale tests; the same parameters always give the same site, so
/// figures measured on different days compare like with like.
public struct SyntheticSite: Sendable {
    public var config: SiteConfig
    public var data: MemberData
    /// The instant the data is dated around (site-local 09:00 on a Monday).
    public var anchor: Instant

    public struct Parameters: Sendable {
        public var customers: Int
        public var groups: Int
        public var seed: UInt64
        /// Households, ages, tags, holds and payment graces in the data, and rules using them
        /// (2.6); without, the site is exactly the one earlier benchmarks measured.
        public var operatorRules: Bool

        public init(customers: Int, groups: Int = 20, seed: UInt64 = 1, operatorRules: Bool = false) {
            self.customers = customers
            self.groups = groups
            self.seed = seed
            self.operatorRules = operatorRules
        }
    }

    static let membershipTypes = [
        "Unlimited", "Unlimited Annual", "Off-Peak", "Student", "10-Class Pack", "5-Class Pack",
        "Founding Member", "Hot Desk Monthly", "Dedicated Desk", "Team Plan", "Pool Add-on", "Weekend",
    ]
    static let sessions = [
        "Yoga Flow", "Yoga Nidra", "Pilates Core", "Pilates Reformer", "HIIT", "Spin", "Boxing", "Barre",
        "Physio Assessment", "Personal Training", "Massage", "Teacher Training Module 1",
        "Teacher Training Module 2", "Swim School", "Climbing Intro",
    ]
    static let resources: [(Booking.ResourceType, [String])] = [
        (.room, ["Board Room", "Focus Room A", "Focus Room B", "Event Hall"]),
        (.desk, (1...40).map { "Hot Desk \($0)" }),
        (.office, ["Suite 201", "Suite 202", "Suite 305"]),
        (.equipment, ["Podcast Kit", "Projector 2"]),
        (.parking, (1...20).map { "Bay \($0)" }),
    ]

    public init(_ parameters: Parameters) {
        var random = SplitMix64(seed: parameters.seed)
        let zone = SiteTimeZone(identifier: "Europe/London")!
        let today = LocalDate(year: 2026, month: 11, day: 23)!
        anchor = zone.instant(for: LocalDateTime(date: today, hour: 9))
        var data = MemberData()
        data.customers.reserveCapacity(parameters.customers)

        func day(_ offset: Int) -> LocalDate { today.adding(days: Int64(offset)) }
        func origin(_ file: String, _ line: Int) -> SourceLocation { SourceLocation(file: file, line: line) }

        let companies = max(1, parameters.customers / 200)
        // Operator data draws from its own generator, so the base site stays the same.
        var extra = SplitMix64(seed: parameters.seed &+ 0x2_6)
        for index in 0..<parameters.customers {
            let company = random.chance(0.05) ? "co-\(random.below(companies))" : nil
            var customer = Customer(
                id: "c-\(index)", name: "Member \(index)", email: "member\(index)@example.com",
                companyID: company, origin: origin("customers.csv", index + 2))
            if parameters.operatorRules {
                // One customer in ten lives in a household of three; everyone has an age; most signed the waiver.
                if index % 30 < 3 { customer.householdID = "hh-\(index / 30)" }
                customer.birthDate = today.adding(days: -Int64(365 * (8 + extra.below(60)) + extra.below(365)))
                customer.tags = (extra.chance(0.9) ? ["waiver"] : []) + (extra.chance(0.01) ? ["banned"] : [])
            }
            data.customers.append(customer)
            for _ in 0..<(1 + random.below(2)) {
                let type = Self.membershipTypes[random.below(Self.membershipTypes.count)]
                let status: Membership.Status =
                    random.chance(0.8)
                    ? .active
                    : [.paused, .blocked, .cancelled, .expired][random.below(4)]
                let start = day(-random.below(400) + (random.chance(0.03) ? 400 + random.below(10) : 0))
                let end: LocalDate? = random.chance(0.3) ? nil : start.adding(days: Int64(30 + random.below(400)))
                let pack = type.contains("Pack")
                var membership = Membership(
                    id: "m-\(data.memberships.count)", holder: .customer("c-\(index)"), type: type, status: status, startsOn: start,
                    endsOn: end, sessionsRemaining: pack ? random.below(10) : nil,
                    blockedReason: status == .blocked ? "failed payment" : nil, origin: origin("memberships.csv", data.memberships.count + 2))
                if parameters.operatorRules {
                    if status == .blocked, extra.chance(0.8) { membership.blockedSince = .local(LocalDateTime(date: day(-extra.below(14)))) }
                    if extra.chance(0.05) {
                        let holdStart = day(extra.below(21) - 10)
                        data.holds.append(
                            Hold(
                                id: "h-\(data.holds.count)", membershipID: membership.id, startsOn: holdStart,
                                endsOn: holdStart.adding(days: Int64(6 + extra.below(15))), origin: origin("holds.csv", data.holds.count + 2)))
                    }
                }
                data.memberships.append(membership)
            }
            for _ in 0..<random.below(4) {
                let start = LocalDateTime(date: day(random.below(14) - 7), hour: 6 + random.below(15), minute: [0, 15, 30, 45][random.below(4)])
                let session = Self.sessions[random.below(Self.sessions.count)]
                let kind: Registration.Kind =
                    session.hasPrefix("Teacher")
                    ? .course : (session.contains("Physio") || session.contains("Personal") || session.contains("Massage")) ? .appointment : .class
                let status: Registration.Status = random.chance(0.8) ? .booked : [.waitlisted, .cancelled, .attended, .noShow][random.below(4)]
                data.registrations.append(
                    Registration(
                        id: "r-\(data.registrations.count)", customerID: "c-\(index)", kind: kind, session: session,
                        startsAt: .local(start),
                        endsAt: .local(LocalDateTime(secondsSinceEpoch: start.secondsSinceEpoch + Int64(45 + random.below(4) * 15) * 60)),
                        status: status, origin: origin("registrations.csv", data.registrations.count + 2)))
            }
            if random.chance(0.4) {
                let (type, names) = Self.resources[random.below(Self.resources.count)]
                let start = LocalDateTime(date: day(random.below(10) - 3), hour: 7 + random.below(12), minute: [0, 30][random.below(2)])
                let invitees =
                    type == .room && random.chance(0.5)
                    ? (0..<(1 + random.below(3))).map { _ in
                        random.chance(0.5)
                            ? "member\(random.below(parameters.customers))@example.com" : "guest\(random.below(1_000_000))@partner.example"
                    }
                    : []
                data.bookings.append(
                    Booking(
                        id: "b-\(data.bookings.count)", customerID: "c-\(index)", resourceType: type, resource: names[random.below(names.count)],
                        startsAt: .local(start),
                        endsAt: .local(LocalDateTime(secondsSinceEpoch: start.secondsSinceEpoch + Int64(1 + random.below(8)) * 3600)),
                        status: random.chance(0.85) ? .confirmed : (random.chance(0.5) ? .tentative : .cancelled), invitees: invitees,
                        origin: origin("bookings.csv", data.bookings.count + 2)))
            }
        }
        for company in 0..<companies where random.chance(0.6) {
            data.memberships.append(
                Membership(
                    id: "m-\(data.memberships.count)", holder: .company("co-\(company)"), type: "Team Plan",
                    status: random.chance(0.85) ? .active : .cancelled, startsOn: day(-random.below(300)),
                    endsOn: nil, origin: origin("memberships.csv", data.memberships.count + 2)))
        }
        if parameters.operatorRules {
            for household in 0..<(parameters.customers + 29) / 30 {
                data.memberships.append(
                    Membership(
                        id: "m-\(data.memberships.count)", holder: .household("hh-\(household)"), type: "Family",
                        status: extra.chance(0.9) ? .active : .cancelled, startsOn: day(-extra.below(300)),
                        origin: origin("memberships.csv", data.memberships.count + 2)))
            }
        }
        self.data = data
        var groups = Self.groups(parameters.groups)
        if parameters.operatorRules { groups = groups.map(Self.withOperatorRules) }
        config = SiteConfig(timeZone: zone, source: .files(directory: "data"), policy: AccessPolicy(exempt: [Self.owner]), groups: groups)
    }

    /// The group's rules with 2.6's conditions: membership rules take family memberships (for
    /// people of 16 and over), a payment grace instead of `allow`, and every rule needs the
    /// waiver and refuses a ban.
    static func withOperatorRules(_ group: GroupConfig) -> GroupConfig {
        var group = group
        group.rules = group.rules.map { rule in
            var rule = rule
            if case .memberships(let types, let blocked) = rule.selector {
                rule.selector = .memberships(types: types + ["Family"], blocked: blocked == .allow ? .allowFor(.days(7)) : blocked)
                rule.conditions.minAge = 16
            }
            rule.conditions.requiredTags = ["waiver"]
            rule.conditions.blockingTags = ["banned"]
            return rule
        }
        return group
    }

    /// The site's Kisi place and its doors.
    public static let place = "Synthetic Site"
    public static let doors = ["Main Entrance"] + (1...8).map { "Zone \($0)" }
    /// The organization owner: the API key's user, exempt from revocation.
    public static let owner = "owner@example.com"

    /// Groups cycling through membership, registration and booking rules.
    static func groups(_ count: Int) -> [GroupConfig] {
        (0..<count).map { index in
            let rule: GrantRule
            switch index % 5 {
            case 0, 1:
                let types = (0..<3).map { membershipTypes[(index + $0 * 5) % membershipTypes.count] }
                rule = GrantRule(.memberships(types: types, blocked: index % 2 == 0 ? .deny : .allow), window: RuleWindow(after: .days(1)))
            case 2:
                rule = GrantRule(
                    .registrations(RegistrationSelector(kinds: [.class], sessions: ["Yoga *", "Pilates *", "HIIT", "Spin"])),
                    window: RuleWindow(before: .minutes(30), after: .minutes(15)))
            case 3:
                rule = GrantRule(
                    .registrations(RegistrationSelector(kinds: [.appointment, .course])),
                    window: RuleWindow(before: .minutes(15), after: .minutes(15)))
            default:
                let (type, _) = resources[index % resources.count]
                rule = GrantRule(
                    .bookings([ResourceSelector(type: type)]), window: RuleWindow(before: .minutes(30), after: .minutes(30)),
                    invitees: true)
            }
            return GroupConfig(
                address: "group-\(index + 1)", name: "Group \(index + 1)", place: place,
                doors: [doors[0], doors[1 + index % 8]], rules: [rule])
        }
    }
}
