/// A site's validated configuration (config language version 1): what kisictl manages and how.
public struct SiteConfig: Sendable {
    public var version: Int
    public var timeZone: SiteTimeZone
    public var kisi: KisiSettings
    public var source: SourceSpec
    public var policy: AccessPolicy
    /// Sorted by address, so every output that walks groups is stable.
    public var groups: [GroupConfig]
    /// Doors named at the top level for their own schedules, sorted by address.
    public var doors: [DoorConfig]
    /// The folder relative paths in the config are resolved against.
    public var directory: String
    /// The files the config was read from, in reading order.
    public var files: [String]

    public init(
        version: Int = 1, timeZone: SiteTimeZone, kisi: KisiSettings = KisiSettings(), source: SourceSpec,
        policy: AccessPolicy = AccessPolicy(), groups: [GroupConfig], doors: [DoorConfig] = [], directory: String = ".", files: [String] = []
    ) {
        self.doors = doors.sorted { $0.address < $1.address }
        self.version = version
        self.timeZone = timeZone
        self.kisi = kisi
        self.source = source
        self.policy = policy
        self.groups = groups.sorted { $0.address < $1.address }
        self.directory = directory
        self.files = files
    }

    public var managedGroups: [GroupConfig] { groups.filter(\.managed) }
}

/// How to reach Kisi. The API key itself is never in a file: only the variable that holds it.
public struct KisiSettings: Sendable, Hashable {
    public var apiKeyEnv: String
    /// Base URL of the Kisi API; nil means Kisi's production endpoint.
    public var endpoint: String?

    public static let defaultAPIKeyEnv = "KISI_API_KEY"

    public init(apiKeyEnv: String = KisiSettings.defaultAPIKeyEnv, endpoint: String? = nil) {
        self.apiKeyEnv = apiKeyEnv
        self.endpoint = endpoint
    }
}

/// Where member data comes from.
public enum SourceSpec: Sendable, Hashable {
    /// A folder of CSV or JSON exports, one file per entity: in kisictl's own shape, or in
    /// another platform's, read through a mapping.
    case files(directory: String, mappings: [FileMapping] = [])
    /// A program that prints every entity as one JSON object on stdout, stopped after `timeout`
    /// or once it has printed more than `maxOutput` bytes.
    case command(arguments: [String], timeout: TimeSpan, maxOutput: Int)
    /// A PostgreSQL or SQLite database, one query per entity.
    case sql(SQLSource)
    /// A REST API answering JSON, one endpoint per entity.
    case http(HTTPSource)
    /// Several sources (`sources:`), merged per person by e-mail; each record's id is prefixed
    /// with its source's name (`staff:7`), so ids of two sources never meet.
    indirect case several([NamedSource])

    public static let defaultCommandTimeout = TimeSpan.minutes(2)
    /// 256 MiB: about two million customers' rows as JSON, far below what would exhaust memory.
    public static let defaultMaxOutput = 256 << 20
    /// The largest `max_output` accepted: 16 GiB.
    public static let largestMaxOutput = 16 << 30
}

/// Site-wide rules about what kisictl may do.
public struct AccessPolicy: Sendable, Hashable {
    /// What to do with members of a managed group that no rule explains.
    public enum UnexplainedMembers: String, Sendable, Hashable, CaseIterable {
        case revoke, keep, fail
    }

    /// How much of something one apply may do, or the data may show, before a guard stops it.
    public enum Limit: Sendable, Hashable, CustomStringConvertible, Codable {
        case count(Int)
        /// A share of what the guard measures against (the managed groups' members, the customers), in percent.
        case percent(Double)

        /// How many are allowed of `base`; a share never allows fewer than `floor`.
        public func allowed(of base: Int, floor: Int) -> Int {
            switch self {
            case .count(let count): count
            case .percent(let percent): Swift.max(floor, Int((percent / 100 * Double(base)).rounded(.down)))
            }
        }

        /// Reads `10` or `10%`.
        public init?(_ text: String) {
            let text = text.trimmingWhitespace()
            if text.hasSuffix("%"), let percent = Double(text.dropLast().trimmingWhitespace()), percent >= 0, percent <= 100 {
                self = .percent(percent)
            } else if let count = Int(text), count >= 0 {
                self = .count(count)
            } else {
                return nil
            }
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let limit = Limit(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a limit: \(text)"))
            }
            self = limit
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }

