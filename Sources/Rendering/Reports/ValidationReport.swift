import AccessModel
import AccessRules
import JSONSupport

/// What `kisictl validate` reports: the config, the data and, per group, how many people
/// should have access at the instant.
public struct ValidationReport: Sendable {
    public struct GroupLine: Sendable {
        public var address: String
        public var name: String
        public var managed: Bool
        public var place: String?
        public var doors: Int
        public var rules: Int
        /// People whose grant holds at the instant.
        public var accessNow: Int
        /// People whose grant starts later within the look-ahead.
        public var upcoming: Int
    }

    public var config: SiteConfig
    public var dataOrigin: String
    public var counts: [(MemberEntity, Int)]
    public var people: Int
    public var instant: Instant
    public var groups: [GroupLine]
    public var warnings: [Diagnostic]

    public init(evaluator: AccessEvaluator, access: DesiredAccess, dataOrigin: String, warnings: [Diagnostic]) {
        config = evaluator.config
        self.dataOrigin = dataOrigin
        let data = evaluator.data
        counts = [
            (.customers, data.customers.count), (.memberships, data.memberships.count),
            (.registrations, data.registrations.count), (.bookings, data.bookings.count),
        ]
        people = evaluator.directory.count
        instant = access.instant
        self.warnings = warnings
        groups = evaluator.config.groups.map { group in
            let grants = access.grants(in: group.address)
            let now = grants.filter { $0.isCurrent(at: access.instant) }.count
            return GroupLine(
                address: group.address, name: group.name, managed: group.managed, place: group.place,
                doors: group.doors?.count ?? 0, rules: group.rules.count, accessNow: group.managed ? now : 0,
                upcoming: group.managed ? grants.count - now : 0)
        }
    }

    public var json: JSONValue {
        .object([
            ("valid", .bool(true)),
            ("at", .string(instant.rfc3339)),
            ("timezone", .string(config.timeZone.identifier)),
            (
                "config",
                .object([
                    ("files", .array(config.files.map(JSONValue.string))),
                    ("groups", .int(config.groups.count)),
                    ("managed_groups", .int(config.managedGroups.count)),
                    ("rules", .int(config.groups.reduce(0) { $0 + $1.rules.count })),
                ])
            ),
            ("data", .object([("source", .string(dataOrigin))] + counts.map { ($0.0.rawValue, .int($0.1)) } + [("people", .int(people))])),
            (
                "groups",
                .array(
                    groups.map { line in
                        .object([
                            ("group", .string(line.address)),
                            ("name", .string(line.name)),
                            ("managed", .bool(line.managed)),
                            ("place", .string(line.place)),
                            ("doors", .int(line.doors)),
                            ("rules", .int(line.rules)),
                            ("access_now", line.managed ? .int(line.accessNow) : .null),
                            ("upcoming", line.managed ? .int(line.upcoming) : .null),
                            (
                                "schedule",
                                config.groups.first { $0.address == line.address }?.schedule.map { ScheduleText.json($0, none: "always") } ?? .null
                            ),
                        ])
                    })
            ),
            (
                "doors",
                .array(
                    config.doors.map { door in
                        .object([
                            ("door", .string(door.name)), ("address", .string(door.address)),
                            ("unlock", door.unlock.map { ScheduleText.json($0, none: "never") } ?? .null),
                        ])
                    })
            ),
            ("warnings", .array(warnings.map(\.json))),
            ("errors", .array([])),
        ])
    }

    /// The JSON printed when loading failed: `valid: false` and every diagnostic.
    public static func failureJSON(_ diagnostics: [Diagnostic]) -> JSONValue {
        .object([
            ("valid", .bool(false)),
            ("warnings", .array(diagnostics.warnings.map(\.json))),
            ("errors", .array(diagnostics.errors.map(\.json))),
        ])
    }

    /// How many warnings the text report lists before pointing at `--format json`.
    public static let listedWarnings = 30

    public var text: String {
        let zone = config.timeZone
        let local = zone.localDateTime(for: instant)
        let files =
            config.files.count == 1
            ? config.files[0] : "\(config.files[0]) + \(config.files.count - 1) group file\(config.files.count == 2 ? "" : "s")"
        var out = "Config:      \(files)\n"
        out += "Time zone:   \(zone.identifier); evaluated at \(instant.rfc3339) (\(local.displayString) \(zone.offsetDescription(at: instant)))\n"
        out += "Member data: \(dataOrigin): " + counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ") + " → \(people) people\n"
        let rules = config.groups.reduce(0) { $0 + $1.rules.count }
        out += "Groups:      \(config.groups.count) (\(config.managedGroups.count) managed), \(rules) rule\(rules == 1 ? "" : "s")\n\n"

        let header = ["GROUP", "NAME", "RULES", "ACCESS NOW", "UPCOMING"]
        let rows = groups.map { line -> [String] in
            line.managed
                ? [line.address, line.name, String(line.rules), String(line.accessNow), String(line.upcoming)]
                : [line.address, line.name, "unmanaged", "", ""]
        }
        out += TextTable.render([header] + rows, rightAligned: [2, 3, 4], indent: "  ")
        let hours = config.groups.compactMap { group in group.schedule.map { (group.address, ScheduleText.summary($0, none: "always")) } }
        let unlocks = config.doors.compactMap { door in door.unlock.map { ("door \(door.name), unlocked", ScheduleText.summary($0, none: "never")) } }
        if !hours.isEmpty || !unlocks.isEmpty {
            out += "\nHours (\(config.timeZone.identifier)):\n"
            out += (hours + unlocks).map { "  \($0.0): \($0.1)\n" }.joined()
        }
        if !warnings.isEmpty {
            out += "\nWarnings (\(warnings.count)):\n"
            for warning in warnings.prefix(Self.listedWarnings) { out += "  \(warning)\n" }
            if warnings.count > Self.listedWarnings {
                out += "  … and \(warnings.count - Self.listedWarnings) more (--format json lists them all)\n"
            }
        }
        out += "\nValid: \(DiagnosticText.plural(0, "error")), \(DiagnosticText.plural(warnings.count, "warning")).\n"
        return out
    }
}

/// Left-aligned columns padded to the widest cell; selected columns right-aligned.
enum TextTable {
    static func render(_ rows: [[String]], rightAligned: Set<Int> = [], indent: String = "") -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let cells = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }
            return indent + cells.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
