import Foundation
import Testing

@Suite("kisictl validate and explain, end to end")
struct CommandLineTests {
    static let examples = ["examples/studio", "examples/coworking", "examples/gym"]
    static let exampleInstant = "2026-11-23T09:00"

    @Test("validate exits 0 and prints a summary for each example", arguments: examples)
    func validateExamples(site: String) throws {
        let run = try Kisictl.run(["validate", "--config", site, "--at", Self.exampleInstant])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Config:      \(site)/kisictl.yaml"))
        #expect(run.stdout.contains("GROUP"))
        #expect(run.stdout.contains("ACCESS NOW"))
        #expect(run.stdout.contains("Valid: 0 errors"))
    }

    @Test("DESIGN.md's example config validates unchanged, with a data folder")
    func designExample() throws {
        let run = try Kisictl.run(["validate", "--config", "Tests/Fixtures/design-example/kisictl.yaml", "--at", "2026-11-23T09:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Groups:      4 (3 managed), 3 rules"))
    }

    @Test("four config mistakes are all printed with file:line:column, exit status 1")
    func brokenConfig() throws {
        let run = try Kisictl.run(["validate", "--config", "Tests/Fixtures/broken-config"])
        #expect(run.status == 1)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains(": error: ") }.count == 4)
        #expect(lines.contains { $0.hasPrefix("Tests/Fixtures/broken-config/kisictl.yaml:3:11: error: timezone:") })
        #expect(lines.contains { $0.hasPrefix("Tests/Fixtures/broken-config/kisictl.yaml:9:5: error: groups.classes.grnat: unknown key") })
        #expect(lines.contains { $0.hasPrefix("Tests/Fixtures/broken-config/kisictl.yaml:15:26: error: groups.rooms.grant[0].window.before:") })
        #expect(
            lines.contains { $0.hasPrefix("Tests/Fixtures/broken-config/kisictl.yaml:16:9: error: groups.rooms.grant[1]: a rule needs a selector") })
        #expect(lines.last == "4 errors, 0 warnings")
        #expect(run.stdout.isEmpty)
    }

    @Test("validate --format json reports errors as JSON, exit status 1")
    func brokenConfigJSON() throws {
        let run = try Kisictl.run(["validate", "--config", "Tests/Fixtures/broken-config", "--format", "json"])
        #expect(run.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(object?["valid"] as? Bool == false)
        #expect((object?["errors"] as? [[String: Any]])?.count == 4)
        #expect((object?["errors"] as? [[String: Any]])?.first?["line"] as? Int == 3)
    }

    @Test("for a fixed --at, validate --format json is byte-identical across runs", arguments: examples)
    func validateJSONStable(site: String) throws {
        let arguments = ["validate", "--config", site, "--at", Self.exampleInstant, "--format", "json"]
        let first = try Kisictl.run(arguments)
        let second = try Kisictl.run(arguments)
        #expect(first.status == 0)
        #expect(!first.stdout.isEmpty)
        #expect(first.stdout == second.stdout)
        let object = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        #expect(object?["valid"] as? Bool == true)
        #expect((object?["at"] as? String)?.hasSuffix("Z") == true)
    }

    @Test("for a fixed --at, explain --format json is byte-identical across runs and has the documented shape")
    func explainJSON() throws {
        let arguments = [
            "explain", "Alice.Archer@studio.example", "--config", "Tests/Fixtures/design-example",
            "--at", "2026-11-23T09:00:00Z", "--format", "json",
        ]
        let first = try Kisictl.run(arguments)
        let second = try Kisictl.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == second.stdout)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(object["email"] as? String == "Alice.Archer@studio.example")
        #expect(object["at"] as? String == "2026-11-23T09:00:00Z")
        let groups = try #require(object["groups"] as? [[String: Any]])
        #expect(groups.map { $0["group"] as? String } == ["classes", "rooms", "unlimited"])
        let unlimited = groups[2]
        #expect(unlimited["access"] as? Bool == true)
        #expect(unlimited["valid_from"] as? String == "2026-01-01T00:00:00Z")
        #expect(unlimited["valid_until"] as? String == "2027-01-01T00:00:00Z")
        #expect(unlimited["reasons"] as? [String] == ["membership Unlimited #m-1 active until 2026-12-31"])
        #expect(groups[0]["valid_from"] is NSNull)
        #expect(groups[0]["access"] as? Bool == false)
    }

    @Test("explain json is stable for every example's people", arguments: examples)
    func explainStableExamples(site: String) throws {
        for email in ["owner@example.com", "nobody@example.com", "ana.guest@partner.example", "zoe.zhang@example.net"] {
            let arguments = ["explain", email, "--config", site, "--at", Self.exampleInstant, "--format", "json"]
            let first = try Kisictl.run(arguments)
            #expect(first.status == 0)
            #expect(first.stdout == (try Kisictl.run(arguments)).stdout)
        }
    }

    @Test("explain says when a grant is a Kisi guest's, in text and JSON")
    func explainGuest() throws {
        let site = repositoryRoot + "/examples/coworking"
        let text = try Kisictl.run(["explain", "ana.guest@partner.example", "--config", site, "--at", Self.exampleInstant])
        #expect(text.status == 0)
        #expect(
            text.stdout.contains(
                "rooms (Meeting room bookings)\n  access: yes (as a Kisi guest), from 2026-11-23 09:00 until 2026-11-23 16:30\n    - invited as a guest to booking room Board Room #b-0001"
            ), "\(text.stdout)")
        let json = try Kisictl.run(["explain", "ana.guest@partner.example", "--config", site, "--at", Self.exampleInstant, "--format", "json"])
        let groups = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])["groups"] as? [[String: Any]]
        let rooms = try #require(groups?.first { $0["group"] as? String == "rooms" })
        #expect(rooms["as_guest"] as? Bool == true)
        #expect(groups?.filter { $0["as_guest"] as? Bool == true }.count == 1)
    }

    @Test("explain text shows each group's access, window and reasons in local time")
    func explainText() throws {
        let run = try Kisictl.run(["explain", "carol@studio.example", "--config", "Tests/Fixtures/design-example", "--at", "2026-11-23T09:00"])
        #expect(run.status == 0)
        #expect(
            run.stdout.contains(
                "rooms (Meeting rooms)\n  access: not yet; granted in advance, from 2026-11-23 11:30 until 2026-11-23 16:30\n    - invited to booking room Board Room #b-1 2026-11-23 12:00–16:00\n"
            ))
        #expect(
            run.stdout.contains("unlimited (Unlimited 6am-11pm)\n  access: no\n    - no rule grants: membership Unlimited #m-3 expired 2026-11-15\n"))
        #expect(run.stdout.contains("unmanaged (kisictl does not change them): staff"))
    }

    @Test("--config defaults to the site in the working directory")
    func defaultConfig() throws {
        let run = try Kisictl.run(["validate", "--at", Self.exampleInstant], in: repositoryRoot + "/examples/studio")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Config:      kisictl.yaml + 3 group files"))
    }

    @Test("a malformed --at is rejected before anything runs")
    func badInstant() throws {
        let run = try Kisictl.run(["validate", "--config", "examples/gym", "--at", "next tuesday"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--at"))
    }

    @Test("Access semantics: exempt people are marked, whatever the spelling of their address")
    func exemptMarked() throws {
        let run = try Kisictl.run([
            "explain", " OWNER@studio.example", "--config", "Tests/Fixtures/design-example",
            "--at", "2026-11-23T09:00", "--format", "json",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["exempt"] as? Bool == true)
        let text = try Kisictl.run(["explain", "owner@studio.example", "--config", "Tests/Fixtures/design-example", "--at", "2026-11-23T09:00"])
        #expect(text.stdout.contains("exempt: policy.exempt lists this person, so kisictl never revokes their access"))
    }

    @Test("--at accepts a date (local midnight), a local time, and an instant with an offset, all in the site's zone")
    func instantForms() throws {
        func at(_ value: String) throws -> String? {
            let run = try Kisictl.run(["validate", "--config", "examples/coworking", "--at", value, "--format", "json"])
            return (try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["at"] as? String
        }
        #expect(try at("2026-11-23") == "2026-11-23T05:00:00Z")
        #expect(try at("2026-11-23T09:00") == "2026-11-23T14:00:00Z")
        #expect(try at("2026-11-23T09:00:00+01:00") == "2026-11-23T08:00:00Z")
    }

    @Test("an unknown e-mail gets one entry per managed group saying it is not in the data")
    func unknownPerson() throws {
        let run = try Kisictl.run([
            "explain", "stranger@example.com", "--config", "Tests/Fixtures/design-example",
            "--at", "2026-11-23T09:00", "--format", "json",
        ])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["found"] as? Bool == false)
        let groups = try #require(object["groups"] as? [[String: Any]])
        #expect(groups.count == 3)
        #expect(groups.allSatisfy { ($0["reasons"] as? [String]) == ["no customer record or booking invitation has this e-mail address"] })
    }

    @Test("Terraform's single-dash spellings are accepted: -detailed-exitcode, -no-color, -target, -auto-approve, -destroy")
    func terraformSpellings() throws {
        let site = try copyExample("gym")
        let targeted = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "-detailed-exitcode", "-no-color", "-target", "pool"])
        #expect(targeted.status == 2, "\(targeted.stderr)")
        #expect(targeted.stdout.contains("Targeted: only kisi_group.pool (--target)"))
        let apply = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "-auto-approve", "-no-color"])
        #expect(apply.status == 0, "\(apply.stderr)")
        let destroy = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "-destroy", "-detailed-exitcode"])
        #expect(destroy.status == 2)
        #expect(destroy.stdout.hasPrefix("kisictl plan --destroy for "))
    }

    @Test("the JSON Schemas resolve offline: no $id on the web, and every $ref inside the file or to a file beside it")
    func schemasResolveOffline() throws {
        let folder = repositoryRoot + "/schema"
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".json") {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            #expect(!text.contains("\"$id\""), "\(file) has an $id, against which relative references would be fetched")
            let references = text.components(separatedBy: "\"$ref\": \"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            #expect(!references.isEmpty || file == "plan.schema.json")
            for reference in references where !reference.hasPrefix("#") {
                let target = String(reference.prefix { $0 != "#" })
                #expect(FileManager.default.fileExists(atPath: folder + "/" + target), "\(file): \(reference) names a file beside it")
            }
        }
    }
}