        public var description: String {
            switch self {
            case .count(let n): return "\(n)"
            case .percent(let p): return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
            }
        }
    }

    /// Send Kisi's invitation e-mail when access is first granted.
    public var notify: Bool
    public var unexplainedMembers: UnexplainedMembers
    /// Changes that remove or narrow current access, per apply (`--allow-mass-revoke`).
    public var maxRevocations: Limit
    /// New grants per apply, of the managed groups' members (`--allow-mass-grant`).
    public var maxGrants: Limit
    /// People whose records were skipped, of the customers (`--allow-skipped-records`).
    public var maxSkippedRecords: Limit
    /// Revocations of people missing from the member data, of the members (`--allow-missing-members`).
    public var maxMissingMembers: Limit
    /// How much an entity may shrink since the last successful apply (`--allow-data-shrink`).
    public var maxDataShrink: Limit
    /// Normalized e-mail addresses never revoked from any group.
    public var exempt: [String]
    /// How far ahead a grant that has not started yet is written to Kisi (with its `valid_from`).
    public var lookahead: TimeSpan
    /// The longest an `extra` grant may run.
    public var maxExtraGrant: TimeSpan

    public static let defaultLookahead = TimeSpan.days(7)
    public static let defaultMaxExtraGrant = TimeSpan.days(30)
    public static let defaultMaxRevocations = Limit.percent(10)
    public static let defaultMaxGrants = Limit.percent(25)
    public static let defaultMaxSkippedRecords = Limit.percent(2)
    public static let defaultMaxMissingMembers = Limit.percent(5)
    public static let defaultMaxDataShrink = Limit.percent(20)

    public init(
        notify: Bool = false, unexplainedMembers: UnexplainedMembers = .revoke,
        maxRevocations: Limit = AccessPolicy.defaultMaxRevocations, exempt: [String] = [],
        lookahead: TimeSpan = AccessPolicy.defaultLookahead, maxGrants: Limit = AccessPolicy.defaultMaxGrants,
        maxSkippedRecords: Limit = AccessPolicy.defaultMaxSkippedRecords, maxMissingMembers: Limit = AccessPolicy.defaultMaxMissingMembers,
        maxDataShrink: Limit = AccessPolicy.defaultMaxDataShrink, maxExtraGrant: TimeSpan = AccessPolicy.defaultMaxExtraGrant
    ) {
        self.maxExtraGrant = maxExtraGrant
        self.maxGrants = maxGrants
        self.maxSkippedRecords = maxSkippedRecords
        self.maxMissingMembers = maxMissingMembers
        self.maxDataShrink = maxDataShrink
        self.notify = notify
        self.unexplainedMembers = unexplainedMembers
        self.maxRevocations = maxRevocations
        self.exempt = exempt
        self.lookahead = lookahead
    }
}

/// A Kisi access group as the config declares it.
public struct GroupConfig: Sendable, Hashable {
    /// The group's stable key in the config and in plans, independent of its Kisi name.
    public var address: String
    public var name: String
    public var description: String?
    /// The Kisi place of a place-scoped group; nil for an organization group.
    public var place: String?
    /// Names of the Kisi locks linked to the group; nil leaves the group's doors as they are.
    public var doors: [String]?
    /// Unmanaged groups are shown but never changed.
    public var managed: Bool
    /// Any rule grants (OR).
    public var rules: [GrantRule]
    /// Names the group had before (`previously`): a Kisi group with one of them, in the group's
    /// place, is this group renamed.
    public var previously: [String]
    /// The Kisi group this is (`kisi_id`, written by `import`): found by id, whatever its name.
    public var kisiID: Int?
    /// Temporary grants written in the config (`extra`), each with its end.
    public var extra: [ExtraGrant]
    /// When members may unlock (`schedule:`); nil leaves Kisi's schedules on the group alone.
    public var schedule: ScheduleSetting?
    public var location: SourceLocation?

