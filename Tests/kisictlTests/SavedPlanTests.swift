import AccessModel
import Foundation
import PlanModel
import TestSupport
import Testing

/// `apply PLANFILE` takes only what `plan -out` saved, from the files and the Kisi it was made
/// from, and never anything no plan kisictl makes would hold.
@Suite("Saved plans that cannot be forged or go stale silently")
struct SavedPlanTests {
    static func run(_ site: String, _ arguments: [String]) throws -> Run {
        try Kisictl.run(arguments + ["--config", site, "--sandbox", "--rate", "0"])
    }

    /// Plans the gym example into `reviewed.plan`.
    static func savedPlan() throws -> (site: String, file: String) {
        let site = try copyExample("gym")
        let file = site + "/reviewed.plan"
        let plan = try run(site, ["plan", "-out", file])
        #expect(plan.status == 0, "\(plan.stderr)")
        return (site, file)
    }

    /// The sandbox state as JSON: its API key and roles.
    static func sandboxState(_ site: String) throws -> SchemaValue {
        try SchemaValue.parse(try String(contentsOfFile: site + "/.kisictl/sandbox-state.json", encoding: .utf8))
    }

    /// What only a holder of the API key could do: sign a plan.
    static func sign(_ plan: Plan, to file: String, site: String) throws {
        let key = try #require(try sandboxState(site)["api_keys"]?[0]?["key"]?.string)
        try PlanFile.save(plan, to: file, key: PlanKey(apiKey: key))
    }

    @Test("a changed config or member-data file refuses the plan, naming the file; the same files apply")
    func changedFiles() throws {
        let (site, file) = try Self.savedPlan()
        defer { try? FileManager.default.removeItem(atPath: site) }
        let config = site + "/kisictl.yaml", customers = site + "/data/customers.json"
        let originalConfig = try String(contentsOfFile: config, encoding: .utf8)
        let originalCustomers = try String(contentsOfFile: customers, encoding: .utf8)

        try (originalConfig + "# a later edit\n").write(toFile: config, atomically: true, encoding: .utf8)
        let configChanged = try Self.run(site, ["apply", file])
        #expect(configChanged.status == 1)
        #expect(configChanged.stderr.contains("the config or the member data changed since the plan was made: \(config)."))
        try originalConfig.write(toFile: config, atomically: true, encoding: .utf8)

        try originalCustomers.replacingOccurrences(
            of: "[", with: "[{\"id\": \"c-999\", \"name\": \"Late Joiner\", \"email\": \"late@example.com\"}, ", options: [],
            range: originalCustomers.range(of: "[")
        )
        .write(toFile: customers, atomically: true, encoding: .utf8)
        let dataChanged = try Self.run(site, ["apply", file])
        #expect(dataChanged.status == 1)
        #expect(dataChanged.stderr.contains("changed since the plan was made: \(customers)."))
        try originalCustomers.write(toFile: customers, atomically: true, encoding: .utf8)

        let applied = try Self.run(site, ["apply", file])
        #expect(applied.status == 0, "\(applied.stderr)")
    }

    @Test("a hand-edited plan is refused by its signature; one without a signature is refused too")
    func handEdited() throws {
        let (site, file) = try Self.savedPlan()
        defer { try? FileManager.default.removeItem(atPath: site) }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let granted = try #require(text.firstMatch(of: /"email" : "([^"]+)"/)?.1)
        try text.replacingOccurrences(of: "\"\(granted)\"", with: "\"attacker@evil.example\"").write(toFile: file, atomically: true, encoding: .utf8)
        let forged = try Self.run(site, ["apply", file])
        #expect(forged.status == 1)
        #expect(forged.stderr.contains("was changed after kisictl saved it, or saved with another API key: its signature does not match"))
        #expect(!forged.stdout.contains("attacker"))

        let unsigned = text.split(separator: "\n").filter { !$0.contains("\"signature\"") }.joined(separator: "\n")
        try unsigned.write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try Self.run(site, ["apply", file])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("carries no signature"))
        let users = try Self.sandboxState(site)["users"]?.array.compactMap { $0["email"]?.string } ?? []
        #expect(!users.contains("attacker@evil.example"))
    }

    @Test("even signed, a plan from the future, or one touching a manager or an exempt person, is refused")
    func signedButImpossible() throws {
        let (site, file) = try Self.savedPlan()
        defer { try? FileManager.default.removeItem(atPath: site) }
        let plan = try PlanFile.load(from: file)

        var future = plan
        future.createdAt = Instant(secondsSinceEpoch: 4_102_444_800)  // 2100-01-01
        future.fingerprints = PlanFingerprints(config: "", data: "", live: [:])
        try Self.sign(future, to: file, site: site)
        let fromTheFuture = try Self.run(site, ["apply", file])
        #expect(fromTheFuture.status == 1)
        #expect(fromTheFuture.stderr.contains("which is in the future: refusing it"))

        // The front desk's group_manager role and the exempt owner's role, each dressed as a member's revocation.
        let state = try Self.sandboxState(site)
        let users = Dictionary(uniqueKeysWithValues: state["users"]!.array.map { ($0["id"]!.int!, $0["email"]!.string!) })
        for (email, role) in [("frontdesk@northside.example", "group_manager"), ("owner@northside.example", "group_basic")] {
            let held = try #require(
                state["role_assignments"]?.array.first {
                    users[$0["assignee_id"]?.int ?? 0] == email && $0["role_id"]?.string == role
                })
            var forged = plan
            let values = RoleValues(
                holder: HolderValues(kind: .user, email: email, name: nil, kisiID: held["assignee_id"]?.int), role: Role.basicID,
                window: PlanWindow(from: nil, until: nil), kisiID: held["id"]?.int)
            forged.changes.append(ResourceChange(ResourceAddress(.role, group: "all-hours", index: email), .delete, before: .role(values)))
            try Self.sign(forged, to: file, site: site)
            let refused = try Self.run(site, ["apply", file])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("the saved plan changes what kisictl never touches"), "\(refused.stderr)")
            #expect(refused.stderr.contains(role == "group_manager" ? "is a group_manager role" : "a person policy.exempt lists"))
            #expect(!refused.stderr.contains(email), "addresses are masked in the refusal")
        }
        let roles = try Self.sandboxState(site)["role_assignments"]?.array.count
        #expect(roles == state["role_assignments"]?.array.count, "nothing was applied")
    }
}
