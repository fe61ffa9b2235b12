import Foundation
import JSONSupport
import Testing

/// The audit log answers "when and why did we revoke this person?".
@Suite("The audit log")
struct AuditLogTests {
    struct DuplicateKey: Error { var key: String }

    /// Parses a line and refuses any object holding a key twice.
    static func strictlyParsed(_ line: Substring) throws -> JSONValue {
        let value = try JSONParser.parse(Array(line.utf8))
        func check(_ value: JSONValue) throws {
            switch value {
            case .object(let members, _):
                var seen = Set<String>()
                for (key, member) in members {
                    guard seen.insert(key).inserted else { throw DuplicateKey(key: key) }
                    try check(member)
                }
            case .array(let elements): try elements.forEach(check)
            default: break
            }
        }
        try check(value)
        return value
    }

    @Test("an audit log that cannot be written stops the apply before its first write to Kisi, without a crash, and releases the lock")
    func unwritableLog() throws {
        let site = try copyExample("gym")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let run = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve", "--audit-log", "/dev/full"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: cannot write the audit log /dev/full: "))
        #expect(!run.stderr.contains("Fatal error"))
        #expect(run.stdout.contains("Done: nothing."), "\(run.stdout)")
        let plan = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(plan.status == 2, "every change is still to be made")
        #expect(try String(contentsOfFile: site + "/.kisictl/apply.lock", encoding: .utf8).isEmpty, "the lock was released")
    }

    @Test("every line is one object with unique keys, ids, windows, reasons and the plan; kisictl log finds a person's lines")
    func linesAnswerQuestions() throws {
        let site = try copyExample("gym")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let apply = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stderr)")
        let text = try String(contentsOfFile: site + "/.kisictl/audit.jsonl", encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count > 10)
        let entries = try lines.map(Self.strictlyParsed)
        for entry in entries {
            for key in ["time", "plan_id", "action", "address", "group", "reasons", "outcome"] { #expect(entry[key] != nil, "\(key)") }
        }
        #expect(Set(entries.compactMap { $0["plan_id"]?.stringValue }).count == 1, "one apply, one plan")
        #expect(entries.filter { $0["outcome"]?.stringValue == "intent" }.count * 2 == entries.count, "an intent and an outcome per write")
        // Every write has its intent line before its outcome: a crash between them leaves the intent.
        for (index, entry) in entries.enumerated() where entry["outcome"]?.stringValue != "intent" {
            #expect(
                entries[..<index].contains {
                    $0["outcome"]?.stringValue == "intent" && $0["address"] == entry["address"] && $0["action"] == entry["action"]
                }, "an intent line precedes \(entry["address"]?.stringValue ?? "")")
        }
        let outcomes = entries.filter { $0["outcome"]?.stringValue != "intent" }
        let revocations = outcomes.filter { $0["action"]?.stringValue == "revoke" }
        #expect(!revocations.isEmpty)
        for revocation in revocations {
            #expect(revocation["role_assignment_id"]?.intValue != nil)
            #expect(revocation["window_before"] != nil)
            #expect(revocation["reasons"].map { if case .array(let reasons) = $0 { !reasons.isEmpty } else { false } } == true)
        }
        let grants = outcomes.filter { $0["action"]?.stringValue == "grant" || $0["action"]?.stringValue == "create_user_and_grant" }
        #expect(!grants.isEmpty && grants.allSatisfy { $0["new_role_assignment_id"]?.intValue != nil && $0["window_after"] != nil })
        #expect(!text.contains("@example.net\""), "addresses are masked")

        let hugo = try Kisictl.run(["log", "hugo.fontaine@example.net", "--config", site, "--sandbox", "--format", "json"])
        #expect(hugo.status == 0, "\(hugo.stderr)")
        let hugoLines = try hugo.stdout.split(separator: "\n").map(Self.strictlyParsed)
        let person = try #require(hugoLines.first?["person"]?.stringValue)
        #expect(person.hasPrefix("h***@example.net#"))
        #expect(hugoLines.count == entries.filter { $0["person"]?.stringValue == person }.count)
        #expect(hugoLines.count >= 1)
        let words = try Kisictl.run(["log", "hugo.fontaine@example.net", "--config", site, "--sandbox"])
        #expect(words.stdout.contains("because membership"))

        let none = try Kisictl.run(["log", "--config", site, "--since", "2999-01-01", "--format", "json"])
        #expect(none.status == 0)
        #expect(none.stdout.isEmpty)
        let all = try Kisictl.run(["log", "--config", site, "--since", "30d", "--format", "json"])
        #expect(all.stdout.split(separator: "\n").count == lines.count)
    }
}
