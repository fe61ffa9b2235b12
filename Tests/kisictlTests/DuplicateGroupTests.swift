import Foundation
import Subprocesses
import TestSupport
import Testing

/// Kisi holding two groups for one managed address: the plan shows the merge step by step in
/// every format, and apply leaves one group.
@Suite("Duplicate groups in Kisi")
struct DuplicateGroupTests {
    @Test("a second \"Unlimited 6am-11pm\" is merged: each step shown in text, Markdown and JSON; apply converges")
    func merged() throws {
        let site = try copyExample("studio")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let seedPath = site + "/sandbox.yaml"
        let seed = try String(contentsOfFile: seedPath, encoding: .utf8)
        #expect(seed.contains("\nintegrations:\n"))
        try seed.replacingOccurrences(
            of: "\nintegrations:\n",
            with: """

                - name: Unlimited 6am-11pm
                  place: Riverside Studio
                  members: [cleo.obrien@example.org, {email: walk.in@example.com, valid_until: '2026-12-01T00:00:00Z'}]
                  managers: [desk@example.com]
                integrations:

                """
        ).write(toFile: seedPath, atomically: true, encoding: .utf8)

        let text = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--no-color"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(!text.stderr.contains("groups named"), "the duplicate no longer blocks the plan")
        #expect(text.stdout.contains("delete duplicate group \"Unlimited 6am-11pm\""), "\(text.stdout)")
        #expect(text.stdout.contains("grant desk@example.com as group_manager"))
        #expect(text.stdout.contains("the role moves to"))
        #expect(text.stdout.contains("1 duplicate group to delete"))

        let markdown = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "markdown"])
        #expect(markdown.stdout.contains("delete (duplicate)"))

        let json = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "json"])
        let validator = try JSONSchemaValidator(schemaFiles: [repositoryRoot + "/schema/plan.schema.json"])
        let document = try SchemaValue.parse(json.stdout)
        #expect(validator.errors(document, against: "plan.schema.json") == [])
        #expect(document["summary"]?["groups_to_delete"]?.int == 1, "\(json.stdout.prefix(600))")

        let apply = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.contains("1 duplicate groups deleted") || apply.stdout.contains("duplicate groups deleted"), "\(apply.stdout)")
        let again = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(!again.stdout.contains("duplicate"), "\(again.stdout)")
    }

    @Test("two applies from two checkouts of one organization at once create one group, and both succeed")
    func twoCheckouts() throws {
        let sites = try [copyExample("studio"), copyExample("studio")]
        defer { for site in sites { try? FileManager.default.removeItem(atPath: site) } }
        // Slow answers, so that both look for the new group before either creates it.
        let sandbox = try ServedSandbox(seed: sites[0] + "/sandbox.yaml", arguments: ["--faults", "latency=150ms"])
        defer { sandbox.stop() }
        for site in sites {
            try """
            late-evening:
              name: Late Evening
              place: Riverside Studio
              grant:
                - memberships: [Unlimited]

            """.write(toFile: site + "/groups/late.yaml", atomically: true, encoding: .utf8)
            let configPath = site + "/kisictl.yaml"
            try String(contentsOfFile: configPath, encoding: .utf8).replacingOccurrences(
                of: "  api_key_env: KISI_API_KEY\n", with: "  api_key_env: KISI_API_KEY\n  endpoint: \(sandbox.baseURL)\n"
            ).write(toFile: configPath, atomically: true, encoding: .utf8)
        }
        let environment = ProcessInfo.processInfo.environment.merging(["KISI_API_KEY": "sandbox-studio-key"]) { $1 }
        let applies = try sites.map { site in
            try ProcessRunner.start(
                .init(
                    program: Kisictl.binary, arguments: ["apply", "--config", site, "--auto-approve", "--rate", "0", "--allow-mass-revoke"],
                    environment: environment, timeout: .seconds(300)))
        }
        let results = applies.map { $0.finish() }
        for result in results {
            #expect(result.termination == .exited(0), "\(String(decoding: result.stderr, as: UTF8.self))")
        }
        let listed = try Kisictl.run(
            ["plan", "--config", sites[1], "--rate", "0", "--format", "json"], environment: ["KISI_API_KEY": "sandbox-studio-key"])
        let plan = try SchemaValue.parse(listed.stdout)
        #expect(plan["summary"]?["groups_to_create"]?.int == 0)
        #expect(plan["summary"]?["groups_to_delete"]?.int == 0, "no duplicate left to merge")
        #expect(!listed.stderr.contains("groups named"))
    }
}
