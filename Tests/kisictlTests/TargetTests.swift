import Foundation
import TestSupport
import Testing

/// `--target` as Terraform's `-target`: only the named resources are read, planned and applied.
@Suite("Targeted plans and applies", .serialized)
struct TargetTests {
    static let targets = ["--target", "packs", "--target", "unlimited[\"Bilal.Haddad@example.org\"]"]

    /// A JSON plan's changes, no-ops left out, as `action address`.
    static func changes(_ site: String, _ extra: [String] = []) throws -> [String] {
        let run = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "json"] + extra)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return (json["resource_changes"] as? [[String: Any]] ?? []).compactMap { change in
            let actions = (change["change"] as? [String: Any])?["actions"] as? [String] ?? []
            return actions == ["no-op"] ? nil : "\(actions.joined(separator: ",")) \(change["address"] as? String ?? "")"
        }
    }

    static func isTargeted(_ line: String) -> Bool {
        line.contains(".packs") || line.hasSuffix(".unlimited[\"bilal.haddad@example.org\"]")
    }

    /// What is left of a full plan once the targets are applied: the rest, except the Kisi users
    /// the targets' grants created on the way.
    static func expectRest(_ rest: [String], of full: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let untouched = full.filter { !isTargeted($0) }
        #expect(
            rest.filter { !$0.hasPrefix("create kisi_user.") } == untouched.filter { !$0.hasPrefix("create kisi_user.") },
            sourceLocation: sourceLocation)
        #expect(Set(rest).isSubset(of: untouched), sourceLocation: sourceLocation)
        #expect(rest.count < untouched.count, "some users were created by the targeted apply", sourceLocation: sourceLocation)
    }

    @Test("plan --target plans only the named group and person; apply --target changes only them; the rest stays planned")
    func planAndApply() throws {
        let site = try copyExample("studio")
        let full = try Self.changes(site)
        let targeted = try Self.changes(site, Self.targets)
        #expect(targeted == full.filter(Self.isTargeted), "exactly the full plan's changes to those resources")
        #expect(targeted.contains("create kisi_role_assignment.unlimited[\"bilal.haddad@example.org\"]"))
        #expect(targeted.contains { $0.contains(".packs[") })

        let json = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "json"] + Self.targets)
        let validator = try JSONSchemaValidator(schemaFiles: [repositoryRoot + "/schema/plan.schema.json"])
        #expect(validator.errors(try SchemaValue.parse(json.stdout), against: "plan.schema.json") == [])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["targets"] as? [String] == ["kisi_group.packs", "kisi_role_assignment.unlimited[\"bilal.haddad@example.org\"]"])

        let apply = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"] + Self.targets)
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(try Self.changes(site, Self.targets).isEmpty, "the targets converged")
        Self.expectRest(try Self.changes(site), of: full)
    }

    @Test("a saved plan records its targets: show names them and apply applies only them; apply FILE takes no --target")
    func savedPlan() throws {
        let site = try copyExample("studio")
        let file = site + "/targeted.plan"
        let saved = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "-out", file] + Self.targets)
        #expect(saved.status == 0, "\(saved.stderr)")
        let show = try Kisictl.run(["show", file])
        #expect(show.stdout.contains("Targeted: only kisi_group.packs, kisi_role_assignment.unlimited[\"bilal.haddad@example.org\"] (--target)"))
        let both = try Kisictl.run(["apply", file, "--config", site, "--sandbox", "--rate", "0", "--target", "packs"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("--target"))
        let full = try Self.changes(site)
        let apply = try Kisictl.run(["apply", file, "--config", site, "--sandbox", "--rate", "0"])
        #expect(apply.status == 0, "\(apply.stderr)")
        Self.expectRest(try Self.changes(site), of: full)
    }

    @Test("a target naming no managed group, or no address at all, is an error that says what a target is")
    func badTargets() throws {
        let site = try copyExample("studio")
        let unknown = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--target", "nosuch"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("error: --target kisi_group.nosuch: the config has no managed group nosuch (managed groups: "))
        let unmanaged = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--target", "staff"])
        #expect(unmanaged.status == 1, "staff is managed: false")
        let malformed = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--target", "packs[ann]"])
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains("--target expects a group's address"))
    }
}
