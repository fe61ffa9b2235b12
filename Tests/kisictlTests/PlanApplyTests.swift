import Foundation
import TestSupport
import Testing

/// A copy of an example site in a temporary folder, so applying to its sandbox changes nothing
/// in the repository.
func copyExample(_ name: String) throws -> String {
    let target = NSTemporaryDirectory() + "kisictl-example-\(name)-" + UUID().uuidString
    try FileManager.default.copyItem(atPath: repositoryRoot + "/examples/" + name, toPath: target)
    try? FileManager.default.removeItem(atPath: target + "/.kisictl")
    return target
}

@Suite("kisictl plan and apply", .serialized)
struct PlanApplyTests {
    static let examples = ["studio", "coworking", "gym"]

    @Test(
        "plan shows grants, a window change and revocations with reasons; apply converges; the next plan has no changes",
        arguments: examples)
    func quickstart(example: String) throws {
        let site = try copyExample(example)
        let plan = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stderr)")
        let lines = plan.stdout.split(separator: "\n").map(String.init)
        for marker in ["  + grant ", "  + create user ", "  ~ window of ", "  - revoke "] {
            let index = try #require(lines.firstIndex { $0.hasPrefix(marker) }, "\(marker) in \(example)")
            #expect(lines[index + 1].hasPrefix("      "), "a reason under \(lines[index])")
        }
        #expect(lines.last?.hasPrefix("Plan: ") == true)

