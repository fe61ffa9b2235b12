import Foundation
import TestSupport
import Testing

/// Policy tools read kisictl's plan JSON as a Terraform plan: checkov, installed from PyPI by
/// `scripts/test`, runs the example policies in `examples/policy/`.
@Suite("checkov reads the plan", .serialized)
struct CheckovTests {
    /// `KISICTL_CHECKOV`, or the virtual environment `scripts/test` makes.
    static var checkov: String? {
        let candidates = [ProcessInfo.processInfo.environment["KISICTL_CHECKOV"], repositoryRoot + "/.build/checkov/bin/checkov"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// checkov's JSON report of a plan file with the example policies.
    static func check(_ planFile: String) throws -> SchemaValue {
        let checkov = try #require(Self.checkov, "checkov is not installed: run scripts/test, which installs it into .build/checkov")
        let run = try Subprocess.run(
            checkov,
            [
                "-f", planFile, "--framework", "terraform_plan", "--skip-download", "--external-checks-dir", repositoryRoot + "/examples/policy",
                "--check", "CKV_KISI_1,CKV_KISI_2,CKV_KISI_3,CKV_KISI_4", "-o", "json",
            ], environment: ["BC_SKIP_MAPPING": "TRUE"])
        return try SchemaValue.parse(run.stdout)
    }

    static func plan(_ example: String) throws -> (site: String, json: String) {
        let site = try copyExample(example)
        let run = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "json", "--mask-emails"])
        #expect(run.status == 0, "\(run.stderr)")
        return (site, run.stdout)
    }

    @Test("checkov reads every resource of each example's plan, and the example policies pass", arguments: ["studio", "gym", "coworking"])
    func examplesPass(_ example: String) throws {
        let (site, json) = try Self.plan(example)
        defer { try? FileManager.default.removeItem(atPath: site) }
        try json.write(toFile: site + "/plan.json", atomically: true, encoding: .utf8)
        let report = try Self.check(site + "/plan.json")
        let planned = try SchemaValue.parse(json)["planned_values"]?["root_module"]?["resources"]?.array.count
        #expect(report["summary"]?["resource_count"]?.int == planned)
        #expect(report["summary"]?["failed"]?.int == 0)
        #expect((report["summary"]?["passed"]?.int ?? 0) > planned ?? 0)
    }

    @Test("a plan granting a staff group, revoking a protected person, granting too many and unlocking a door at night fails the matching policies")
    func brokenPlanFails() throws {
        let (site, json) = try Self.plan("studio")
        defer { try? FileManager.default.removeItem(atPath: site) }
        var plan = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var planned = try #require((plan["planned_values"] as? [String: Any])?["root_module"] as? [String: Any])
        var resources = try #require(planned["resources"] as? [[String: Any]])
        // A grant in a staff group.
        let address = "kisi_role_assignment.staff[\"x***@example.com#0123456789ab\"]"
        resources.append([
            "address": address, "mode": "managed", "type": "kisi_role_assignment", "name": "staff", "index": "x***@example.com#0123456789ab",
            "values": [
                "group": "staff", "email": "x***@example.com#0123456789ab", "role": "group_basic", "valid_from": NSNull(), "valid_until": NSNull(),
            ],
        ])
        var changes = try #require(plan["resource_changes"] as? [[String: Any]])
        changes.append([
            "address": address, "mode": "managed", "type": "kisi_role_assignment", "name": "staff",
            "change": ["actions": ["create"], "before": NSNull(), "after": ["group": "staff"]],
        ])
        // The owner revoked, and too many grants, in the first group.
        let group = try #require(resources.firstIndex { $0["type"] as? String == "kisi_group" })
        var values = try #require(resources[group]["values"] as? [String: Any])
        values["revoked"] = ["o***@example.com#fedcba987654"]
        values["grants"] = 101
        resources[group]["values"] = values
        // The front door unlocked all night.
        let unlock = try #require(resources.firstIndex { $0["type"] as? String == "kisi_lock_schedule" })
        var hours = try #require(resources[unlock]["values"] as? [String: Any])
        hours["hours"] = "20:00-24:00"
        resources[unlock]["values"] = hours
        planned["resources"] = resources
        plan["planned_values"] = ["root_module": planned]
        plan["resource_changes"] = changes
        try JSONSerialization.data(withJSONObject: plan).write(to: URL(fileURLWithPath: site + "/broken.json"))

        let report = try Self.check(site + "/broken.json")
        let failed = report["results"]?["failed_checks"]?.array.compactMap { $0["check_id"]?.string } ?? []
        #expect(Set(failed) == ["CKV_KISI_1", "CKV_KISI_2", "CKV_KISI_3", "CKV_KISI_4"])
        #expect(failed.count == 4)
    }
}
