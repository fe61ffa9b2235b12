import AccessModel
import Foundation
import Yams

/// Turns the YAML nodes of a site's files into a ``SiteConfig``, collecting every problem.
struct SiteConfigDecoder {
    static let topKeys = ["version", "timezone", "kisi", "source", "sources", "policy", "groups", "doors"]
    static let kisiKeys = ["api_key_env", "endpoint"]
    static let sourceKinds = ["files", "command", "postgres", "sqlite", "http"]
    static let sourceKeys = sourceKinds + ["timeout", "max_output", "mapping"]
    static let policyKeys = [
        "notify", "unexplained_members", "max_revocations", "max_grants", "max_skipped_records", "max_missing_members", "max_data_shrink",
        "exempt", "lookahead", "max_extra_grant",
    ]
    static let groupKeys = ["name", "description", "place", "doors", "managed", "grant", "previously", "kisi_id", "extra", "schedule"]
    static let ruleKeys = ["memberships", "blocked", "registrations", "bookings", "window", "invitees", "min_age", "require", "unless"]
    static let conditionKeys = ["tags"]
    static let extraKeys = ["email", "until", "from", "reason"]
    static let selectorKeys = ["memberships", "registrations", "bookings"]
    static let registrationKeys = ["kinds", "sessions"]
    static let windowKeys = ["before", "after"]

    struct Settings {
        var version: Int?
        var timeZone: SiteTimeZone?
        var kisi = KisiSettings()
        var source: SourceSpec?
        var policy = AccessPolicy()
        var doors: [DoorConfig] = []
    }

    /// Reads the main file's settings; its `groups` node is returned for the group reader.
    static func settings(_ root: Node, reader: inout NodeReader) -> (Settings, groups: Node?) {
        var settings = Settings()
        guard
            let top = reader.mapping(
                root, "", allowed: topKeys,
                expected: "a mapping with version, timezone, source and groups")
        else {
            return (settings, nil)
        }
        for required in ["version", "timezone", "groups"] where !top.has(required) && !top.misspelled.contains(required) {
            reader.error(root, "", "missing key \"\(required)\"")
        }
        switch (top.key("source"), top.key("sources")) {
        case (nil, nil) where !top.misspelled.contains("source") && !top.misspelled.contains("sources"):
            reader.error(root, "", "missing key \"source\" (or \"sources\", a list of several)")
        case (_?, let several?):
            reader.error(several, "sources", "source and sources are alternatives: keep one")
        default: break
        }
        if let node = top["version"], let version = reader.int(node, "version") {
            if version == 1 {
                settings.version = version
            } else {
                reader.error(node, "version", "unsupported config version \(version); this kisictl reads version 1")
            }
        }
        if let node = top["timezone"] {
            settings.timeZone = timeZone(node, reader: &reader)
        }
        if let node = top["kisi"] {
            settings.kisi = kisi(node, reader: &reader)
        }
        if let node = top["source"] {
            settings.source = source(node, reader: &reader)
        } else if let node = top["sources"] {
            settings.source = sources(node, reader: &reader)
        }
        if let node = top["policy"] {
            settings.policy = policy(node, reader: &reader)
        }
        if let node = top["doors"] {
            settings.doors = ScheduleDecoder.doors(node, reader: &reader)
        }
        return (settings, top["groups"])
    }

    private static func timeZone(_ node: Node, reader: inout NodeReader) -> SiteTimeZone? {
        guard let name = reader.string(node, "timezone") else { return nil }
        if let zone = SiteTimeZone(identifier: name) { return zone }
        reader.error(
            node, "timezone",
            "expected an IANA time zone such as Europe/London or America/New_York, found \"\(name)\"\(Suggestions.hint(for: name, in: SiteTimeZone.knownIdentifiers))"
        )
        return nil
    }