    public init(
        address: String, name: String, description: String? = nil, place: String? = nil, doors: [String]? = nil,
        managed: Bool = true, rules: [GrantRule] = [], previously: [String] = [], kisiID: Int? = nil, extra: [ExtraGrant] = [],
        schedule: ScheduleSetting? = nil, location: SourceLocation? = nil
    ) {
        self.extra = extra
        self.schedule = schedule
        self.previously = previously
        self.kisiID = kisiID
        self.address = address
        self.name = name
        self.description = description
        self.place = place
        self.doors = doors
        self.managed = managed
        self.rules = rules
        self.location = location
    }
}

/// A person let in by the config itself, for a while (`extra: [{email, until, from?, reason}]`):
/// a contractor, a visitor "until Friday". It ends on its own.
public struct ExtraGrant: Sendable, Hashable {
    /// As written; people are matched on ``EmailAddress/normalized(_:)``.
    public var email: String
    /// Nil: from now on.
    public var from: Moment?
    public var until: Moment
    public var reason: String
    public var location: SourceLocation?

    public init(email: String, from: Moment? = nil, until: Moment, reason: String, location: SourceLocation? = nil) {
        self.email = email
        self.from = from
        self.until = until
        self.reason = reason
        self.location = location
    }
}

/// How one entity's records in another platform's shape become kisictl's fields: which of its
/// columns (or JSON keys) hold each field, its words for our values, its date formats.
public struct RecordMapping: Sendable, Hashable {
    public var entity: MemberEntity
    /// kisictl field → the export's columns, whose non-empty values are joined with a space.
    public var columns: [String: [String]]
    /// kisictl field → kisictl value → the export's words for it (compared ignoring case).
    public var values: [String: [String: [String]]]
    /// kisictl field → the export's date or time format, such as `MM/dd/yyyy` or `dd.MM.yyyy HH:mm`.
    public var formats: [String: String]

    public init(entity: MemberEntity, columns: [String: [String]], values: [String: [String: [String]]] = [:], formats: [String: String] = [:]) {
        self.entity = entity
        self.columns = columns
        self.values = values
        self.formats = formats
    }
}

/// One export in another platform's shape (`source.mapping`): its file, how it is written, and
/// how its records map to kisictl's.
public struct FileMapping: Sendable, Hashable {
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        /// With or without a byte-order mark.
        case utf8 = "utf-8"
        case windows1252 = "windows-1252"
    }

    /// The export, relative to the source folder.
    public var file: String
    /// The CSV separator; nil: found from the header line.
    public var delimiter: Character?
    public var encoding: Encoding
    public var record: RecordMapping

    public var entity: MemberEntity { record.entity }

    public init(
        entity: MemberEntity, file: String, delimiter: Character? = nil, encoding: Encoding = .utf8, columns: [String: [String]],
        values: [String: [String: [String]]] = [:], formats: [String: String] = [:]
    ) {
        self.file = file
        self.delimiter = delimiter
        self.encoding = encoding
        record = RecordMapping(entity: entity, columns: columns, values: values, formats: formats)
    }
}

/// A database holding member data, read by one query per entity (`source.postgres`, `source.sqlite`).
public struct SQLSource: Sendable, Hashable {
    public enum Database: Sendable, Hashable {
        /// The connection URL is read from this environment variable: it carries a password.
        case postgres(urlEnv: String)
        /// A database file, relative to the config's folder.
        case sqlite(path: String)
    }

    /// One entity's query; its result has kisictl's column names, or is read through `mapping`.
    public struct Query: Sendable, Hashable {
        public var entity: MemberEntity
        public var sql: String
        public var mapping: RecordMapping?

        public init(entity: MemberEntity, sql: String, mapping: RecordMapping? = nil) {
            self.entity = entity
            self.sql = sql
            self.mapping = mapping
        }
    }

    public var database: Database
    /// In entity order.
    public var queries: [Query]
    /// For connecting and for all the queries together.
    public var timeout: TimeSpan

    public init(database: Database, queries: [Query], timeout: TimeSpan = SourceSpec.defaultCommandTimeout) {
        self.database = database
        self.queries = queries.sorted { $0.entity < $1.entity }
        self.timeout = timeout
    }
}

/// A platform's REST API answering JSON (`source.http`): one endpoint per entity, read page by
/// page, paced, retried on 429 and 5xx; every page is read or the source fails.
public struct HTTPSource: Sendable, Hashable {
    /// The header that carries the credential: `Authorization: Bearer $TOKEN`.
    public struct Auth: Sendable, Hashable {
        public var header: String
        /// The variable holding the credential: it never appears in the config or in output.
        public var valueEnv: String
        /// Written before the value, such as `Bearer`; nil: the value alone.
        public var scheme: String?

