import Foundation
import JSONSupport
import KisiSandbox
import Testing
import Yams

/// Getting on and off kisictl: import, doctor, show, destroy and release.
@Suite("Onboarding, diagnostics and teardown", .serialized)
struct OnboardingTests {
    static let examples = ["studio", "coworking", "gym"]

    @Test("import writes every group managed: false with its kisi_id, and planning the imported config changes nothing", arguments: examples)
    func importThenPlan(example: String) throws {
        let site = try copyExample(example)
        let imported = NSTemporaryDirectory() + "kisictl-import-" + UUID().uuidString
        let run = try Kisictl.run(["import", "--config", site, "--sandbox", "--out", imported, "--rate", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        let yaml = try String(contentsOfFile: imported + "/kisictl.yaml", encoding: .utf8)
        let groups = yaml.components(separatedBy: "\n    managed: false\n").count - 1
        #expect(groups >= 4)
        #expect(yaml.contains(" members\n") || yaml.contains(" member\n"))
        let pinned = yaml.split(separator: "\n").filter { $0.range(of: #"^    kisi_id: [0-9]+$"#, options: .regularExpression) != nil }
        #expect(pinned.count == groups, "import pins every group's Kisi id")
        #expect(!yaml.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "managed: true" })
        // The owner (the sandbox key's user) is exempt: onboarding a group never revokes who runs the site.
        let owner = try #require(
            try String(contentsOfFile: site + "/sandbox.yaml", encoding: .utf8).firstMatch(of: /user: ([^,}\s]+), role: owner/)?.1)
        #expect(yaml.contains("policy:\n  notify: false\n  exempt: [\"\(owner)\"]"))

        let plan = try Kisictl.run(["plan", "--config", imported, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.hasSuffix("No changes. Kisi matches the configuration.\n"))
        #expect(try Kisictl.run(["validate", "--config", imported]).status == 0)
        #expect(try Kisictl.run(["import", "--config", site, "--sandbox", "--out", imported]).status == 1, "no overwrite without --force")
    }

    @Test("import --place keeps only that place's groups; an unknown place is an error naming the places")
    func importPlace() throws {
        let site = try copyExample("coworking")
        let out = NSTemporaryDirectory() + "kisictl-import-" + UUID().uuidString
        let unknown = try Kisictl.run(["import", "--config", site, "--sandbox", "--place", "Nowhere", "--out", out, "--rate", "0"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("Kisi has no place named \"Nowhere\" (places: "))
        let place = try #require(
            try String(contentsOfFile: site + "/kisictl.yaml", encoding: .utf8)
                .split(separator: "\n").first { $0.contains("place: ") }?.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(
                    in: .whitespaces))
        let run = try Kisictl.run(["import", "--config", site, "--sandbox", "--place", place, "--out", out, "--rate", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        let yaml = try String(contentsOfFile: out + "/kisictl.yaml", encoding: .utf8)
        let places = Set(yaml.split(separator: "\n").filter { $0.hasPrefix("    place: ") })
        #expect(places == ["    place: \"\(place)\""])
    }

    /// A copy of an example whose exports were just written, as a running platform's would be.
    static func freshExample(_ name: String) throws -> String {
        let site = try copyExample(name)
        for file in try FileManager.default.contentsOfDirectory(atPath: site + "/data") {
            try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: site + "/data/" + file)
        }
        return site
    }

    @Test("doctor reports ok on every example", arguments: examples)
    func doctorOK(example: String) throws {
        let site = try Self.freshExample(example)
        let run = try Kisictl.run(["doctor", "--config", site, "--sandbox", "--rate", "0"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let statuses = run.stdout.split(separator: "\n").filter { $0.contains(": ") && !$0.hasPrefix(" ") }.map {
            $0.prefix(5).trimmingCharacters(in: .whitespaces)
        }
        // The studio's data has warnings on purpose (a shared, a missing and an invalid address): doctor says so.
        let warnings = run.stdout.split(separator: "\n").filter { $0.hasPrefix("warn") }
        #expect(
            warnings.map { $0.contains("data warnings: 3 warnings, the records of 2 people skipped; first: ") } == (example == "studio" ? [true] : [])
        )
        #expect(statuses.allSatisfy { $0 == "ok" || $0 == "warn" } && statuses.contains("ok"), "\(run.stdout)")
        for check in ["key", "rights", "names", "timezone", "data age", "data"] {
            #expect(run.stdout.contains("ok    \(check): "), "\(check) in \(run.stdout)")
        }
    }

    @Test("doctor fails, naming the problem and a fix, for a missing door, an integration-fed managed group and stale exports")
    func doctorFailures() throws {
        let site = try Self.freshExample("studio")
        var config = try String(contentsOfFile: site + "/kisictl.yaml", encoding: .utf8)
        config = config.replacingOccurrences(of: "doors: [Front Door]\n", with: "doors: [Front Door, Back Door]\n")
        config = config.replacingOccurrences(
            of: "    name: Staff\n    place: Riverside Studio\n    managed: false\n",
            with: "    name: Staff\n    place: Riverside Studio\n    grant:\n      - memberships: [Staff]\n")
        try config.write(toFile: site + "/kisictl.yaml", atomically: true, encoding: .utf8)
        let old = Date(timeIntervalSinceNow: -3 * 86_400)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: site + "/data/customers.csv")

        let run = try Kisictl.run(["doctor", "--config", site, "--sandbox", "--rate", "0"])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        func failure(_ check: String, _ text: String) {
            let index = lines.firstIndex { $0.hasPrefix("fail  \(check): ") && $0.contains(text) }
            #expect(index != nil, "fail \(check) with \(text) in \(run.stdout)")
            if let index { #expect(lines[index + 1].hasPrefix("      fix: ")) }
        }
        failure("doors", "groups.packs.doors: Kisi has no door named \"Back Door\" in Riverside Studio")
        failure("integrations", "groups.staff: Kisi group \"Staff\" is fed by the integration")
        failure("data age", "customers.csv was last written 3d")
        #expect(!run.stdout.contains("fail  key"))
    }

    @Test("doctor fails on a key Kisi rejects, and says where the key came from")
    func doctorRejectedKey() async throws {
        let site = try Self.freshExample("gym")
        let state = try SandboxSeed.load(path: site + "/sandbox.yaml").state()
        let running = try await SandboxServer(api: SandboxAPI(store: SandboxStore(state: state, stateFile: nil), rateLimit: 0)).start()
        defer { Task { await running.stop() } }
        // The gym's config names its key variable NORTHSIDE_KISI_KEY.
        let run = try await Kisictl.runOffPool(
            ["doctor", "--config", site, "--rate", "0"],
            environment: ["NORTHSIDE_KISI_KEY": "revoked-key", "KISI_ENDPOINT": running.baseURL])
        #expect(run.status == 1)
        #expect(run.stdout.contains("fail  key: Kisi at \(running.baseURL) rejected the key from $NORTHSIDE_KISI_KEY (401)"), "\(run.stdout)")
        #expect(!run.stdout.contains("revoked-key"))
        let good = try await Kisictl.runOffPool(
            ["doctor", "--config", site, "--rate", "0"],
            environment: ["NORTHSIDE_KISI_KEY": state.apiKeys[0].key, "KISI_ENDPOINT": running.baseURL])
        #expect(good.status == 0, "\(good.stdout)")
    }

    @Test("plan --destroy on a converged site revokes exactly the basic roles kisictl manages", arguments: examples)
    func destroy(example: String) throws {
        let site = try copyExample(example)
        #expect(try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"]).status == 0)
        let plan = try Kisictl.run(["plan", "--destroy", "--config", site, "--sandbox", "--rate", "0", "--format", "json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let document = try JSONParser.parse(Array(plan.stdout.utf8))
        var planned: Set<String> = []
        for change in document["resource_changes"]?.arrayValue ?? [] where change["change"]?["actions"]?.arrayValue != [.string("no-op")] {
            let actions = change["change"]?["actions"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(actions == ["delete"], "only revocations: \(change)")
            #expect(change["type"]?.stringValue == "kisi_role_assignment")
            planned.insert("\(change["name"]?.stringValue ?? "")/\(change["index"]?.stringValue ?? "")")
        }

        // What kisictl manages, read from the sandbox's state: basic roles in managed groups,
        // without exempt people (managers hold group_manager roles).
        let state = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: site + "/.kisictl/sandbox-state.json"))))
        let (managed, exempt) = try Self.managedGroupsAndExempt(site)
        let users = Dictionary(
            uniqueKeysWithValues: (state["users"]?.arrayValue ?? []).map { ($0["id"]?.intValue ?? 0, $0["email"]?.stringValue ?? "") })
        let groups = Dictionary(
            uniqueKeysWithValues: (state["groups"]?.arrayValue ?? []).map { ($0["id"]?.intValue ?? 0, $0["name"]?.stringValue ?? "") })
        let guests = Dictionary(
            uniqueKeysWithValues: (state["guests"]?.arrayValue ?? []).map { ($0["id"]?.intValue ?? 0, $0["email"]?.stringValue ?? "") })
        // Guests are kisictl's when their address is a person of the member data (a booking's invitee).
        let data = try JSONParser.parse(Array(try Kisictl.run(["validate", "--config", site, "--data-json"]).stdout.utf8))
        let people = Set(
            (data["customers"]?.arrayValue ?? []).compactMap { $0["email"]?.stringValue?.lowercased() }
                + (data["bookings"]?.arrayValue ?? []).flatMap { ($0["invitees"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() } })
        var expected: Set<String> = []
        for role in state["role_assignments"]?.arrayValue ?? [] where role["role_id"]?.stringValue == "group_basic" {
            guard let name = groups[role["group_id"]?.intValue ?? 0], let address = managed[name] else { continue }
            let id = role["assignee_id"]?.intValue ?? 0
            switch role["assignee_type"]?.stringValue {
            case "User":
                guard let email = users[id], !exempt.contains(email.lowercased()) else { continue }
                expected.insert("\(address)/\(email.lowercased())")
            case "Guest":
                guard let email = guests[id]?.lowercased(), people.contains(email) else { continue }
                expected.insert("\(address)/guest:\(email)")
            default: continue
            }
        }
        // Members no rule explains are kisictl's only under unexplained_members: revoke; under keep,
        // they are the revocations a plan would make if the policy were revoke.
        let configPath = site + "/kisictl.yaml"
        let original = try String(contentsOfFile: configPath, encoding: .utf8)
        if original.contains("unexplained_members: keep") {
            try original.replacingOccurrences(of: "unexplained_members: keep", with: "unexplained_members: revoke")
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            let strict = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "json"])
            try original.write(toFile: configPath, atomically: true, encoding: .utf8)
            for change in try JSONParser.parse(Array(strict.stdout.utf8))["resource_changes"]?.arrayValue ?? []
            where change["change"]?["actions"]?.arrayValue == [.string("delete")] {
                expected.remove("\(change["name"]?.stringValue ?? "")/\(change["index"]?.stringValue ?? "")")
            }
        }
        #expect(!expected.isEmpty)
        #expect(planned == expected)

        let text = try Kisictl.run(["plan", "--destroy", "--config", site, "--sandbox", "--rate", "0"])
        #expect(text.stdout.contains("kisictl plan --destroy for "))
        #expect(!text.stdout.contains("  + ") && !text.stdout.contains("  ~ "))
        let apply = try Kisictl.run(["apply", "--destroy", "--config", site, "--sandbox", "--rate", "0", "--auto-approve", "--allow-mass-revoke"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let after = try Kisictl.run(["plan", "--destroy", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(after.status == 0, "nothing left to revoke: \(after.stdout)")
    }

    /// Group name → address of the managed groups, and the exempt addresses, read with a YAML parser.
    static func managedGroupsAndExempt(_ site: String) throws -> ([String: String], Set<String>) {
        let top = try #require(try Yams.load(yaml: String(contentsOfFile: site + "/kisictl.yaml", encoding: .utf8)) as? [String: Any])
        var groups = top["groups"] as? [String: Any] ?? [:]
        for file in (try? FileManager.default.contentsOfDirectory(atPath: site + "/groups")) ?? [] {
            let more = try Yams.load(yaml: String(contentsOfFile: site + "/groups/" + file, encoding: .utf8)) as? [String: Any] ?? [:]
            groups.merge(more) { first, _ in first }
        }
        var managed: [String: String] = [:]
        for (address, value) in groups {
            guard let group = value as? [String: Any], let name = group["name"] as? String, group["managed"] as? Bool != false else { continue }
            managed[name] = address
        }
        let exempt = ((top["policy"] as? [String: Any])?["exempt"] as? [String] ?? []).map { $0.lowercased() }
        return (managed, Set(exempt))
    }

    @Test("releasing a group (managed: false, or removed from the config) changes nothing in Kisi")
    func release() throws {
        let site = try copyExample("studio")
        #expect(try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"]).status == 0)
        var config = try String(contentsOfFile: site + "/kisictl.yaml", encoding: .utf8)
        config = config.replacingOccurrences(
            of: "      - memberships: [10-Class Pack, 5-Class Pack]\n",
            with: "      - memberships: [10-Class Pack, 5-Class Pack]\n    managed: false\n")
        try config.write(toFile: site + "/kisictl.yaml", atomically: true, encoding: .utf8)
        let unmanaged = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(unmanaged.status == 0, "\(unmanaged.stdout)\(unmanaged.stderr)")
        try FileManager.default.removeItem(atPath: site + "/groups/classes.yaml")
        let removed = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(removed.status == 0, "\(removed.stdout)\(removed.stderr)")
    }

    @Test("show renders a saved plan as plan did, in every format, without a config or a key")
    func show() throws {
        let site = try copyExample("coworking")
        let planFile = site + "/reviewed.plan"
        #expect(try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "-out", planFile]).status == 0)
        for format in ["json", "markdown"] {
            let planned = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", format])
            let shown = try Kisictl.run(["show", planFile, "--format", format], in: NSTemporaryDirectory())
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout == planned.stdout, "\(format)")
        }
        let text = try Kisictl.run(["show", planFile], in: NSTemporaryDirectory())
        #expect(text.stdout.contains("  + grant ") && text.stdout.contains("\nPlan: "))
        let missing = try Kisictl.run(["show", site + "/nothing.plan"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read the saved plan"))
    }

    @Test("--version prints the version; completion scripts generate for bash, zsh and fish")
    func versionAndCompletions() throws {
        let version = try Kisictl.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
        for shell in ["bash", "zsh", "fish"] {
            let script = try Kisictl.run(["--generate-completion-script", shell])
            #expect(script.status == 0)
            #expect(script.stdout.contains("doctor") && script.stdout.contains("import") && script.stdout.contains("destroy"), "\(shell)")
        }
    }
}

@Suite("doctor with several sources")
struct DoctorSourcesTests {
    @Test("doctor checks each source: the one that does not load is named, a stale mapped export too")
    func eachSource() throws {
        let site = try copyExample("gym-mindbody")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let configPath = site + "/kisictl.yaml"
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        let start = try #require(config.range(of: "source:\n"))
        let end = try #require(config.range(of: "policy:\n"))
        let block = config[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        // The gym's source: block, one level deeper, is the first of two sources.
        let sources =
            "sources:\n  - name: platform\n" + block.joined(separator: "\n").trimmingCharacters(in: .newlines)
            + "\n  - name: staff\n    files: staff\n"
        try (String(config[..<start.lowerBound]) + sources + String(config[end.lowerBound...])).write(
            toFile: configPath, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: site + "/staff", withIntermediateDirectories: true)
        try "id,name\n1,Front Desk\n".write(toFile: site + "/staff/customers.csv", atomically: true, encoding: .utf8)
        let old = Date().addingTimeInterval(-3 * 86_400)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: site + "/export/Clients.csv")
        let doctor = try Kisictl.run(["doctor", "--config", site, "--sandbox", "--rate", "0"])
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("source platform"), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("source staff") && doctor.stdout.contains("does not load"), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("source platform: \(site)/export/Clients.csv was last written 3d ago"), "\(doctor.stdout)")
    }
}
