import Foundation
import TestSupport
import Testing

/// Names and addresses are personal data: `--mask-emails` hides both everywhere it is taken,
/// and masked addresses stay unique for tools keyed by address.
@Suite("Private outputs")
struct PrivacyTests {
    /// Every customer's name and address in an example's CSV export.
    static func people(_ site: String) throws -> [(name: String, email: String)] {
        let lines = try String(contentsOfFile: site + "/data/customers.csv", encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        return lines.compactMap { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return cells.count >= 3 && !cells[2].isEmpty ? (cells[1], cells[2]) : nil
        }
    }

    @Test("masked JSON has no names or addresses, unique resource addresses, and validates against the schema")
    func maskedJSON() throws {
        let site = try copyExample("coworking")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let run = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "json", "--mask-emails"])
        #expect(run.status == 0, "\(run.stderr)")
        let people = try Self.people(site)
        #expect(people.count > 50, "the check below cannot pass vacuously")
        for person in people {
            #expect(!run.stdout.contains(person.email), "\(person.email)")
            #expect(person.name.isEmpty || !run.stdout.contains(person.name), "\(person.name)")
        }
        let json = try SchemaValue.parse(run.stdout)
        let addresses = json["resource_changes"]?.array.compactMap { $0["address"]?.string } ?? []
        #expect(addresses.count > 50)
        #expect(Set(addresses).count == addresses.count, "masked addresses stay apart")
        let planned = json["planned_values"]?["root_module"]?["resources"]?.array.compactMap { $0["address"]?.string } ?? []
        #expect(Set(planned).count == planned.count)
        let validator = try JSONSchemaValidator(schemaFiles: [repositoryRoot + "/schema/plan.schema.json"])
        #expect(validator.errors(json, against: "plan.schema.json") == [])
        // policy.notify is true here: the plan says who Kisi will e-mail, masked.
        let recipients = json["notify"]?["recipients"]?.array.compactMap(\.string) ?? []
        #expect(json["notify"]?["enabled"] == .bool(true))
        #expect(recipients.count == Set(recipients).count)
        #expect(!recipients.isEmpty && recipients.allSatisfy { $0.contains("***@") })
    }

    @Test("the plan says who Kisi will e-mail in text and Markdown; apply --mask-emails and show --mask-emails print no address")
    func notifyAndApply() throws {
        let site = try copyExample("coworking")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let text = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "-out", site + "/p.plan"])
        #expect(text.stdout.contains("people granted access (policy.notify is true): "))
        #expect(text.stdout.contains("Kisi will e-mail "))
        let markdown = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "markdown"])
        #expect(markdown.stdout.contains("Kisi will e-mail "))
        let people = try Self.people(site)
        let show = try Kisictl.run(["show", site + "/p.plan", "--mask-emails"])
        #expect(show.status == 0)
        let apply = try Kisictl.run(["apply", site + "/p.plan", "--config", site, "--sandbox", "--rate", "0", "--mask-emails"])
        #expect(apply.status == 0, "\(apply.stderr)")
        for output in [show.stdout, apply.stdout, apply.stderr] {
            #expect(!people.contains { output.contains($0.email) })
        }
        #expect(people.contains { text.stdout.contains($0.email) }, "without the flag, addresses show")
    }
}
