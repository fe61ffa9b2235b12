import Foundation
import Testing

/// A group's config address is its identity: renames, case-only renames, orphaned groups and
/// place moves, on a converged copy of the studio example.
@Suite("Group identity", .serialized)
struct GroupIdentityTests {
    /// The studio example, applied: Kisi matches its config.
    static func convergedStudio(sandbox edit: (String) -> String = { $0 }) throws -> String {
        let site = try copyExample("studio")
        let sandbox = site + "/sandbox.yaml"
        try edit(try String(contentsOfFile: sandbox, encoding: .utf8)).write(toFile: sandbox, atomically: true, encoding: .utf8)
        let apply = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stderr)")
        return site
    }

    static func edit(_ site: String, _ replacements: [(String, String)]) throws {
        var config = try String(contentsOfFile: site + "/kisictl.yaml", encoding: .utf8)
        for (old, new) in replacements {
            #expect(config.contains(old), "\(old) in the config")
            config = config.replacingOccurrences(of: old, with: new)
        }
        try config.write(toFile: site + "/kisictl.yaml", atomically: true, encoding: .utf8)
    }

    static func plan(_ site: String, format: String = "text") throws -> Run {
        try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode", "--format", format])
    }

    /// The addresses and actions of a JSON plan's changes, no-ops left out.
    static func changes(_ site: String) throws -> [String] {
        let run = try plan(site, format: "json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return (json["resource_changes"] as? [[String: Any]] ?? []).compactMap { change in
            let actions = (change["change"] as? [String: Any])?["actions"] as? [String] ?? []
            return actions == ["no-op"] ? nil : "\(actions.joined(separator: ",")) \(change["address"] as? String ?? "")"
        }
    }

    /// The audit log's outcome lines (each write also has an intent line before it).
    static func auditLines(_ site: String) throws -> [String] {
        try String(contentsOfFile: site + "/.kisictl/audit.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { !$0.contains("\"outcome\":\"intent\"") }
    }

    @Test("a rename with previously: is one rename and no other change; apply makes one change; the next plan has none")
    func renameWithPreviously() throws {
        let site = try Self.convergedStudio()
        try Self.edit(site, [("    name: Unlimited 6am-11pm\n", "    name: Unlimited 6am-10pm\n    previously: [Unlimited 6am-11pm]\n")])
        #expect(try Self.changes(site) == ["update kisi_group.unlimited"])
        let text = try Self.plan(site)
        #expect(text.status == 2)
        #expect(text.stdout.contains("  ~ rename group \"Unlimited 6am-11pm\" → \"Unlimited 6am-10pm\"\n"))
        #expect(text.stdout.contains("\nPlan: 1 group to update.\n"))

        let before = try Self.auditLines(site).count
        let apply = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stderr)")
        let written = try Self.auditLines(site).dropFirst(before)
        #expect(written.count == 1, "one write: \(written)")
        #expect(written.first?.contains("\"group\":\"unlimited\"") == true)
        let again = try Self.plan(site)
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.hasSuffix("No changes. Kisi matches the configuration.\n"))
    }

    @Test("a case-only or surrounding-space rename is the same group renamed, without previously:")
    func caseOnlyRename() throws {
        let site = try Self.convergedStudio()
        try Self.edit(site, [("    name: Founding members\n", "    name: \"founding Members \"\n")])
        #expect(try Self.changes(site) == ["update kisi_group.founders"])
        #expect(try Self.plan(site).stdout.contains("  ~ rename group \"Founding members\" → \"founding Members \"\n"))
    }

    @Test("a rename without previously: warns about the orphaned group by name, in every format, and says how to adopt it")
    func orphanedGroup() throws {
        let site = try Self.convergedStudio()
        try Self.edit(site, [("    name: Unlimited 6am-11pm\n", "    name: Unlimited 6am-10pm\n")])
        let warning = "groups.unlimited: the group is not in Kisi, but Kisi group \"Unlimited 6am-11pm\" (30001) in Riverside Studio holds"
        let text = try Self.plan(site)
        #expect(text.status == 2)
        #expect(text.stdout.contains("Warning: " + warning))
        #expect(text.stdout.contains("add previously: [\"Unlimited 6am-11pm\"] (or kisi_id: 30001)"))
        #expect(try Self.plan(site, format: "markdown").stdout.contains("- " + warning))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try Self.plan(site, format: "json").stdout.utf8)) as? [String: Any])
        let warnings = (json["warnings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(warnings.contains { $0.hasPrefix(warning) })

        // Adopting it by its Kisi id turns the plan into a rename.
        try Self.edit(site, [("    name: Unlimited 6am-10pm\n", "    name: Unlimited 6am-10pm\n    kisi_id: 30001\n")])
        #expect(try Self.changes(site) == ["update kisi_group.unlimited"])
        #expect(!(try Self.plan(site).stdout.contains("Warning: ")))
    }

    @Test("moving a group to another place is refused with Kisi's reason, whether pinned by kisi_id or found by name")
    func placeChangeRefused() throws {
        let site = try Self.convergedStudio { sandbox in
            sandbox.replacingOccurrences(of: "\nusers:\n", with: "\n- name: Annex\n  time_zone: Europe/London\n  locks: [Annex Door]\nusers:\n")
        }
        let studio =
            "    place: Riverside Studio\n    doors: [Front Door, Studio 1, Studio 2]\n    grant:\n      - memberships: [Unlimited, Unlimited Annual]"
        let annex = "    place: Annex\n    doors: [Annex Door]\n    grant:\n      - memberships: [Unlimited, Unlimited Annual]"
        try Self.edit(site, [(studio, annex)])
        let reason =
            "groups.unlimited.place: Kisi group 30001 is in Riverside Studio, not Annex, and Kisi fixes a group's place when the group is made."
        let byName = try Self.plan(site)
        #expect(byName.status == 1)
        #expect(byName.stderr.contains("error: " + reason))
        #expect(byName.stderr.components(separatedBy: reason).count == 2, "said once")

        try Self.edit(site, [(annex, "    kisi_id: 30001\n" + annex)])
        let pinned = try Self.plan(site)
        #expect(pinned.status == 1)
        #expect(pinned.stderr.components(separatedBy: reason).count == 2, "said once: \(pinned.stderr)")
        let apply = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains(reason))
    }

    @Test("a kisi_id Kisi does not have, or two groups pinned to one Kisi group, are refused")
    func badKisiID() throws {
        let site = try Self.convergedStudio()
        try Self.edit(site, [("    name: Unlimited 6am-11pm\n", "    name: Unlimited 6am-11pm\n    kisi_id: 99999\n")])
        let unknown = try Self.plan(site)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("groups.unlimited.kisi_id: Kisi has no group 99999"))
        try Self.edit(
            site,
            [
                ("    kisi_id: 99999\n", "    kisi_id: 30002\n"),
                ("    name: Founding members\n", "    name: Founding members\n    kisi_id: 30002\n"),
            ])
        let shared = try Self.plan(site)
        #expect(shared.status == 1)
        #expect(shared.stderr.contains("30002"), "\(shared.stderr)")
    }
}
