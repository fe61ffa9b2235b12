import AccessModel
import Foundation
import KisiConfig

/// Writes a synthetic site as files: `kisictl.yaml`, `data/*.csv` and the sandbox's
/// `sandbox.yaml`. The same site always gives the same bytes.
public enum SiteFiles {
    public static let apiKey = "sandbox-synthetic-key"

    public static func write(_ site: SyntheticSite, kisi: SyntheticKisi, to folder: String, comment: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try SiteWriter.writeCSV(site.data, to: folder + "/data")
        try configYAML(site.config, comment: comment).write(toFile: folder + "/kisictl.yaml", atomically: true, encoding: .utf8)
        try sandboxYAML(kisi, site: site, comment: comment).write(toFile: folder + "/sandbox.yaml", atomically: true, encoding: .utf8)
    }

    public static func configYAML(_ config: SiteConfig, comment: String) -> String {
        var out = "# \(comment)\nversion: 1\ntimezone: \(config.timeZone.identifier)\n"
        out += "kisi:\n  api_key_env: KISI_API_KEY\nsource:\n  files: data\n"
        out += "policy:\n  unexplained_members: \(config.policy.unexplainedMembers.rawValue)\n"
        out += "  max_revocations: \(config.policy.maxRevocations)\n  exempt: \(YAMLText.list(config.policy.exempt))\n"
        out += "  lookahead: \(config.policy.lookahead)\ngroups:\n"
        for group in config.groups {
            out += "  \(group.address):\n    name: \(YAMLText.quoted(group.name))\n"
            if let place = group.place { out += "    place: \(YAMLText.quoted(place))\n" }
            if let doors = group.doors { out += "    doors: \(YAMLText.list(doors))\n" }
            out += "    grant:\n"
            for rule in group.rules {
                switch rule.selector {
                case .memberships(let types, let blocked):
                    out += "      - memberships: \(YAMLText.list(types))\n        blocked: \(blocked)\n"
                case .registrations(let selector):
                    var fields: [String] = []
                    if !selector.kinds.isEmpty { fields.append("kinds: [" + selector.kinds.map(\.rawValue).joined(separator: ", ") + "]") }
                    if !selector.sessions.isEmpty { fields.append("sessions: \(YAMLText.list(selector.sessions))") }
                    out += "      - registrations: {\(fields.joined(separator: ", "))}\n"
                case .bookings(let resources):
                    out += "      - bookings: \(YAMLText.list(resources.map(\.description)))\n"
                    switch rule.invitees {
                    case .excluded: break
                    case .members: out += "        invitees: true\n"
                    case .guests: out += "        invitees: guest\n"
                    }
                }
                if rule.window != .none {
                    out += "        window: {before: \(rule.window.before), after: \(rule.window.after)}\n"
                }
                if let age = rule.conditions.minAge { out += "        min_age: \(age)\n" }
                if !rule.conditions.requiredTags.isEmpty { out += "        require: {tags: \(YAMLText.list(rule.conditions.requiredTags))}\n" }
                if !rule.conditions.blockingTags.isEmpty { out += "        unless: {tags: \(YAMLText.list(rule.conditions.blockingTags))}\n" }
            }
        }
        return out
    }

    static func sandboxYAML(_ kisi: SyntheticKisi, site: SyntheticSite, comment: String) -> String {
        var out = "# \(comment)\n"
        out += "clock: '\(site.anchor.rfc3339)'\n"
        out += "organization: {name: Synthetic Site Ltd, domain: synthetic, time_zone: \(site.config.timeZone.identifier)}\n"
        out += "api_keys: [{key: \(apiKey), user: \(SyntheticSite.owner)}]\n"
        out += "places:\n  - name: \(YAMLText.quoted(SyntheticSite.place))\n    time_zone: \(site.config.timeZone.identifier)\n"
        out += "    locks: \(YAMLText.list(SyntheticSite.doors))\n"
        out += "groups:\n"
        for group in kisi.groups {
            out += "  - name: \(YAMLText.quoted(group.name))\n"
            if let place = group.place { out += "    place: \(YAMLText.quoted(place))\n" }
            out += "    locks: \(YAMLText.list(group.doors))\n"
            let managers = group.members.filter { $0.role == "group_manager" }
            if !managers.isEmpty { out += "    managers: \(YAMLText.list(managers.map(\.email)))\n" }
            out += "    members:\n"
            for member in group.members where member.role == "group_basic" {
                if member.validFrom == nil, member.validUntil == nil {
                    out += "      - \(member.email)\n"
                } else {
                    var fields = ["email: \(member.email)"]
                    if let from = member.validFrom { fields.append("valid_from: '\(from)'") }
                    if let until = member.validUntil { fields.append("valid_until: '\(until)'") }
                    out += "      - {\(fields.joined(separator: ", "))}\n"
                }
            }
        }
        return out
    }
}
