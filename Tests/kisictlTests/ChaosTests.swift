import AccessModel
import Foundation
import PlanModel
import SeededRandom
import Subprocesses
import Testing

/// 50 SIGKILLs of kisictl at random moments of applies under faults, each followed by a new
/// apply; then applies until converged. Kisi must hold no duplicate, and every write it holds
/// must have its intent line in the audit log. Slow (a few minutes): run with
/// `KISICTL_CHAOS=1 swift test --filter ChaosTests`.
@Suite("Chaos: SIGKILL during applies", .enabled(if: ProcessInfo.processInfo.environment["KISICTL_CHAOS"] != nil))
struct ChaosTests {
    static let kills = Int(ProcessInfo.processInfo.environment["KISICTL_CHAOS_KILLS"] ?? "") ?? 50

    @Test("50 SIGKILLs mid-apply: no duplicates, convergence, an intent line for every write Kisi holds")
    func sigkills() throws {
        let folder = NSTemporaryDirectory() + "kisictl-chaos-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let site = folder + "/site"
        #expect(try Kisictl.run(["sandbox", "generate", "--customers", "2000", "--churn", "0.1", "--out", site]).status == 0)
        // A group Kisi lacks, so that creates are killed too.
        let configPath = site + "/kisictl.yaml"
        var config = try String(contentsOfFile: configPath, encoding: .utf8)
        #expect(config.contains("    place: \"Synthetic Site\"\n"))
        config += "  chaos-new:\n    name: Chaos New\n    place: Synthetic Site\n    grant:\n      - memberships: [Unlimited]\n"
        let state = folder + "/state.json"
        let sandbox = try ServedSandbox(
            seed: site + "/sandbox.yaml",
            arguments: ["--state", state, "--faults", "seed=7,latency=2ms-30ms,500=2%,503=2%,429=2%,burst=2,drop-after=3%,drop-before=1%"])
        defer { sandbox.stop() }
        config = config.replacingOccurrences(
            of: "  api_key_env: KISI_API_KEY\n", with: "  api_key_env: KISI_API_KEY\n  endpoint: \(sandbox.baseURL)\n")
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let key = "sandbox-synthetic-key"
        let audit = folder + "/audit.jsonl"
        let apply = ["apply", "--config", site, "--auto-approve", "--rate", "0", "--audit-log", audit, "--allow-mass-revoke", "--allow-mass-grant"]
        let environment = ProcessInfo.processInfo.environment.merging(["KISI_API_KEY": key]) { $1 }
        let initial = try Self.kisi(state)

        var random = SplitMix64(seed: 50)
        var killed = 0
        for _ in 0..<Self.kills {
            let running = try ProcessRunner.start(
                .init(program: Kisictl.binary, arguments: apply, environment: environment, timeout: .seconds(300)))
            Thread.sleep(forTimeInterval: 0.3 + random.unit() * 2.5)
            running.send(SIGKILL)
            if running.finish().termination == .signalled(SIGKILL) { killed += 1 }
        }
        #expect(killed > Self.kills / 2, "most applies were killed mid-way (\(killed))")

        var converged = false
        for _ in 0..<6 where !converged {
            _ = try Kisictl.run(apply, environment: ["KISI_API_KEY": key])
            converged =
                try Kisictl.run(["plan", "--config", site, "--rate", "0", "--detailed-exitcode"], environment: ["KISI_API_KEY": key]).status == 0
        }
        #expect(converged, "applies converge after the kills")

        let final = try Self.kisi(state)
        #expect(final.roleHolders.count > 1000, "the state was read: \(final.roleHolders.count) roles")
        #expect(final.duplicates.isEmpty, "\(final.duplicates.prefix(10))")
        #expect(final.groups.filter { $0 == "Chaos New" }.count == 1)

        // Every role Kisi holds that the run made has an intent line for its person.
        let salt = PlanKey(apiKey: key).maskSalt
        let lines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
        var intended = Set<String>()
        for line in lines where line.contains("\"outcome\":\"intent\"") {
            guard let start = line.range(of: "\"person\":\"")?.upperBound, let end = line[start...].firstIndex(of: "\"") else { continue }
            intended.insert(String(line[start..<end]))
        }
        let made = final.roleHolders.subtracting(initial.roleHolders)
        #expect(!made.isEmpty)
        let unrecorded = made.map { String($0.split(separator: "|")[0]) }.filter {
            !intended.contains(EmailAddress.masked($0) + "#" + PlanKey.tag(EmailAddress.normalized($0), salt: salt))
        }
        #expect(unrecorded.isEmpty, "\(unrecorded.count) roles without an intent line")
        print(
            "chaos: \(killed) of \(Self.kills) applies killed mid-way; \(made.count) roles made, \(final.roleHolders.count) held;"
                + " \(lines.count) audit lines; \(final.duplicates.count) duplicates; \(unrecorded.count) roles without an intent line")
    }

    /// What the sandbox's saved state holds, and any duplicate in it.
    struct Kisi {
        var groups: [String] = []
        /// `email|group id` of every user's role.
        var roleHolders = Set<String>()
        var duplicates: [String] = []
    }

    static func kisi(_ path: String) throws -> Kisi {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
        func rows(_ key: String) -> [[String: Any]] { json[key] as? [[String: Any]] ?? [] }
        var kisi = Kisi()
        var seen = Set<String>()
        func once(_ key: String) { if !seen.insert(key).inserted { kisi.duplicates.append(key) } }
        var emails: [Int: String] = [:]
        for user in rows("users") {
            let email = (user["email"] as? String ?? "").lowercased()
            emails[user["id"] as? Int ?? 0] = email
            once("user \(email)")
        }
        for group in rows("groups") {
            let name = group["name"] as? String ?? ""
            kisi.groups.append(name)
            once("group \(name) in \(group["place_id"] as? Int ?? 0)")
        }
        for link in rows("group_locks") { once("door \(link["group_id"] as? Int ?? 0)/\(link["lock_id"] as? Int ?? 0)") }
        for role in rows("role_assignments") {
            guard role["assignee_type"] as? String == "User", let user = role["assignee_id"] as? Int, let group = role["group_id"] as? Int
            else { continue }
            once("role \(user) in \(group)")
            if let email = emails[user] { kisi.roleHolders.insert("\(email)|\(group)") }
        }
        return kisi
    }
}
