import AccessModel
import AccessRules
import JSONSupport

/// What `kisictl explain EMAIL` shows: for one person, every managed group, whether they should
/// have access, the window, and the reasons.
public struct Explanation: Sendable {
    public enum State: String, Sendable {
        /// The grant holds at the instant.
        case current
        /// A grant written now with a later `valid_from` (within the look-ahead).
        case upcoming
        /// No grant.
        case none
    }

    public struct Entry: Sendable {
        public var address: String
        public var name: String
        public var state: State
        public var window: AccessWindow?
        /// The grant is a Kisi guest's (`invitees: guest`), not a user's.
        public var asGuest = false
        public var reasons: [String]
        /// What Kisi holds now, when it was read.
        public var kisi: KisiRole?
        /// Whether the group's schedule lets members in, when the config declares one.
        public var hours: Hours?

        public var access: Bool { state == .current }
    }

    /// Whether a group's schedule (`schedule:`) lets the person in: at the instant, or for a
    /// grant that starts later, at its start.
    public struct Hours: Sendable, Equatable {
        /// When the grant starts later: its start, at which the hours are judged.
        public var from: Instant?
        public var state: ScheduleState
        /// Whether public holidays were known (Kisi was read).
        public var holidaysChecked: Bool
        /// The schedule does not open again before the grant ends.
        public var notBeforeGrantEnds: Bool
    }

    /// A person's role in a Kisi group as Kisi holds it now.
    public struct KisiRole: Sendable, Equatable {
        public var role: String
        public var validFrom: Instant?
        public var validUntil: Instant?

        public init(role: String, validFrom: Instant?, validUntil: Instant?) {
            self.role = role
            self.validFrom = validFrom
            self.validUntil = validUntil
        }
    }

    /// What was read from Kisi: nil when Kisi was not asked.
    public var kisiUserID: Int??

    /// Adds what Kisi holds now: the user (nil if Kisi has none) and their role per group address.
    public mutating func addKisi(userID: Int?, roles: [String: KisiRole]) {
        kisiUserID = .some(userID)
        for index in entries.indices { entries[index].kisi = roles[entries[index].address] }
    }

    static let nothingMatches = "no rule grants: no membership, registration or booking matches this group's rules"

    /// The address as asked.
    public var email: String
    public var person: Person?
    public var instant: Instant
    public var zone: SiteTimeZone
    public var exempt: Bool
    /// Managed groups, sorted by address.
    public var entries: [Entry]
    public var unmanaged: [GroupConfig]
    /// The config's group schedules with hours, by address.
    let schedules: [String: Schedule]

    public init(evaluator: AccessEvaluator, email: String, at instant: Instant) {
        self.email = email
        self.instant = instant
        zone = evaluator.config.timeZone
        let person = evaluator.directory.person(email: email)
        self.person = person
        exempt = evaluator.config.policy.exempt.contains(EmailAddress.normalized(email))
        unmanaged = evaluator.config.groups.filter { !$0.managed }
        schedules = Dictionary(
            uniqueKeysWithValues: evaluator.config.managedGroups.compactMap { group in group.schedule?.schedule.map { (group.address, $0) } })
        let decisions = person.map { evaluator.decisions(for: $0.id, at: instant) }
        entries = evaluator.config.managedGroups.enumerated().map { position, group in
            guard let decision = decisions?[position] else {
                return Entry(
                    address: group.address, name: group.name, state: .none, window: nil,
                    reasons: ["no customer record or booking invitation has this e-mail address"])
            }
            let described = decision.evidence.map { ReasonText.sentence(evaluator.reason($0), at: instant, zone: evaluator.config.timeZone) }
            guard let window = decision.window else {
                let reasons = described.isEmpty ? [Self.nothingMatches] : described.map { "no rule grants: " + $0 }
                return Entry(address: group.address, name: group.name, state: .none, window: nil, reasons: reasons)
            }
            return Entry(
                address: group.address, name: group.name, state: window.contains(instant) ? .current : .upcoming,
                window: window, asGuest: decision.asGuest, reasons: described)
        }
    }

    /// Adds, for each group the person may use and whose schedule the config declares, whether
    /// its doors open for them (`holidays`: Kisi's holiday calendars; `checked`: whether they
    /// were read).
    public mutating func addHours(holidays: @escaping @Sendable (String, Bool, Int) -> [Holiday], checked: Bool) {
        for index in entries.indices {
            guard let window = entries[index].window, let schedule = schedules[entries[index].address] else { continue }
            let calendar = ScheduleCalendar(entries: schedule.entries(.allow, in: zone), zone: zone, holidays: holidays)
            let at = max(instant, window.from)
            let state = calendar.state(at: at)
            var late = false
            if case .notInEffect(let next?) = state, let until = window.until, next >= until { late = true }
            entries[index].hours = Hours(from: at > instant ? at : nil, state: state, holidaysChecked: checked, notBeforeGrantEnds: late)
        }
    }

