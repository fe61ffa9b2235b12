import AccessModel
import Foundation
import KisiAPI
import KisiConfig
import MemberSources
import Reconciler

/// The config `import` writes: live Kisi as config, every group `managed: false`, so that the
/// first plan changes nothing and onboarding is one reviewed group at a time.
struct ImportedConfig {
    let snapshot: KisiSnapshot
    let groups: [KisiGroup]
    let origin: ImportOrigin
    let outputFolder: String
    let place: String?
    /// The organization's owners and administrators: exempt, so onboarding a group never
    /// revokes the people who run the site.
    let administrators: [String]

    var yaml: String {
        var out = """
            # Imported from \(snapshot.organization.name) by kisictl import. Every group is managed: false, so kisictl
            # changes nothing yet. To onboard a group: add grant rules, set managed: true, and read `kisictl plan`.
            version: 1
            timezone: \(timeZone)
            kisi:
              api_key_env: \(origin.kisi.apiKeyEnv)

            """
        if let endpoint = origin.kisi.endpoint { out += "  endpoint: \(YAMLText.quoted(endpoint))\n" }
        out += source
        out += "policy:\n"
        out += "  notify: false\n"
        out += "  exempt: \(YAMLText.list(administrators))   # the organization's owners and administrators: never revoked\n"
        out += "groups:\n"
        if groups.isEmpty { out += "  {}\n" }
        for (group, address) in zip(groups, addresses) {
            out += "  " + YAMLText.comment(comment(for: group)) + "\n"
            out += "  \(address):\n"
            out += "    name: \(YAMLText.quoted(group.name))\n"
            out += "    kisi_id: \(group.id)\n"
            if let description = group.description, !description.isEmpty { out += "    description: \(YAMLText.quoted(description))\n" }
            if let place = snapshot.place(group.placeID) { out += "    place: \(YAMLText.quoted(place.name))\n" }
            out += "    doors: \(YAMLText.list(snapshot.doors(of: group)))\n"
            out += "    managed: false\n"
            out += scheduleLines(of: group)
        }
        out += doorLines
        return out
    }

    /// The site's zone, which Kisi's hours are read in.
    private var zone: SiteTimeZone? { SiteTimeZone(identifier: String(timeZone.prefix { $0 != " " })) }

    /// A group's access hours as `schedule:`, when Kisi holds some the config can write and the
    /// group's time restriction makes them count; else a comment saying why not (they are then
    /// left alone).
    private func scheduleLines(of group: KisiGroup) -> String {
        let schedules = snapshot.schedules.filter { $0.scheduleableType == "Group" && $0.scheduleableID == group.id }
        guard let zone, let found = KisiSchedules.schedule(schedules, .allow, zone: zone) else { return "" }
        switch found {
        case .failure(let why): return "    # Kisi's access hours are left alone: they hold \(why)\n"
        case .success where group.timeRestrictionEnabled != true:
            return "    # Kisi's access hours are left alone: the group's time restriction is off, so they do not count\n"
        case .success(let schedule): return "    schedule:\n" + Self.yaml(schedule, indent: "      ")
        }
    }

    /// Doors with unlock hours the config can write, as the top-level `doors:`.
    private var doorLines: String {
        guard let zone else { return "" }
        var out = ""
        for lock in snapshot.locks.sorted(by: { ($0.name, $0.id) < ($1.name, $1.id) }) {
            let schedules = snapshot.schedules.filter { $0.scheduleableType == "Lock" && $0.scheduleableID == lock.id }
            guard let found = KisiSchedules.schedule(schedules, .unlock, zone: zone) else { continue }
            out += "  \(YAMLText.quoted(lock.name)):\n"
            switch found {
            case .failure(let why): out += "    # unlock hours left alone: Kisi holds \(why)\n    {}\n"
            case .success where snapshot.locks.filter({ $0.name == lock.name }).count > 1:
                out += "    # unlock hours left alone: \(snapshot.locks.filter { $0.name == lock.name }.count) doors share this name\n    {}\n"
            case .success(let schedule): out += "    unlock:\n" + Self.yaml(schedule, indent: "      ")
            }
        }
        return out.isEmpty ? "" : "doors:                  # when doors stand unlocked (Kisi's unlock schedules)\n" + out
    }

