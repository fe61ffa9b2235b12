import AccessModel
import Foundation
import PlanModel
import Rendering
import TestSupport
import Testing

/// JSON and Markdown on every path: a plan document or a comment even when no plan could be
/// made, and a comment that fits GitHub's limit with every fence and `<details>` closed.
@Suite("Machine formats on every path")
struct MachineFormatTests {
    @Test("a config error gives a JSON plan document (applyable: false, the errors) and a Markdown comment, exit 1")
    func configError() throws {
        let json = try Kisictl.run(["plan", "--config", "Tests/Fixtures/broken-config", "--sandbox", "--format", "json"])
        #expect(json.status == 1)
        let document = try SchemaValue.parse(json.stdout)
        let validator = try JSONSchemaValidator(schemaFiles: [repositoryRoot + "/schema/plan.schema.json"])
        #expect(validator.errors(document, against: "plan.schema.json") == [])
        #expect(document["applyable"] == .bool(false))
        let errors = document["errors"]?.array.compactMap(\.string) ?? []
        #expect(errors.contains { $0.hasPrefix("Tests/Fixtures/broken-config/kisictl.yaml:3:11: error: timezone:") })
        #expect(json.stderr.contains("kisictl.yaml:3:11: error: timezone:"))

        let markdown = try Kisictl.run(["plan", "--config", "Tests/Fixtures/broken-config", "--sandbox", "--format", "markdown"])
        #expect(markdown.status == 1)
        #expect(markdown.stdout.hasPrefix("### kisictl plan: failed\n"))
        #expect(markdown.stdout.contains("kisictl.yaml:3:11: error: timezone:"))
        #expect(markdown.stdout.components(separatedBy: "```").count % 2 == 1, "every fence closed")
    }

    @Test("a connection error is a plan document too")
    func connectionError() throws {
        let site = try copyExample("gym")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let run = try Kisictl.run(
            ["plan", "--config", site, "--format", "json"], environment: ["KISI_API_KEY": "", "KISI_ENDPOINT": ""])
        #expect(run.status == 1)
        let document = try SchemaValue.parse(run.stdout)
        #expect(document["applyable"] == .bool(false))
        #expect(document["errors"]?.array.isEmpty == false)
    }

    /// A plan of `groups` groups granting `people` people each.
    static func largePlan(groups: Int, people: Int) -> Plan {
        var planned: [PlannedGroup] = [], changes: [ResourceChange] = []
        for g in 0..<groups {
            let address = String(format: "group-%03d", g)
            planned.append(PlannedGroup(address: address, name: "Group \(g)", description: nil, place: nil, placeID: nil, kisiID: 100 + g))
            for p in 0..<people {
                let email = "member\(p)@example.com"
                let role = RoleValues(
                    holder: HolderValues(kind: .user, email: email, name: nil, kisiID: p), role: Role.basicID,
                    window: PlanWindow(from: nil, until: Instant(secondsSinceEpoch: 1_800_000_000)), kisiID: nil)
                changes.append(ResourceChange(ResourceAddress(.role, group: address, index: email), .create, after: .role(role)))
            }
        }
        return Plan(
            instant: Instant(secondsSinceEpoch: 1_795_000_000), timeZone: "UTC", createdAt: Instant(secondsSinceEpoch: 1_795_000_000),
            organization: PlanOrganization(id: 1, name: "Large"), endpoint: "https://api.kisi.io",
            fingerprints: PlanFingerprints(config: "", data: "", live: [:]), groups: planned, changes: changes)
    }

    @Test("a plan too long for one comment stays under GitHub's limit, closes every fence and <details>, and says what it left out")
    func longMarkdown() throws {
        let zone = try #require(SiteTimeZone(identifier: "UTC"))
        for plan in [Self.largePlan(groups: 40, people: 300), Self.largePlan(groups: 900, people: 1)] {
            let markdown = PlanMarkdown.render(plan, style: PlanStyle(zone: zone))
            #expect(markdown.utf16.count <= 65_536)
            #expect(markdown.utf8.count <= PlanMarkdown.maximumLength + 1_000)
            #expect(markdown.components(separatedBy: "```").count % 2 == 1, "every fence closed")
            #expect(markdown.components(separatedBy: "<details").count == markdown.components(separatedBy: "</details>").count)
            #expect(markdown.contains("of the plan left out to stay under GitHub's comment limit"))
            #expect(markdown.hasSuffix("_\n"))
        }
        let small = PlanMarkdown.render(Self.largePlan(groups: 2, people: 3), style: PlanStyle(zone: zone))
        #expect(!small.contains("left out"))
    }
}
