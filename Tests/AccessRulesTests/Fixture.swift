import AccessModel
import AccessRules
import Rendering

/// Builds member data and a config in a few lines, so each test states only what it is about.
struct Fixture {
    var zone: SiteTimeZone
    var data = MemberData()
    var groups: [GroupConfig] = []
    var policy = AccessPolicy()
    private var line = 1

    init(zone: String = "Europe/London") {
        self.zone = SiteTimeZone(identifier: zone)!
    }

    private mutating func origin(_ file: String) -> SourceLocation {
        line += 1
        return SourceLocation(file: file, line: line)
    }

    mutating func customer(
        _ id: String, _ email: String, name: String = "Member", company: String? = nil, household: String? = nil, born: String? = nil,
        tags: [String] = []
    ) {
        data.customers.append(
            Customer(
                id: id, name: name, email: email, companyID: company, householdID: household, birthDate: born.map(date), tags: tags,
                origin: origin("customers.csv")))
    }

    mutating func membership(
        _ id: String, customer: String? = nil, company: String? = nil, household: String? = nil, type: String = "Unlimited",
        status: Membership.Status = .active, starts: String, ends: String? = nil,
        sessions: Int? = nil, blockedReason: String? = nil, blockedSince: String? = nil
    ) {
        let holder: Membership.Holder = company.map { .company($0) } ?? household.map { .household($0) } ?? .customer(customer!)
        data.memberships.append(
            Membership(
                id: id, holder: holder, type: type, status: status, startsOn: date(starts),
                endsOn: ends.map(date), sessionsRemaining: sessions, blockedReason: blockedReason,
                blockedSince: blockedSince.map { TimeParsing.localDate($0).map { .local(LocalDateTime(date: $0)) } ?? moment($0) },
                origin: origin("memberships.csv")))
    }

    mutating func hold(_ id: String, membership: String, starts: String, ends: String) {
        data.holds.append(Hold(id: id, membershipID: membership, startsOn: date(starts), endsOn: date(ends), origin: origin("holds.csv")))
    }

    mutating func registration(
        _ id: String, customer: String, kind: Registration.Kind = .class, session: String,
        from: String, to: String, status: Registration.Status = .booked
    ) {
        data.registrations.append(
            Registration(
                id: id, customerID: customer, kind: kind, session: session, startsAt: moment(from),
                endsAt: moment(to), status: status, origin: origin("registrations.csv")))
    }

    mutating func booking(
        _ id: String, customer: String, type: Booking.ResourceType = .room, resource: String = "Board Room",
        from: String, to: String, status: Booking.Status = .confirmed, invitees: [String] = []
    ) {
        data.bookings.append(
            Booking(
                id: id, customerID: customer, resourceType: type, resource: resource, startsAt: moment(from),
                endsAt: moment(to), status: status, invitees: invitees, origin: origin("bookings.csv")))
    }

    mutating func group(_ address: String, managed: Bool = true, extra: [ExtraGrant] = [], _ rules: GrantRule...) {
        groups.append(GroupConfig(address: address, name: address.capitalized, managed: managed, rules: rules, extra: extra))
    }

    var config: SiteConfig {
        SiteConfig(timeZone: zone, source: .files(directory: "data"), policy: policy, groups: groups)
    }

    var evaluator: AccessEvaluator { AccessEvaluator(config: config, data: data) }

    /// An instant written as site-local time (`2026-11-23T09:00`) or with an offset.
    func at(_ text: String) -> Instant { moment(text).instant(in: zone) }

    /// The decision for one person (by e-mail) in one group, with its reasons as sentences.
    func decide(_ email: String, in group: String, at text: String) -> Outcome {
        let evaluator = self.evaluator
        let instant = at(text)
        guard let person = evaluator.directory.person(email: email) else { return Outcome(decision: nil, reasons: [], zone: zone) }
        let decision = evaluator.decision(for: person.id, in: group, at: instant)!
        return Outcome(
            decision: decision, reasons: decision.evidence.map { ReasonText.sentence(evaluator.reason($0), at: instant, zone: zone) }, zone: zone,
            instant: instant)
    }

    struct Outcome {
        var decision: AccessDecision?
        var reasons: [String]
        var zone: SiteTimeZone
        var instant = Instant(secondsSinceEpoch: 0)

        var granted: Bool { decision?.window != nil }
        var hasAccessNow: Bool { decision?.hasAccess(at: instant) ?? false }
        /// The window in site-local time: "2026-11-23 11:30 → 2026-11-23 16:30" ("…→ open" without end).
        var window: String? {
            decision?.window.map { window in
                let from = zone.localDateTime(for: window.from).displayString
                let until = window.until.map { zone.localDateTime(for: $0).displayString } ?? "open"
                return "\(from) → \(until)"
            }
        }
    }
}

func date(_ text: String) -> LocalDate { TimeParsing.localDate(text)! }
func moment(_ text: String) -> Moment { TimeParsing.moment(text)! }

extension GrantRule {
    static func memberships(
        _ types: String..., blocked: BlockedMemberships = .deny, after: TimeSpan = .zero, conditions: PersonConditions = PersonConditions()
    ) -> GrantRule {
        GrantRule(.memberships(types: types, blocked: blocked), window: RuleWindow(after: after), conditions: conditions)
    }

    static func registrations(
        kinds: [Registration.Kind] = [], sessions: [String] = [], before: TimeSpan = .zero,
        after: TimeSpan = .zero
    ) -> GrantRule {
        GrantRule(.registrations(RegistrationSelector(kinds: kinds, sessions: sessions)), window: RuleWindow(before: before, after: after))
    }

    static func bookings(
        _ resources: [ResourceSelector], before: TimeSpan = .zero, after: TimeSpan = .zero,
        invitees: Invitees = .excluded
    ) -> GrantRule {
        GrantRule(.bookings(resources), window: RuleWindow(before: before, after: after), invitees: invitees)
    }
}