    /// A schedule in the config's words.
    static func yaml(_ schedule: Schedule, indent: String) -> String {
        var byDays: [(Weekdays, [DayHours])] = []
        for entry in schedule.weekly {
            if let index = byDays.firstIndex(where: { $0.0 == entry.days }) {
                byDays[index].1.append(entry.hours)
            } else {
                byDays.append((entry.days, [entry.hours]))
            }
        }
        let weekly = byDays.map { days, hours in
            let key = days.description.contains(",") ? YAMLText.quoted(days.description) : days.description
            return "\(key): " + (hours.count == 1 ? YAMLText.quoted(hours[0].description) : YAMLText.list(hours.map(\.description)))
        }
        var out = "\(indent)weekly: {\(weekly.joined(separator: ", "))}\n"
        if let holidays = schedule.holidays {
            out += "\(indent)holidays: {region: \(holidays.region)\(holidays.observed ? "" : ", observed: false")"
            out += holidays.ignored.isEmpty ? "}\n" : ", except: \(YAMLText.list(holidays.ignored))}\n"
        }
        if !schedule.closed.isEmpty { out += "\(indent)closed: [\(schedule.closed.map(\.isoString).joined(separator: ", "))]\n" }
        if !schedule.open.isEmpty {
            let openings = schedule.open.map { "{date: \($0.date.isoString), hours: \(YAMLText.quoted($0.hours.description))}" }
            out += "\(indent)open: [\(openings.joined(separator: ", "))]\n"
        }
        return out
    }

    /// `# 23 members`, and what makes a group one to leave alone.
    private func comment(for group: KisiGroup) -> String {
        var text = group.usersCount.map { "\($0) member\($0 == 1 ? "" : "s")" } ?? "member count unknown"
        if let feeding = snapshot.integrations[group.id], !feeding.isEmpty {
            text +=
                "; fed by the integration " + feeding.map { "\"\($0.name)\" (\($0.type))" }.joined(separator: ", ")
                + ": keep managed: false, or give kisictl a group of its own"
        }
        let twins = snapshot.groups.filter { $0.name == group.name && $0.placeID == group.placeID }
        if twins.count > 1 { text += "; \(twins.count) groups share this name and place: kisi_id says which this is" }
        return text
    }

    /// Config keys from group names (`Unlimited 6am-11pm` → `unlimited-6am-11pm`), made unique.
    private var addresses: [String] {
        var used = Set<String>()
        return groups.map { group in
            var base = String(
                group.name.lowercased().unicodeScalars.map { scalar -> Character in
                    ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "-"
                })
            while base.contains("--") { base = base.replacingOccurrences(of: "--", with: "-") }
            base = base.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
            if base.isEmpty { base = "group-\(group.id)" }
            var address = base, suffix = 2
            while !used.insert(address).inserted {
                address = "\(base)-\(suffix)"
                suffix += 1
            }
            return address
        }
    }

    /// The zone of the imported place, else the origin config's, else the first place's.
    private var timeZone: String {
        let placeZone = place.flatMap { snapshot.places.named($0)?.timeZone }
        let zone = placeZone ?? origin.timeZone?.identifier ?? snapshot.places.compactMap(\.timeZone).first
        return zone ?? "UTC   # Kisi names no time zone: set the site's IANA zone"
    }

    /// The origin config's member data, as seen from the new config; else a folder to fill.
    private var source: String {
        guard let spec = origin.source else {
            return "source:\n  files: data   # your member-data exports (read once a group is managed)\n"
        }
        if let folder = MemberSource.folder(of: spec, relativeTo: origin.directory) {
            return "source:\n  files: \(YAMLText.quoted(Self.relative(folder, from: outputFolder)))\n"
        }
        guard case .command(let arguments, _, _) = spec else {
            return "source:\n  files: data   # \(origin.directory)/kisictl.yaml reads several sources: copy its sources: list here instead\n"
        }
        return "# Copied from \(MemberSource.join(origin.directory, "kisictl.yaml")): the command runs in the new config's folder.\n"
            + "source:\n  command: \(YAMLText.list(arguments))\n"
    }

    /// `path` relative to the folder `base` (both relative to the current folder, or absolute).
    static func relative(_ path: String, from base: String) -> String {
        let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let origin = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var shared = 0
        while shared < min(target.count, origin.count), target[shared] == origin[shared] { shared += 1 }
        let parts = Array(repeating: "..", count: origin.count - shared) + target[shared...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