    /// The regions of the holiday calendars the config's group schedules name.
    public var holidayRegions: [HolidayCalendar] {
        Array(Set(schedules.values.compactMap(\.holidays))).sorted { $0.region < $1.region }
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("email", .string(email)),
            ("at", .string(instant.rfc3339)),
            ("found", .bool(person != nil)),
            ("exempt", .bool(exempt)),
        ]
        if let kisiUserID { members.append(("kisi_user_id", .int(kisiUserID))) }
        members.append(
            (
                "groups",
                .array(
                    entries.map { entry in
                        var fields: [(String, JSONValue)] = [
                            ("group", .string(entry.address)),
                            ("access", .bool(entry.access)),
                            ("state", .string(entry.state.rawValue)),
                            ("valid_from", .string(entry.window?.from.rfc3339)),
                            ("valid_until", .string(entry.window?.until?.rfc3339)),
                            ("as_guest", .bool(entry.asGuest)),
                            ("reasons", .array(entry.reasons.map(JSONValue.string))),
                            ("hours", entry.hours.map(hoursJSON) ?? .null),
                        ]
                        if kisiUserID != nil {
                            fields.append(
                                (
                                    "kisi",
                                    entry.kisi.map { role in
                                        .object([
                                            ("role", .string(role.role)), ("valid_from", .string(role.validFrom?.rfc3339)),
                                            ("valid_until", .string(role.validUntil?.rfc3339)),
                                        ])
                                    } ?? .null
                                ))
                        }
                        return .object(fields)
                    })
            ))
        return .object(members)
    }

    public var text: String {
        let local = zone.localDateTime(for: instant)
        var out = email
        if let person {
            let identity = [
                person.name,
                person.customerIDs.isEmpty ? "booking invitee" : "customer " + person.customerIDs.map { "#\($0)" }.joined(separator: ", "),
            ]
            out += " (" + identity.compactMap { $0 }.joined(separator: "; ") + ")"
        } else {
            out += " (not in the member data)"
        }
        out += "\nat \(instant.rfc3339) (\(local.displayString) \(zone.offsetDescription(at: instant)), \(zone.identifier))\n"
        if exempt { out += "exempt: policy.exempt lists this person, so kisictl never revokes their access\n" }
        for entry in entries {
            out += "\n\(entry.address) (\(entry.name))\n"
            switch entry.state {
            case .current: out += "  access: yes\(entry.asGuest ? " (as a Kisi guest)" : ""), \(windowText(entry.window!))\n"
            case .upcoming: out += "  access: not yet; granted in advance\(entry.asGuest ? " (as a Kisi guest)" : ""), \(windowText(entry.window!))\n"
            case .none where entry.reasons == [Self.nothingMatches]:
                out += "  access: no (no membership, registration or booking matches its rules)\n"
                if kisiUserID != nil { out += "  in Kisi now: \(kisiText(entry.kisi))\n" }
                continue
            case .none: out += "  access: no\n"
            }
            for reason in entry.reasons { out += "    - \(reason)\n" }
            if let hours = entry.hours { out += "  hours: \(hoursText(hours))\n" }
            if kisiUserID != nil { out += "  in Kisi now: \(kisiText(entry.kisi))\n" }
        }
        if !unmanaged.isEmpty {
            out += "\nunmanaged (kisictl does not change them): " + unmanaged.map(\.address).joined(separator: ", ") + "\n"
        }
        return out
    }

    private func hoursJSON(_ hours: Hours) -> JSONValue {
        var open = false, until: Instant?, next: Instant?
        switch hours.state {
        case .inEffect(let end):
            open = true
            until = end
        case .notInEffect(let time): next = hours.notBeforeGrantEnds ? nil : time
        }
        return .object([
            ("open", .bool(open)), ("at", .string((hours.from ?? instant).rfc3339)), ("until", .string(until?.rfc3339)),
            ("next_open", .string(next?.rfc3339)), ("holidays_checked", .bool(hours.holidaysChecked)),
        ])
    }

    /// "open now, until 2026-11-23 23:00 (the group's schedule)", "closed now by the group's
    /// schedule; opens 2026-11-24 06:00".
    private func hoursText(_ hours: Hours) -> String {
        let when = hours.from.map { "at the grant's start (\(zone.localDateTime(for: $0).displayString))" } ?? "now"
        var text: String
        switch hours.state {
        case .inEffect(let until):
            text = "the group's schedule lets them in \(when), until \(zone.localDateTime(for: until).displayString)"
        case .notInEffect(let next):
            text = "the group's schedule keeps its doors closed to them \(when)"
            if hours.notBeforeGrantEnds {
                text += "; it does not open again before the grant ends"
            } else if let next {
                text += "; next open \(zone.localDateTime(for: next).displayString)"
            } else {
                text += "; not open within 14 days"
            }
        }
        if !hours.holidaysChecked { text += " (public holidays not checked: Kisi was not read)" }
        return text
    }

    private func kisiText(_ role: KisiRole?) -> String {
        guard case .some(let user) = kisiUserID, user != nil else { return "no Kisi user has this e-mail address" }
        guard let role else { return "no role in this group" }
        let from = role.validFrom.map { "from \(zone.localDateTime(for: $0).displayString)" } ?? "from the start"
        let until = role.validUntil.map { "until \(zone.localDateTime(for: $0).displayString)" } ?? "with no end"
        return "\(role.role), \(from) \(until)"
    }

    private func windowText(_ window: AccessWindow) -> String {
        let from = zone.localDateTime(for: window.from).displayString
        guard let until = window.until else { return "from \(from), no end" }
        return "from \(from) until \(zone.localDateTime(for: until).displayString)"
    }
}