        public init(header: String = "Authorization", valueEnv: String, scheme: String? = nil) {
            self.header = header
            self.valueEnv = valueEnv
            self.scheme = scheme
        }
    }

    /// How an endpoint's records are split into pages.
    public enum Paging: Sendable, Hashable {
        /// One answer holds every record.
        case none
        /// Each page names the next one's URL at a JSON path (`links.next`), or, with no path, in
        /// its `Link: <…>; rel="next"` header; the last has none.
        case nextLink(path: String?)
        /// `?page=1`, `?page=2`, … (with `size` records per page asked for by `sizeParameter`),
        /// until a page holds fewer than `size`.
        case page(parameter: String, sizeParameter: String, size: Int)
        /// `?offset=0&limit=100`, `?offset=100&limit=100`, … until a page holds fewer than `size`.
        case offset(parameter: String, limitParameter: String, size: Int)
    }

    public struct Endpoint: Sendable, Hashable {
        public var entity: MemberEntity
        /// Relative to the base URL, with any fixed query: `/v1/clients?status=all`.
        public var path: String
        /// The dotted JSON path to the page's list of records; empty: the answer is the list.
        public var items: String
        public var paging: Paging
        /// When the records are not in kisictl's own fields (`fields:`, `values:`, `formats:`).
        public var mapping: RecordMapping?

        public init(entity: MemberEntity, path: String, items: String = "", paging: Paging = .none, mapping: RecordMapping? = nil) {
            self.entity = entity
            self.path = path
            self.items = items
            self.paging = paging
            self.mapping = mapping
        }
    }

    public var baseURL: String
    public var auth: Auth?
    /// In entity order.
    public var endpoints: [Endpoint]
    /// Requests per second at most; 0: unpaced.
    public var requestsPerSecond: Double
    /// Attempts per page, the first included, on 429, 5xx and lost connections.
    public var attempts: Int
    /// For the whole read.
    public var timeout: TimeSpan

    public static let defaultRequestsPerSecond = 5.0
    public static let defaultAttempts = 5

    public init(
        baseURL: String, auth: Auth? = nil, endpoints: [Endpoint], requestsPerSecond: Double = HTTPSource.defaultRequestsPerSecond,
        attempts: Int = HTTPSource.defaultAttempts, timeout: TimeSpan = SourceSpec.defaultCommandTimeout
    ) {
        self.baseURL = baseURL
        self.auth = auth
        self.endpoints = endpoints.sorted { $0.entity < $1.entity }
        self.requestsPerSecond = requestsPerSecond
        self.attempts = attempts
        self.timeout = timeout
    }
}

extension MemberEntity {
    /// The fields every record of the entity has, as DESIGN.md's member-data contract names them.
    public var requiredFields: [String] {
        switch self {
        case .customers: ["id", "name", "email"]
        case .memberships: ["id", "type", "status", "starts_on"]
        case .registrations: ["id", "customer_id", "kind", "session", "starts_at", "ends_at", "status"]
        case .bookings: ["id", "customer_id", "resource_type", "resource", "starts_at", "ends_at", "status"]
        case .holds: ["id", "membership_id", "starts_on", "ends_on"]
        }
    }

    /// The fields a record may have.
    public var optionalFields: [String] {
        switch self {
        case .customers: ["company_id", "household_id", "birth_date", "tags"]
        case .memberships: ["customer_id", "company_id", "household_id", "ends_on", "sessions_remaining", "blocked_reason", "blocked_since"]
        case .registrations: []
        case .bookings: ["invitees"]
        case .holds: []
        }
    }

    public var fields: [String] { requiredFields + optionalFields }

    /// Fields holding a date (`starts_on`) or a time (`starts_at`), which a mapping may give a format.
    public static let datedFields: Set<String> = ["starts_on", "ends_on", "starts_at", "ends_at", "birth_date", "blocked_since"]
}

/// One of several sources, by the name its records' ids carry.
public struct NamedSource: Sendable, Hashable {
    public var name: String
    public var spec: SourceSpec

    public init(name: String, spec: SourceSpec) {
        self.name = name
        self.spec = spec
    }
}
