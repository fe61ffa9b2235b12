import AccessModel

/// Checks that need both the rules and the data: a rule naming a membership type, session or
/// resource that no record has (usually a typo that would silently grant nobody), and a rule
/// needing an entity the source did not provide at all (which must never read as "nobody").
enum RuleChecks {
    static func diagnostics(config: SiteConfig, data: MemberData, index: RecordIndex) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let typeNames = Set(data.memberships.map(\.type))
        let undatedBlocks = data.memberships.filter { $0.status == .blocked && $0.blockedSince == nil }
        let sessionNames = Set(data.registrations.map(\.session))
        for group in config.managedGroups {
            for (position, rule) in group.rules.enumerated() {
                let path = "groups.\(group.address).grant[\(position)]"
                let entity: MemberEntity =
                    switch rule.selector {
                    case .memberships: .memberships
                    case .registrations: .registrations
                    case .bookings: .bookings
                    }
                guard data.providedEntities.contains(entity) else {
                    diagnostics.append(
                        .error(
                            at: rule.location, path: path,
                            "this rule selects \(entity.rawValue), but the member data has no \(entity.rawValue) (\(entity.rawValue).csv or \(entity.rawValue).json); refusing to treat that as nobody qualifying"
                        ))
                    continue
                }
                let records =
                    switch entity {
                    case .memberships: data.memberships.count
                    case .registrations: data.registrations.count
                    default: data.bookings.count
                    }
                if records == 0 {
                    // An empty export is far more often a failed export than a quiet week.
                    diagnostics.append(
                        .error(
                            at: rule.location, path: path,
                            "the member data holds no \(entity.rawValue), so this rule would grant nobody; refusing to treat an empty export as nobody qualifying"
                        ))
                    continue
                }
                diagnostics += conditionChecks(rule, path: path, data: data, index: index)
                switch rule.selector {
                case .memberships(let types, let blocked):
                    if case .allowFor(let grace) = blocked {
                        let wanted = Set(types.map(RecordIndex.key))
                        let undated = undatedBlocks.filter { wanted.contains(RecordIndex.key($0.type)) }
                        if let first = undated.first {
                            diagnostics.append(
                                .warning(
                                    at: first.origin, path: "blocked_since",
                                    "\(count(undated.count, "blocked membership")) of the rule at \(path) \(undated.count == 1 ? "has" : "have") no blocked_since (first: #\(first.id)): treated as blocked since today, so the \(grace) grace restarts every day and never runs out; export blocked_since"
                                ))
                        }
                    }
                    for type in types where !index.membershipTypes.names.contains(RecordIndex.key(type)) {
                        diagnostics.append(
                            .warning(
                                at: rule.location, path: path + ".memberships",
                                "membership type \"\(type)\" matches no membership in the data\(Suggestions.hint(for: type, in: typeNames.sorted()))")
                        )
                    }
                case .registrations(let selector):
                    for pattern in selector.sessions {
                        let glob = GlobPattern(pattern)
                        if !index.sessionNames.names.contains(where: glob.matches) {
                            diagnostics.append(
                                .warning(
                                    at: rule.location, path: path + ".registrations.sessions",
                                    "session pattern \"\(pattern)\" matches no registration in the data\(Suggestions.hint(for: pattern, in: sessionNames.sorted()))"
                                ))
                        }
                    }
                case .bookings(let resources):
                    for resource in resources where resource.name != nil {
                        if !index.resourceKeys.names.contains(where: resource.matches(resourceKey:)) {
                            let names = Set(data.bookings.filter { $0.resourceType == resource.type }.map(\.resource)).sorted()
                            diagnostics.append(
                                .warning(
                                    at: rule.location, path: path + ".bookings",
                                    "resource \"\(resource)\" matches no booking in the data\(Suggestions.hint(for: resource.name!, in: names))"))
                        }
                    }
                }
            }
        }
        return diagnostics
    }

    /// Tags no customer has: a `require` of one grants nobody (usually a typo).
    private static func conditionChecks(_ rule: GrantRule, path: String, data: MemberData, index: RecordIndex) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        func present(_ tag: String) -> Bool {
            let bit = index.ruleTags.firstIndex(of: RecordIndex.key(tag))!
            return index.presentTagBits[bit / 64] & (1 << UInt64(bit % 64)) != 0
        }
        // The customers' own tags, for a "did you mean": only when a warning needs them.
        lazy var known = Set(data.customers.flatMap { $0.tags.map(RecordIndex.key) }).sorted()
        for (key, tags) in [("require", rule.conditions.requiredTags), ("unless", rule.conditions.blockingTags)] {
            for tag in tags where !present(tag) {
                let consequence = key == "require" ? "so this rule grants nobody" : "so it excludes nobody"
                diagnostics.append(
                    .warning(
                        at: rule.location, path: path + ".\(key).tags",
                        "tag \"\(tag)\" is on no customer, \(consequence)\(Suggestions.hint(for: tag, in: known))"))
            }
        }
        return diagnostics
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