    private static func kisi(_ node: Node, reader: inout NodeReader) -> KisiSettings {
        var settings = KisiSettings()
        guard let fields = reader.mapping(node, "kisi", allowed: kisiKeys, expected: "a mapping with api_key_env") else {
            return settings
        }
        if let node = fields["api_key_env"], let name = reader.string(node, fields.path("api_key_env")) {
            if name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil {
                settings.apiKeyEnv = name
            } else {
                reader.error(
                    node, fields.path("api_key_env"),
                    "expected the name of an environment variable (letters, digits and _), found \"\(name.count > 12 ? "a value that looks like a key, not a variable name" : name)\"; never put the key itself in the config"
                )
            }
        }
        if let node = fields["endpoint"], let url = reader.string(node, fields.path("endpoint")) {
            if url.hasPrefix("https://") || url.hasPrefix("http://") {
                settings.endpoint = url
            } else {
                reader.expected("an http:// or https:// URL", node, fields.path("endpoint"))
            }
        }
        return settings
    }

    /// `sources:`, a list of named sources, each like `source:` with a `name`.
    private static func sources(_ node: Node, reader: inout NodeReader) -> SourceSpec? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            reader.expected("a list of sources, each with a name and files or command", node, "sources")
            return nil
        }
        var named: [NamedSource] = []
        var failed = false
        for (index, item) in items.enumerated() {
            let path = "sources[\(index)]"
            guard case .mapping(let pairs) = item, let nameNode = pairs.first(where: { $0.key.scalar?.string == "name" })?.value else {
                reader.error(item, path, "missing key \"name\": a short name the source's record ids are prefixed with (staff:7)")
                failed = true
                continue
            }
            guard let name = reader.string(nameNode, path + ".name") else {
                failed = true
                continue
            }
            guard name.range(of: "^[a-z0-9][a-z0-9_-]*$", options: .regularExpression) != nil else {
                reader.expected("a lower-case name of letters, digits, - and _", nameNode, path + ".name")
                failed = true
                continue
            }
            if named.contains(where: { $0.name == name }) {
                reader.error(nameNode, path + ".name", "the name \"\(name)\" is used twice: each source needs its own")
                failed = true
            }
            guard let spec = source(item, reader: &reader, path: path, extraKeys: ["name"]) else {
                failed = true
                continue
            }
            named.append(NamedSource(name: name, spec: spec))
        }
        return failed ? nil : .several(named)
    }

    private static func source(_ node: Node, reader: inout NodeReader, path: String = "source", extraKeys: [String] = []) -> SourceSpec? {
        guard
            let fields = reader.mapping(
                node, path, allowed: sourceKeys + extraKeys,
                expected: "a mapping with files: FOLDER or command: [PROGRAM, ARGS…]")
        else { return nil }
        let kinds = sourceKinds.filter(fields.has)
        guard let kind = kinds.first else {
            reader.error(node, path, "expected files: FOLDER, command: [PROGRAM, ARGS…], postgres:, sqlite: or http:")
            return nil
        }
        guard kinds.count == 1 else {
            reader.error(fields.key(kinds[1])!, path, "\(kinds.joined(separator: " and ")) are alternatives: keep one")
            return nil
        }
        if kind != "files", let mapping = fields.key("mapping") {
            let why = kind == "command" ? "a command prints kisictl's own fields" : "map a query's or an endpoint's fields next to it"
            reader.error(mapping, fields.path("mapping"), "mapping applies to files sources only (\(why))")
        }
        if kind == "files" || kind == "sqlite", let node = fields.key("timeout") {
            reader.error(node, fields.path("timeout"), "timeout applies to command, postgres and http sources only")
        }
        if kind != "command", let node = fields.key("max_output") {
            reader.error(node, fields.path("max_output"), "max_output applies to command sources only")
        }
        var timeout = SourceSpec.defaultCommandTimeout
        if let node = fields["timeout"], let span = reader.duration(node, fields.path("timeout")) {
            if span.seconds > 0 { timeout = span } else { reader.expected("a duration above zero", node, fields.path("timeout")) }
        }
        let body = fields[kind]!
        switch kind {
        case "files":
            let mappings = fields["mapping"].map { FileMappingDecoder.mappings($0, fields.path("mapping"), reader: &reader) } ?? []
            return reader.string(body, fields.path("files")).map { .files(directory: $0, mappings: mappings) }
        case "postgres":
            return ServiceSourceDecoder.postgres(body, fields.path(kind), timeout: timeout, reader: &reader).map { .sql($0) }
        case "sqlite":
            return ServiceSourceDecoder.sqlite(body, fields.path(kind), reader: &reader).map { .sql($0) }
        case "http":
            return ServiceSourceDecoder.http(body, fields.path(kind), timeout: timeout, reader: &reader).map { .http($0) }
        default:
            let arguments: [String]?
            if case .scalar = body {
                arguments = reader.string(body, fields.path("command")).map { [$0] }
            } else {
                arguments = reader.stringList(body, fields.path("command"), expected: "a list [PROGRAM, ARGS…]")
            }
            var maxOutput = SourceSpec.defaultMaxOutput
            if let node = fields["max_output"], let size = reader.byteSize(node, fields.path("max_output")) {
                if (1...SourceSpec.largestMaxOutput).contains(size) {
                    maxOutput = size
                } else {
                    reader.expected("a size from 1 byte to 16GiB", node, fields.path("max_output"))
                }
            }
            return arguments.map { .command(arguments: $0, timeout: timeout, maxOutput: maxOutput) }
        }
    }

    private static func policy(_ node: Node, reader: inout NodeReader) -> AccessPolicy {
        var policy = AccessPolicy()
        guard let fields = reader.mapping(node, "policy", allowed: policyKeys, expected: "a mapping") else { return policy }
        if let node = fields["notify"], let value = reader.bool(node, fields.path("notify")) {
            policy.notify = value
        }
        if let node = fields["unexplained_members"],
            let value = reader.oneOf(AccessPolicy.UnexplainedMembers.self, node, fields.path("unexplained_members"))
        {
            policy.unexplainedMembers = value
        }
        let limits: [(String, WritableKeyPath<AccessPolicy, AccessPolicy.Limit>)] = [
            ("max_revocations", \.maxRevocations), ("max_grants", \.maxGrants), ("max_skipped_records", \.maxSkippedRecords),
            ("max_missing_members", \.maxMissingMembers), ("max_data_shrink", \.maxDataShrink),
        ]
        for (key, field) in limits {
            if let node = fields[key], let limit = limit(node, fields.path(key), reader: &reader) { policy[keyPath: field] = limit }
        }
        if let node = fields["exempt"],
            let emails = reader.list(
                node, fields.path("exempt"), expected: "a list of e-mail addresses", nonEmpty: false,
                item: { reader, element, path -> String? in
                    guard let email = reader.string(element, path) else { return nil }
                    guard EmailAddress.isValid(email) else {
                        reader.expected("an e-mail address", element, path)
                        return nil
                    }
                    return EmailAddress.normalized(email)
                })
        {
            policy.exempt = Array(Set(emails)).sorted()
        }
        if let node = fields["lookahead"], let span = reader.duration(node, fields.path("lookahead")) {
            policy.lookahead = span
        }
        if let node = fields["max_extra_grant"], let span = reader.duration(node, fields.path("max_extra_grant")) {
            policy.maxExtraGrant = span
        }
        return policy
    }

    private static func limit(_ node: Node, _ path: String, reader: inout NodeReader) -> AccessPolicy.Limit? {
        let what = "a number (10) or a share (10%)"
        guard case .scalar(let scalar) = node, let limit = AccessPolicy.Limit(scalar.string) else {
            reader.expected(what, node, path)
            return nil
        }
        return limit
    }

    // MARK: - Groups

    static let addressPattern = "^[A-Za-z0-9_][A-Za-z0-9_-]*$"

    /// Reads a mapping of group addresses to groups.
    static func groups(_ node: Node, path: String, reader: inout NodeReader) -> [GroupConfig] {
        guard let pairs = reader.pairs(node, path, expected: "a mapping of group addresses to groups") else { return [] }
        var groups: [GroupConfig] = []
        for (address, keyNode, value) in pairs {
            let groupPath = Fields.join(path, address)
            guard address.range(of: addressPattern, options: .regularExpression) != nil else {
                reader.error(keyNode, groupPath, "expected a group address made of letters, digits, _ and -, found \"\(address)\"")
                continue
            }
            if let group = group(address, keyNode: keyNode, value, path: groupPath, reader: &reader) {
                groups.append(group)
            }
        }
        return groups
    }

    private static func group(_ address: String, keyNode: Node, _ node: Node, path: String, reader: inout NodeReader) -> GroupConfig? {
        guard let fields = reader.mapping(node, path, allowed: groupKeys, expected: "a mapping with the group's name and rules") else {
            return nil
        }
        let before = reader.diagnostics.errors.count
        var group = GroupConfig(address: address, name: "", location: reader.location(keyNode))
        if let node = fields["name"], let name = reader.string(node, fields.path("name")) {
            group.name = name
        } else if !fields.has("name"), !fields.misspelled.contains("name") {
            reader.error(keyNode, path, "missing key \"name\": the group's name in Kisi")
        }
        if let node = fields["description"] {
            group.description = reader.string(node, fields.path("description"), nonEmpty: false)
        }
        if let node = fields["place"] {
            group.place = reader.string(node, fields.path("place"))
        }
        if let node = fields["doors"], let doors = reader.stringList(node, fields.path("doors"), expected: "a list of door names", nonEmpty: false) {
            var seen = Set<String>()
            for (position, element) in (node.sequence ?? []).enumerated() where !seen.insert(doors[position]).inserted {
                reader.error(element, "\(fields.path("doors"))[\(position)]", "door \"\(doors[position])\" is listed twice")
            }
            group.doors = doors
        }
        if let node = fields["managed"], let managed = reader.bool(node, fields.path("managed")) {
            group.managed = managed
        }
        if let node = fields["previously"],
            let names = reader.stringList(node, fields.path("previously"), expected: "a list of the group's earlier names", nonEmpty: false)
        {
            group.previously = names
        }
        if let node = fields["kisi_id"], let id = reader.int(node, fields.path("kisi_id")) {
            if id < 1 {
                reader.error(node, fields.path("kisi_id"), "expected the Kisi group's id, a whole number from 1, found \(id)")
            } else {
                group.kisiID = id
            }
        }
        if let node = fields["extra"] {
            group.extra =
                reader.list(node, fields.path("extra"), expected: "a list of {email, until, reason}", nonEmpty: false) { reader, element, path in
                    extra(element, path: path, reader: &reader)
                } ?? []
        }
        if let node = fields["schedule"] {
            // On an unmanaged group it is kept for when the group is managed (import writes it).
            group.schedule = ScheduleDecoder.setting(node, fields.path("schedule"), none: "always", reader: &reader)
        }
        if let node = fields["grant"] {
            group.rules =
                reader.list(node, fields.path("grant"), expected: "a list of rules", nonEmpty: false) { reader, element, path -> GrantRule? in
                    rule(element, path: path, reader: &reader)
                } ?? []
            if !group.managed, !group.rules.isEmpty {
                reader.warning(
                    fields.key("managed") ?? keyNode, path,
                    "the group has grant rules but managed: false, so kisictl evaluates and changes nothing in it")
            }
        } else if group.managed, !fields.misspelled.contains("grant") {
            reader.error(
                keyNode, path,
                "a managed group needs grant rules: add grant, set managed: false to leave its members alone, or write grant: [] to empty it")
        }
        return reader.diagnostics.errors.count == before ? group : nil
    }

    private static func rule(_ node: Node, path: String, reader: inout NodeReader) -> GrantRule? {
        guard
            let fields = reader.mapping(
                node, path, allowed: ruleKeys,
                expected: "a rule with memberships, registrations or bookings")
        else { return nil }
        let selectors = selectorKeys.filter(fields.has)
        guard selectors.count == 1, let kind = selectors.first else {
            if selectors.isEmpty {
                reader.error(node, path, "a rule needs a selector: memberships, registrations or bookings")
            } else {
                reader.error(
                    fields.key(selectors[1])!, path,
                    "a rule has one selector, found \(selectors.joined(separator: " and ")): write one rule for each (rules are ORed)")
            }
            return nil
        }
        let before = reader.diagnostics.errors.count
        var selector: GrantSelector?
        switch kind {
        case "memberships":
            let types = reader.stringList(
                fields["memberships"]!, fields.path("memberships"), expected: "a list of membership types such as [Unlimited]")
            var blocked = BlockedMemberships.deny
            if let node = fields["blocked"], let value = self.blocked(node, fields.path("blocked"), reader: &reader) {
                blocked = value
            }
            selector = types.map { .memberships(types: $0, blocked: blocked) }
        case "registrations":
            selector = registrations(fields["registrations"]!, path: fields.path("registrations"), reader: &reader).map { .registrations($0) }
        default:
            let resources = reader.list(
                fields["bookings"]!, fields.path("bookings"), expected: "a list of resource types such as [room, desk]", nonEmpty: true
            ) { reader, element, path -> ResourceSelector? in
                resource(element, path: path, reader: &reader)
            }
            selector = resources.map { .bookings($0) }
        }
        if kind != "memberships", let node = fields.key("blocked") {
            reader.error(node, fields.path("blocked"), "blocked applies to memberships rules only")
        }
        var invitees = Invitees.excluded
        if let node = fields["invitees"] {
            if kind != "bookings" {
                reader.error(fields.key("invitees")!, fields.path("invitees"), "invitees applies to bookings rules only")
            } else if case .scalar(let scalar) = node, scalar.string == "guest" {
                invitees = .guests
            } else if case .scalar(let scalar) = node, let value = Bool(scalar.string) {
                invitees = value ? .members : .excluded
            } else {
                reader.expected("true, false or guest", node, fields.path("invitees"))
            }
        }
        var window = RuleWindow.none
        if let node = fields["window"],
            let windowFields = reader.mapping(
                node, fields.path("window"), allowed: windowKeys,
                expected: "a mapping such as {before: 30m, after: 15m}")
        {
            for key in windowKeys {
                guard let value = windowFields[key], let span = reader.duration(value, windowFields.path(key)) else { continue }
                if key == "before" { window.before = span } else { window.after = span }
            }
        }
        var conditions = PersonConditions()
        if let node = fields["min_age"], let age = reader.int(node, fields.path("min_age")) {
            if (1...120).contains(age) {
                conditions.minAge = age
            } else {
                reader.error(node, fields.path("min_age"), "expected an age in years from 1 to 120, found \(age)")
            }
        }
        for key in ["require", "unless"] {
            guard let node = fields[key],
                let condition = reader.mapping(node, fields.path(key), allowed: conditionKeys, expected: "a mapping such as {tags: [waiver]}")
            else { continue }
            guard let tagsNode = condition["tags"] else {
                if !condition.misspelled.contains("tags") { reader.error(node, fields.path(key), "missing key \"tags\": the tags, such as [waiver]") }
                continue
            }
            let tags = reader.stringList(tagsNode, condition.path("tags"), expected: "a list of tags such as [waiver]") ?? []
            if key == "require" { conditions.requiredTags = tags } else { conditions.blockingTags = tags }
        }
        guard let selector, reader.diagnostics.errors.count == before else { return nil }
        return GrantRule(selector, window: window, invitees: invitees, conditions: conditions, location: reader.location(node))
    }

    /// `allow`, `deny`, or a payment grace `{allow_for: 7d}`.
    private static func blocked(_ node: Node, _ path: String, reader: inout NodeReader) -> BlockedMemberships? {
        let what = "allow, deny or a payment grace such as {allow_for: 7d}"
        if case .scalar(let scalar) = node {
            switch scalar.string {
            case "allow": return .allow
            case "deny": return .deny
            default:
                reader.expected(what, node, path)
                return nil
            }
        }
        guard let fields = reader.mapping(node, path, allowed: ["allow_for"], expected: what) else { return nil }
        guard let spanNode = fields["allow_for"] else {
            reader.error(node, path, "missing key \"allow_for\": how long a blocked membership keeps access, such as 7d")
            return nil
        }
        return reader.duration(spanNode, fields.path("allow_for")).map { .allowFor($0) }
    }

    /// One `extra` grant. A date alone means its whole day: `until: 2026-12-04` runs to the end
    /// of that Friday.
    private static func extra(_ node: Node, path: String, reader: inout NodeReader) -> ExtraGrant? {
        guard let fields = reader.mapping(node, path, allowed: extraKeys, expected: "a mapping with email, until and reason") else {
            return nil
        }
        let before = reader.diagnostics.errors.count
        for key in ["email", "until", "reason"] where !fields.has(key) && !fields.misspelled.contains(key) {
            reader.error(node, path, "missing key \"\(key)\"")
        }
        var email: String?
        if let node = fields["email"], let text = reader.string(node, fields.path("email")) {
            if EmailAddress.isValid(EmailAddress.trimmed(text)) {
                email = EmailAddress.trimmed(text)
            } else {
                reader.expected("an e-mail address", node, fields.path("email"))
            }
        }
        func moment(_ key: String, endOfDay: Bool) -> Moment? {
            guard let node = fields[key], let text = reader.string(node, fields.path(key)) else { return nil }
            if let date = TimeParsing.localDate(text) { return .local(LocalDateTime(date: endOfDay ? date.adding(days: 1) : date)) }
            if let moment = TimeParsing.moment(text) { return moment }
            reader.expected("a date such as 2026-12-04 or a time such as 2026-12-04T18:00", node, fields.path(key))
            return nil
        }
        let until = moment("until", endOfDay: true)
        let from = moment("from", endOfDay: false)
        let reason = fields["reason"].flatMap { reader.string($0, fields.path("reason")) }
        guard let email, let until, let reason, reader.diagnostics.errors.count == before else { return nil }
        return ExtraGrant(email: email, from: from, until: until, reason: reason, location: reader.location(node))
    }

    private static func registrations(_ node: Node, path: String, reader: inout NodeReader) -> RegistrationSelector? {
        guard
            let fields = reader.mapping(
                node, path, allowed: registrationKeys,
                expected: "a mapping such as {kinds: [class], sessions: [\"Yoga *\"]}")
        else { return nil }
        var selector = RegistrationSelector()
        if let node = fields["kinds"] {
            guard
                let kinds = reader.list(
                    node, fields.path("kinds"), expected: "a list of kinds (class, appointment, course)", nonEmpty: true,
                    item: { reader, element, path -> Registration.Kind? in
                        reader.oneOf(Registration.Kind.self, element, path)
                    })
            else { return nil }
            selector.kinds = kinds
        }
        if let node = fields["sessions"] {
            guard let sessions = reader.stringList(node, fields.path("sessions"), expected: "a list of session names or patterns such as \"Yoga *\"")
            else {
                return nil
            }
            selector.sessions = sessions
        }
        return selector
    }

    private static func resource(_ node: Node, path: String, reader: inout NodeReader) -> ResourceSelector? {
        guard let text = reader.string(node, path) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let typeName = parts[0].trimmingWhitespace()
        guard let type = Booking.ResourceType(rawValue: typeName) else {
            let options = Booking.ResourceType.allCases.map(\.rawValue)
            reader.error(
                node, path,
                "expected a resource type (\(options.joined(separator: ", "))) or type:name, found \"\(text)\"\(Suggestions.hint(for: typeName, in: options))"
            )
            return nil
        }
        guard parts.count == 2 else { return ResourceSelector(type: type) }
        let name = parts[1].trimmingWhitespace()
        guard !name.isEmpty else {
            reader.expected("a resource name after \"\(typeName):\"", node, path)
            return nil
        }
        return ResourceSelector(type: type, name: name)
    }
}
