import AccessModel
import Foundation
import Yams

/// The YAML description of the Kisi organization a sandbox starts with (`sandbox.yaml`):
///
/// ```yaml
/// organization: {name: Riverside Studio Ltd, domain: riverside-studio, time_zone: Europe/London}
/// api_keys:
///   - {key: sandbox-studio-key, user: owner@example.com, role: owner}
/// places:
///   - name: Riverside Studio
///     address: 12 River Lane, London
///     locks: [Front Door, Studio 1]
/// users:
///   - {email: owner@example.com, name: Studio Owner}
/// groups:
///   - name: Unlimited 6am-11pm
///     place: Riverside Studio
///     locks: [Front Door, Studio 1]
///     members: [bilal.haddad@example.org, {email: ana@example.com, valid_until: 2026-11-20T00:00:00Z}]
///     managers: [owner@example.com]
/// integrations:
///   - {name: Staff directory, type: active_directory_user_import, group: Staff}
/// teams:                                        # role holders that are not users
///   - {name: Cleaners, members: [cleaner@example.com]}
/// guests:
///   - {name: Pat Visitor, email: pat@example.net}
/// ```
///
/// A group may also give roles to `teams` and `guests` by name; a member may carry `created_by`
/// (another user's e-mail, or `marketplace:ID`) and `created_at`, to stand for roles another
/// tool wrote. `emulate: {patch_ignores_validity: true}` makes a Kisi that ignores the validity
/// fields of `PATCH /role_assignments/{id}`.
///
/// Users named only as members, managers or key owners are created with a name made from their
/// address. Unknown keys are errors, so a typo cannot silently leave state out.
public struct SandboxSeed: Decodable, Sendable {
    struct Organization: Decodable, Sendable {
        var name: String
        var domain: String?
        var timeZone: String?
        var scimEnabled: Bool

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, domain
            case timeZone = "time_zone"
            case scimEnabled = "scim_enabled"
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            domain = try container.decodeIfPresent(String.self, forKey: .domain)
            timeZone = try container.decodeIfPresent(String.self, forKey: .timeZone)
            scimEnabled = try container.decodeIfPresent(Bool.self, forKey: .scimEnabled) ?? false
        }
    }

    struct APIKey: Decodable, Sendable {
        var key: String
        var user: String
        var role: APIKeyRecord.Role

        enum CodingKeys: String, CodingKey, CaseIterable { case key, user, role }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            key = try container.decode(String.self, forKey: .key)
            user = try container.decode(String.self, forKey: .user)
            role = try container.decodeIfPresent(APIKeyRecord.Role.self, forKey: .role) ?? .owner
        }
    }

    struct Place: Decodable, Sendable {
        var name: String
        var description: String?
        var address: String?
        var timeZone: String?
        var latitude: Double?
        var longitude: Double?
        var locks: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, description, address
            case timeZone = "time_zone"
            case latitude, longitude, locks
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            address = try container.decodeIfPresent(String.self, forKey: .address)
            timeZone = try container.decodeIfPresent(String.self, forKey: .timeZone)
            latitude = try container.decodeIfPresent(Double.self, forKey: .latitude)
            longitude = try container.decodeIfPresent(Double.self, forKey: .longitude)
            locks = try container.decodeIfPresent([String].self, forKey: .locks) ?? []
        }
    }

    struct User: Decodable, Sendable {
        var email: String
        var name: String?
        var notes: String?
        var accessEnabled: Bool
        var password: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case email, name, notes
            case accessEnabled = "access_enabled"
            case password
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            email = try container.decode(String.self, forKey: .email)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            notes = try container.decodeIfPresent(String.self, forKey: .notes)
            accessEnabled = try container.decodeIfPresent(Bool.self, forKey: .accessEnabled) ?? true
            password = try container.decodeIfPresent(String.self, forKey: .password)
        }
    }

    /// A role in a group: an e-mail, or a mapping with the validity window.
    struct Member: Decodable, Sendable {
        var email: String
        var validFrom: String?
        var validUntil: String?
        /// Another writer of this role: a user's e-mail, or `marketplace:ID`.
        var createdBy: String?
        var createdAt: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case email
            case validFrom = "valid_from"
            case validUntil = "valid_until"
            case createdBy = "created_by"
            case createdAt = "created_at"
        }

        init(from decoder: any Decoder) throws {
            if let email = try? decoder.singleValueContainer().decode(String.self) {
                self.email = email
                return
            }
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            email = try container.decode(String.self, forKey: .email)
            validFrom = try container.decodeIfPresent(String.self, forKey: .validFrom)
            validUntil = try container.decodeIfPresent(String.self, forKey: .validUntil)
            createdBy = try container.decodeIfPresent(String.self, forKey: .createdBy)
            createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
        }
    }

    struct Team: Decodable, Sendable {
        var name: String
        /// Users by e-mail; guests by name.
        var members: [String]
        var guests: [String]

        enum CodingKeys: String, CodingKey, CaseIterable { case name, members, guests }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            members = try container.decodeIfPresent([String].self, forKey: .members) ?? []
            guests = try container.decodeIfPresent([String].self, forKey: .guests) ?? []
        }
    }

    struct Guest: Decodable, Sendable {
        var name: String
        var email: String?
        var phoneNumber: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, email
            case phoneNumber = "phone_number"
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            email = try container.decodeIfPresent(String.self, forKey: .email)
            phoneNumber = try container.decodeIfPresent(String.self, forKey: .phoneNumber)
        }
    }

    struct Group: Decodable, Sendable {
        var name: String
        var description: String?
        var place: String?
        var locks: [String]
        var members: [Member]
        var managers: [String]
        /// Teams and guests (by name) holding `group_basic` roles.
        var teams: [String]
        var guests: [String]
        /// Access hours set by hand in Kisi's dashboard: days (`mon-fri`) to hours
        /// (`"06:00-23:00"`), each a recurring `allow` schedule, with the time restriction on.
        var hours: [String: String]

        enum CodingKeys: String, CodingKey, CaseIterable { case name, description, place, locks, members, managers, teams, guests, hours }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            place = try container.decodeIfPresent(String.self, forKey: .place)
            locks = try container.decodeIfPresent([String].self, forKey: .locks) ?? []
            members = try container.decodeIfPresent([Member].self, forKey: .members) ?? []
            managers = try container.decodeIfPresent([String].self, forKey: .managers) ?? []
            teams = try container.decodeIfPresent([String].self, forKey: .teams) ?? []
            guests = try container.decodeIfPresent([String].self, forKey: .guests) ?? []
            hours = try container.decodeIfPresent([String: String].self, forKey: .hours) ?? [:]
        }
    }

    struct Integration: Decodable, Sendable {
        var name: String
        var type: String
        var group: String?
        var place: String?
        var enabled: Bool

        enum CodingKeys: String, CodingKey, CaseIterable { case name, type, group, place, enabled }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            type = try container.decode(String.self, forKey: .type)
            group = try container.decodeIfPresent(String.self, forKey: .group)
            place = try container.decodeIfPresent(String.self, forKey: .place)
            enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        }
    }

    var organization: Organization
    var apiKeys: [APIKey]
    var places: [Place]
    var users: [User]
    var groups: [Group]
    var integrations: [Integration]
    var teams: [Team]
    var guests: [Guest]
    /// When the seeded objects were created (`created_at`), so a seed gives the same state each time.
    var createdAt: String
    /// The sandbox world's fixed "now", if any (see ``SandboxState/clock``).
    var clock: String?
    var emulation: Emulation

    enum CodingKeys: String, CodingKey, CaseIterable {
        case organization
        case apiKeys = "api_keys"
        case places, users, groups, integrations, teams, guests
        case createdAt = "created_at"
        case clock
        case emulate
    }

    struct EmulationKeys: Decodable {
        var patchIgnoresValidity: Bool

        enum CodingKeys: String, CodingKey, CaseIterable { case patchIgnoresValidity = "patch_ignores_validity" }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            patchIgnoresValidity = try container.decodeIfPresent(Bool.self, forKey: .patchIgnoresValidity) ?? false
        }
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        organization = try container.decode(Organization.self, forKey: .organization)
        apiKeys = try container.decodeIfPresent([APIKey].self, forKey: .apiKeys) ?? []
        places = try container.decodeIfPresent([Place].self, forKey: .places) ?? []
        users = try container.decodeIfPresent([User].self, forKey: .users) ?? []
        groups = try container.decodeIfPresent([Group].self, forKey: .groups) ?? []
        integrations = try container.decodeIfPresent([Integration].self, forKey: .integrations) ?? []
        teams = try container.decodeIfPresent([Team].self, forKey: .teams) ?? []
        guests = try container.decodeIfPresent([Guest].self, forKey: .guests) ?? []
        createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt) ?? "2026-01-01T00:00:00.000Z"
        clock = try container.decodeIfPresent(String.self, forKey: .clock)
        let emulate = try container.decodeIfPresent(EmulationKeys.self, forKey: .emulate)
        emulation = Emulation(patchIgnoresValidity: emulate?.patchIgnoresValidity ?? false)
    }

    /// Reads a seed file; errors name the file and the key path.
    public static func load(path: String) throws -> SandboxSeed {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SandboxError.invalidSeed(path, "cannot read the file")
        }
        do {
            return try YAMLDecoder().decode(SandboxSeed.self, from: text)
        } catch let error as DecodingError {
            throw SandboxError.invalidSeed(path, Self.describe(error))
        } catch {
            throw SandboxError.invalidSeed(path, "\(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// The organization this seed describes, ready to serve.
    public func state() throws -> SandboxState {
        let time = createdAt
        var state = SandboxState(
            organization: OrganizationRecord(
                id: 1, name: organization.name, domain: organization.domain ?? Self.slug(organization.name),
                timeZone: organization.timeZone ?? places.first?.timeZone ?? "UTC", userID: nil, createdAt: time, updatedAt: time,
                scimEnabled: organization.scimEnabled ? true : nil))
        state.emulation = emulation

        var usersByEmail: [String: Int] = [:]
        func user(_ email: String) -> Int {
            let key = email.lowercased()
            if let existing = usersByEmail[key] { return existing }
            let record = UserRecord(
                id: state.nextID("user"), name: Self.name(from: email), email: email, notes: nil, accessEnabled: true,
                passwordFlowEnabled: false, confirmed: true, sendEmails: false, createdAt: time, updatedAt: time)
            state.users.append(record)
            usersByEmail[key] = record.id
            return record.id
        }
        func place(_ name: String, for what: String) throws -> PlaceRecord {
            guard let place = state.places.first(where: { $0.name == name }) else {
                throw SandboxError.invalidSeed(what, "place \"\(name)\" is not among the seed's places")
            }
            return place
        }

        if let clock {
            state.clock = try Self.time(clock, "clock")
        }
        for seeded in users {
            let id = user(seeded.email)
            let index = state.users.index(of: id)!
            if let name = seeded.name { state.users[index].name = name }
            state.users[index].notes = seeded.notes
            state.users[index].accessEnabled = seeded.accessEnabled
            state.users[index].password = seeded.password
        }
        for key in apiKeys {
            state.apiKeys.append(APIKeyRecord(key: key.key, userID: user(key.user), role: key.role))
        }
        state.organization.userID = state.apiKeys.first { $0.role == .owner }?.userID ?? state.apiKeys.first?.userID
        for seeded in places {
            let record = PlaceRecord(
                id: state.nextID("place"), name: seeded.name, description: seeded.description,
                address: seeded.address ?? "", latitude: seeded.latitude, longitude: seeded.longitude,
                timeZone: seeded.timeZone ?? state.organization.timeZone, createdAt: time, updatedAt: time)
            state.places.append(record)
            for lock in seeded.locks {
                state.locks.append(
                    LockRecord(
                        id: state.nextID("lock"), name: lock, description: nil, placeID: record.id,
                        createdAt: time, updatedAt: time))
            }
        }
        for seeded in guests {
            state.guests.append(
                GuestRecord(
                    id: state.nextID("guest"), name: seeded.name, email: seeded.email, phoneNumber: seeded.phoneNumber,
                    createdAt: time, updatedAt: time))
        }
        func guest(_ name: String, for what: String) throws -> Int {
            guard let found = state.guests.first(where: { $0.name == name }) else {
                throw SandboxError.invalidSeed(what, "guest \"\(name)\" is not among the seed's guests")
            }
            return found.id
        }
        for seeded in teams {
            let team = TeamRecord(id: state.nextID("team"), name: seeded.name, createdAt: time, updatedAt: time)
            state.teams.append(team)
            let members =
                seeded.members.map { Assignee.user(user($0)) }
                + (try seeded.guests.map { Assignee(kind: .guest, id: try guest($0, for: "team \(seeded.name)")) })
            for member in members {
                state.teamMemberships.append(
                    TeamMembershipRecord(
                        id: state.nextID("team_membership"), teamID: team.id, memberType: member.kind,
                        memberID: member.id, createdAt: time, updatedAt: time))
            }
        }
        for seeded in groups {
            let placeID = try seeded.place.map { try place($0, for: "group \(seeded.name)").id }
            let group = GroupRecord(
                id: state.nextID("group"), name: seeded.name, description: seeded.description,
                placeID: placeID, at: time)
            state.groups.append(group)
            for (days, hours) in seeded.hours.sorted(by: { $0.key < $1.key }) {
                guard let weekdays = Weekdays(days), let range = DayHours(hours), !range.crossesMidnight else {
                    throw SandboxError.invalidSeed("group \(seeded.name)", "hours: expected days such as mon-fri and hours such as \"06:00-23:00\"")
                }
                state.schedules.append(
                    ScheduleRecord(
                        id: state.nextID("schedule"), name: nil, enabled: true, override: false, consequence: "allow", scheduleableType: "Group",
                        scheduleableID: group.id, type: "recurring_event", weekdays: (0..<7).map { weekdays.contains(day: $0) },
                        startsAtTime: range.start.kisiText, endsAtTime: range.end.kisiText, createdAt: time, updatedAt: time))
                state.groups[state.groups.count - 1].timeRestrictionEnabled = true
            }
            for name in seeded.locks {
                let candidates = state.locks.filter { $0.name == name && (placeID == nil || $0.placeID == placeID) }
                guard candidates.count == 1 else {
                    throw SandboxError.invalidSeed(
                        "group \(seeded.name)",
                        candidates.isEmpty
                            ? "lock \"\(name)\" is not among the locks of \(seeded.place ?? "any place")"
                            : "lock \"\(name)\" is ambiguous: name the group's place")
                }
                state.groupLocks.append(
                    GroupLockRecord(
                        id: state.nextID("group_lock"), groupID: group.id, lockID: candidates[0].id,
                        createdAt: time, updatedAt: time))
            }
            let owner = state.organization.userID.map { RoleAssignmentRecord.Creator(kind: .user, id: $0) }
            let what = "group \(seeded.name)"
            var roles: [(Assignee, String, Member?)] = seeded.managers.map { (.user(user($0)), "group_manager", nil) }
            roles += seeded.members.map { (.user(user($0.email)), "group_basic", $0) }
            for name in seeded.teams {
                guard let team = state.teams.first(where: { $0.name == name }) else {
                    throw SandboxError.invalidSeed(what, "team \"\(name)\" is not among the seed's teams")
                }
                roles.append((Assignee(kind: .team, id: team.id), "group_basic", nil))
            }
            roles += try seeded.guests.map { (Assignee(kind: .guest, id: try guest($0, for: what)), "group_basic", nil) }
            var inGroup = Set<Assignee>()
            for (assignee, role, member) in roles {
                guard inGroup.insert(assignee).inserted else {
                    throw SandboxError.invalidSeed(what, "\(member?.email ?? "a role holder") is listed twice (one role per holder per group)")
                }
                let email = member?.email ?? ""
                let validFrom = try member?.validFrom.map { try Self.time($0, "\(what): valid_from of \(email)") }
                let validUntil = try member?.validUntil.map { try Self.time($0, "\(what): valid_until of \(email)") }
                let created = try member?.createdAt.map { try Self.time($0, "\(what): created_at of \(email)") } ?? time
                var creator = owner
                if let writer = member?.createdBy {
                    if writer.hasPrefix("marketplace:") {
                        guard let id = Int(writer.dropFirst("marketplace:".count)) else {
                            throw SandboxError.invalidSeed(what, "created_by of \(email): expected an e-mail or marketplace:ID, found \"\(writer)\"")
                        }
                        creator = .init(kind: .marketplaceInstallation, id: id)
                    } else {
                        creator = .init(kind: .user, id: user(writer))
                    }
                }
                state.roleAssignments.append(
                    RoleAssignmentRecord(
                        id: state.nextID("role_assignment"), roleID: role, groupID: group.id, assignee: assignee, notify: false,
                        validFrom: validFrom, validUntil: validUntil, createdBy: creator, createdAt: created, updatedAt: created))
            }
        }
        for seeded in integrations {
            let groupID = try seeded.group.map { name in
                guard let group = state.groups.first(where: { $0.name == name }) else {
                    throw SandboxError.invalidSeed("integration \(seeded.name)", "group \"\(name)\" is not among the seed's groups")
                }
                return group.id
            }
            let placeID = try seeded.place.map { try place($0, for: "integration \(seeded.name)").id }
            state.integrations.append(
                IntegrationRecord(
                    id: state.nextID("integration"), name: seeded.name, type: seeded.type,
                    enabled: seeded.enabled, groupID: groupID, placeID: placeID,
                    createdAt: time, updatedAt: time))
        }
        return state
    }

    private static func time(_ text: String, _ what: String) throws -> String {
        guard let normalized = Timestamps.normalized(text) else {
            throw SandboxError.invalidSeed(what, "expected an RFC 3339 time such as 2026-11-23T09:00:00Z, found \"\(text)\"")
        }
        return normalized
    }

    /// `bilal.haddad@example.org` → `Bilal Haddad`.
    static func name(from email: String) -> String {
        let local = email.split(separator: "@").first.map(String.init) ?? email
        return local.split(whereSeparator: { ".-_+".contains($0) }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    static func slug(_ name: String) -> String {
        name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.reduce(into: "") { text, character in
            if !(character == "-" && text.hasSuffix("-")) { text.append(character) }
        }.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }
}

struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Unknown keys are errors, with the key path and the keys that are allowed.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let allowed = Set(Keys.allCases.map(\.stringValue))
        let present = try container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue)
        if let unknown = present.first(where: { !allowed.contains($0) }) {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [AnyCodingKey(stringValue: unknown)],
                    debugDescription: "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))"))
        }
    }
}
