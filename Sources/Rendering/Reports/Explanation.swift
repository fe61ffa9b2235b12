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

        public var access: Bool { state == .current }
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

    public init(evaluator: AccessEvaluator, email: String, at instant: Instant) {
        self.email = email
        self.instant = instant
        zone = evaluator.config.timeZone
        let person = evaluator.directory.person(email: email)
        self.person = person
        exempt = evaluator.config.policy.exempt.contains(EmailAddress.normalized(email))
        unmanaged = evaluator.config.groups.filter { !$0.managed }
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
            if kisiUserID != nil { out += "  in Kisi now: \(kisiText(entry.kisi))\n" }
        }
        if !unmanaged.isEmpty {
            out += "\nunmanaged (kisictl does not change them): " + unmanaged.map(\.address).joined(separator: ", ") + "\n"
        }
        return out
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
