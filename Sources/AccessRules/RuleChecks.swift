import AccessModel

/// Checks that need both the rules and the data: a rule naming a membership type, session or
/// resource that no record has (usually a typo that would silently grant nobody), and a rule
/// needing an entity the source did not provide at all (which must never read as "nobody").
enum RuleChecks {
    static func diagnostics(config: SiteConfig, data: MemberData, index: RecordIndex) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let typeNames = Set(data.memberships.map(\.type))
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
                switch rule.selector {
                case .memberships(let types, _):
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
}
