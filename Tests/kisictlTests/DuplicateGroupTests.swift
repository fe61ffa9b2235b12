import Foundation
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
}