        let apply = try Kisictl.run(["apply", "--config", site, "--sandbox", "--auto-approve", "--rate", "0"])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.contains("Apply complete: "))
        let again = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(again.status == 0)
        #expect(again.stdout.hasSuffix("No changes. Kisi matches the configuration.\n"))
    }

    @Test("the JSON plan follows schema/plan.schema.json, and text, JSON and Markdown are byte-identical across runs")
    func formats() throws {
        let site = try copyExample("coworking")
        let validator = try JSONSchemaValidator(schemaFiles: [repositoryRoot + "/schema/plan.schema.json"])
        for format in ["text", "json", "markdown"] {
            let first = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", format])
            let second = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", format])
            #expect(first.status == 0)
            #expect(first.stdout == second.stdout, "\(format) output changed between runs")
            if format == "json" {
                #expect(validator.errors(try SchemaValue.parse(first.stdout), against: "plan.schema.json") == [])
                let json = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
                let changes = json?["resource_changes"] as? [[String: Any]] ?? []
                let actions = Set(changes.compactMap { ($0["change"] as? [String: Any])?["actions"] as? [String] }.flatMap { $0 })
                #expect(actions == ["create", "update", "delete", "no-op"])
            }
        }
    }

    @Test("the Markdown plan for a pull request has a summary table, collapsed groups, and masks e-mails on request")
    func markdown() throws {
        let site = try copyExample("studio")
        let run = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "markdown", "--mask-emails"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("### kisictl plan: Riverside Studio Ltd\n"))
        #expect(run.stdout.contains("| group | change | grants | window changes | revocations | doors |"))
        #expect(run.stdout.contains("<details><summary><code>unlimited</code>"))
        #expect(run.stdout.contains("```diff\n+ "))
        #expect(run.stdout.contains("l***@example.net"))
        #expect(!run.stdout.contains("lena.becker@example.net"))
        #expect(run.stdout.range(of: #"[a-z]{2,}\.[a-z]+@example"#, options: .regularExpression) == nil)
    }

    @Test("a saved plan is applied exactly, without asking; a stale or too old one is refused, saying why")
    func savedPlans() throws {
        let site = try copyExample("gym")
        let file = site + "/reviewed.plan"
        let saved = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "-out", file])
        #expect(saved.status == 0)
        #expect(saved.stderr.contains("Saved the plan to \(file)"))
        let tooOld = try Kisictl.run(["apply", file, "--config", site, "--sandbox", "--rate", "0", "--max-plan-age", "0s"])
        #expect(tooOld.status == 1)
        #expect(tooOld.stderr.contains("older than --max-plan-age 0s"))

        let fresh = try Kisictl.run(["apply", file, "--config", site, "--sandbox", "--rate", "0"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(fresh.stdout.contains("Apply complete: "))
        #expect(try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"]).status == 0)

        // A plan made before someone else changed Kisi is stale.
        let second = try copyExample("gym")
        let stale = second + "/reviewed.plan"
        #expect(try Kisictl.run(["plan", "--config", second, "--sandbox", "--rate", "0", "-out", stale]).status == 0)
        #expect(try Kisictl.run(["apply", "--config", second, "--sandbox", "--rate", "0", "--auto-approve"]).status == 0)
        let refused = try Kisictl.run(["apply", stale, "--config", second, "--sandbox", "--rate", "0"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the saved plan is stale: Kisi changed since it was made, in "))
    }

    @Test("a tripped revocation guard fails safe: grants and widened windows are applied, revocations held back, exit 1")
    func massRevocationGuard() throws {
        let site = try copyExample("studio")
        let config = try String(contentsOfFile: site + "/kisictl.yaml", encoding: .utf8)
        try config.replacingOccurrences(of: "max_revocations: 10%", with: "max_revocations: 2")
            .write(toFile: site + "/kisictl.yaml", atomically: true, encoding: .utf8)
        let plan = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "json"])
        let planned = try SchemaValue.parse(plan.stdout)
        #expect(plan.stderr.contains("warning: Apply will make the changes that give or widen access and hold back those that remove or narrow it"))
        #expect(planned["guards"]?[0]?["guard"]?.string == "max_revocations")
        #expect(planned["guards"]?[0]?["holds_back"]?.string == "narrowing")
        #expect(planned["applyable"] == .bool(true))
        let grants = planned["summary"]?["grants"]?.int ?? 0
        #expect(grants > 0)

        let refused = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("guard: 4 changes remove or narrow current access: policy.max_revocations is 2 (top causes: "))
        // The 4 and the studio's 3 new exceptions (Christmas Eve, New Year's Eve evening, bank holidays).
        #expect(refused.stderr.contains("held back 7 changes that remove or narrow access"))
        #expect(refused.stdout.contains("\(grants) grants"), "the grants were made")

        let after = try SchemaValue.parse(try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "json"]).stdout)
        #expect(after["summary"]?["grants"]?.int == 0)
        #expect(after["summary"]?["users_to_create"]?.int == 0)
        #expect(
            (after["summary"]?["revocations"]?.int ?? 0) + (after["summary"]?["window_changes"]?.int ?? 0) == 4, "only what was held back is left")
        #expect(after["summary"]?["schedules_to_create"]?.int == 3, "the exceptions wait with them")
        let allowed = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve", "--allow-mass-revoke"])
        #expect(allowed.status == 0)
        #expect(try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"]).status == 0)
    }

    @Test("the example reading another platform's exports validates, plans as examples/gym does, applies and converges")
    func foreignExport() throws {
        let site = try copyExample("gym-mindbody")
        defer { try? FileManager.default.removeItem(atPath: site) }
        #expect(try Kisictl.run(["validate", "--config", site]).status == 0)
        let summary = { (run: Run) in run.stdout.split(separator: "\n").last { $0.hasPrefix("Plan: ") }.map(String.init) }
        let plan = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--no-color"])
        let gym = try Kisictl.run(["plan", "--config", repositoryRoot + "/examples/gym", "--sandbox", "--rate", "0", "--no-color"])
        #expect(summary(plan) != nil)
        #expect(summary(plan) == summary(gym), "the same members, read from the other shape")
        let apply = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"]).status == 0)
    }

    @Test("validate --data-json prints the records as kisictl read them: the mapped export reads as examples/gym's own files")
    func dataJSON() throws {
        func records(_ site: String) throws -> [String: [[String: String]]] {
            let run = try Kisictl.run(["validate", "--config", repositoryRoot + "/examples/" + site, "--data-json"])
            #expect(run.status == 0, "\(run.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: [[String: Any]]] ?? [:]
            return json.mapValues { rows in
                rows.map { row in
                    var fields = row.compactMapValues { $0 as? String }
                    #expect(fields.removeValue(forKey: "source")?.contains("/examples/\(site)/") == true)
                    fields["name"] = fields["name"].map { $0.replacingOccurrences(of: "ë", with: "e") }
                    return fields
                }
            }
        }
        let mapped = try records("gym-mindbody"), native = try records("gym")
        #expect(mapped["memberships"]?.count == 63)
        #expect(mapped == native)
    }

    @Test("a second apply waits for the lock or stops, saying who holds it")
    func concurrentApplies() throws {
        let site = try copyExample("gym")
        try FileManager.default.createDirectory(atPath: site + "/.kisictl", withIntermediateDirectories: true)
        let lock = site + "/.kisictl/apply.lock"
        // Another apply: this process holds the lock the way kisictl does.
        let descriptor = open(lock, O_RDWR | O_CREAT, 0o600)
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        let holder = #"{"pid":\#(getpid()),"host":"\#(ProcessInfo.processInfo.hostName)","user":"ci","since":"2026-11-22T10:00:00Z"}"#
        _ = holder.withCString { write(descriptor, $0, strlen($0)) }
        let blocked = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("another apply holds \(lock): process \(getpid()) of ci on"))

        let release = Thread {
            Thread.sleep(forTimeInterval: 1)
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
        release.start()
        let waited = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve", "--lock-timeout", "10s"])
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(try String(contentsOfFile: lock, encoding: .utf8).isEmpty, "the lock is released after the apply, its holder cleared")
    }

    @Test("what a lock file says cannot jam the lock: a reused pid, garbage or nothing; a directory in its place is named")
    func lockFileContents() throws {
        let site = try copyExample("gym")
        try FileManager.default.createDirectory(atPath: site + "/.kisictl", withIntermediateDirectories: true)
        let lock = site + "/.kisictl/apply.lock"
        let contents = [
            #"{"pid":1,"host":"\#(ProcessInfo.processInfo.hostName)","user":"ci","since":"2026-11-22T10:00:00Z"}"#,
            #"{"pid":4242,"host":"another-runner","user":"ci","since":"2026-11-22T10:00:00Z"}"#, "garbage \u{0}", "",
        ]
        for content in contents {
            try content.write(toFile: lock, atomically: true, encoding: .utf8)
            let run = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
            #expect(run.status == 0, "\(content): \(run.stderr)")
            // What was there is named, whatever it was.
            if content.hasPrefix("{") {
                #expect(run.stderr.contains("note: took over \(lock) from process"), "\(run.stderr)")
            } else if !content.isEmpty {
                #expect(run.stderr.contains("note: took over \(lock), which held something other than a lock record"), "\(run.stderr)")
            }
        }
        try FileManager.default.removeItem(atPath: lock)
        try FileManager.default.createDirectory(atPath: lock, withIntermediateDirectories: true)
        let directory = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        #expect(directory.status == 1)
        #expect(directory.stderr.contains("cannot open the lock file \(lock)"))
    }

    @Test("outside a terminal, apply needs --auto-approve or a saved plan; --at is for the sandbox only")
    func approvals() throws {
        let site = try copyExample("gym")
        let run = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("apply outside a terminal needs --auto-approve"))
        let at = try Kisictl.run(["apply", "--config", site, "--at", "2026-11-23T09:00", "--auto-approve"])
        #expect(at.status != 0)
        #expect(at.stderr.contains("--at applies access as of another time: allowed only against the sandbox"))
    }
}
