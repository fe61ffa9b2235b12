import Foundation
import TestSupport
import Testing

/// What the data hides, and the guards on it: each case a new user met, on a generated
/// 2,000-customer site planned at 2026-11-23 09:00 against the embedded sandbox.
@Suite("Data warnings and guards on broken exports")
struct DataGuardTests {
    /// A generated site, with its exports editable as rows.
    struct GeneratedSite {
        let folder: String

        init() throws {
            folder = NSTemporaryDirectory() + "kisictl-guards-" + UUID().uuidString
            let run = try Kisictl.run(["sandbox", "generate", "--customers", "2000", "--out", folder])
            guard run.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: run.stderr]) }
        }

        func run(_ arguments: [String]) throws -> Run {
            try Kisictl.run(arguments + ["--config", folder, "--sandbox", "--rate", "0"])
        }

        func plan(_ extra: [String] = []) throws -> (run: Run, json: SchemaValue) {
            let run = try run(["plan", "--format", "json"] + extra)
            return (run, try SchemaValue.parse(run.stdout))
        }

        /// Rewrites one export: its header and rows as lists of cells (no quoted commas in generated data).
        func edit(_ entity: String, _ change: (_ header: [String], _ rows: inout [[String]]) -> Void) throws {
            let path = folder + "/data/\(entity).csv"
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            change(header, &rows)
            try ([lines[0]] + rows.map { $0.joined(separator: ",") }).joined(separator: "\n").appending("\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    static let validator = try! JSONSchemaValidator(schemaFiles: [repositoryRoot + "/schema/plan.schema.json"])

    @Test("an e-mail with a space: a warning in text (and on stderr), Markdown and JSON, and the revocation names the skipped record")
    func addressWithSpace() throws {
        let site = try GeneratedSite()
        defer { site.remove() }
        try site.edit("customers") { header, rows in
            let email = header.firstIndex(of: "email")!
            rows[5][email] = rows[5][email].replacingOccurrences(of: "@", with: " @")
        }
        let text = try site.run(["plan"])
        #expect(text.status == 0)
        #expect(
            text.stderr.contains(
                "warning: 4 data warnings:\n  \(site.folder)/data/customers.csv:7: email: customer #c-5 has an invalid e-mail address; skipped"))
        #expect(text.stdout.contains("Data warnings (4):"))
        #expect(
            text.stdout.contains(
                "  - revoke member5@example.com\n      no rule explains this member: not in the member data\n      customers.csv:7 skipped: invalid e-mail\n"
            ))

        let markdown = try site.run(["plan", "--format", "markdown"])
        #expect(markdown.stdout.contains("<details><summary><b>Data warnings (4)</b></summary>"))
        #expect(markdown.stdout.contains("- \(site.folder)/data/customers.csv:7: email: customer #c-5 has an invalid e-mail address; skipped"))

        let (_, json) = try site.plan()
        #expect(Self.validator.errors(json, against: "plan.schema.json") == [])
        let first = try #require(json["warnings"]?[0])
        #expect(first["file"]?.string == site.folder + "/data/customers.csv")
        #expect(first["line"]?.int == 7)
        #expect(first["message"]?.string == "email: customer #c-5 has an invalid e-mail address; skipped")
        let revocations = json["resource_changes"]?.array.filter { $0["index"]?.string == "member5@example.com" } ?? []
        #expect(!revocations.isEmpty)
        #expect(revocations.allSatisfy { $0["reasons"]?.array.contains(.string("customers.csv:7 skipped: invalid e-mail")) == true })
    }

    /// The exports that broke in the field, and the guard each trips.
    enum BrokenExport: String, CaseIterable, CustomTestStringConvertible {
        /// 1,849 of 2,000 customer rows.
        case truncatedCustomers
        /// Cut at 92%.
        case customersCutAt92
        /// Cut to 70%: also shrank since the last apply.
        case customersCutTo70
        /// Every current membership now starts three days ahead.
        case startsMovedAhead
        /// Every membership active, with no end.
        case everythingActive

        var testDescription: String { rawValue }

        func apply(to site: GeneratedSite) throws {
            switch self {
            case .truncatedCustomers: try site.edit("customers") { _, rows in rows = Array(rows.prefix(1849)) }
            case .customersCutAt92: try site.edit("customers") { _, rows in rows = Array(rows.prefix(1840)) }
            case .customersCutTo70: try site.edit("customers") { _, rows in rows = Array(rows.prefix(1400)) }
            case .startsMovedAhead:
                try site.edit("memberships") { header, rows in
                    let starts = header.firstIndex(of: "starts_on")!, ends = header.firstIndex(of: "ends_on")!
                    for index in rows.indices
                    where rows[index][starts] <= "2026-11-23" && (rows[index][ends].isEmpty || rows[index][ends] >= "2026-11-26") {
                        rows[index][starts] = "2026-11-26"
                    }
                }
            case .everythingActive:
                try site.edit("memberships") { header, rows in
                    let status = header.firstIndex(of: "status")!, ends = header.firstIndex(of: "ends_on")!
                    for index in rows.indices { (rows[index][status], rows[index][ends]) = ("active", "") }
                }
            }
        }

        var guards: [String] {
            switch self {
            case .truncatedCustomers, .customersCutAt92: ["max_skipped_records", "max_missing_members"]
            case .customersCutTo70: ["max_revocations", "max_skipped_records", "max_missing_members", "max_data_shrink"]
            case .startsMovedAhead: ["max_revocations"]
            case .everythingActive: ["max_grants"]
            }
        }
    }

    @Test(
        "each broken export trips its guard, in every format; apply then changes nothing, or only what widens access",
        arguments: BrokenExport.allCases)
    func brokenExport(_ broken: BrokenExport) throws {
        let site = try GeneratedSite()
        defer { site.remove() }
        // The last successful apply: the sizes data guards compare with.
        #expect(try site.run(["apply", "--auto-approve"]).status == 0)
        try broken.apply(to: site)

        let (plan, json) = try site.plan()
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(Self.validator.errors(json, against: "plan.schema.json") == [])
        #expect(json["guards"]?.array.compactMap { $0["guard"]?.string } == broken.guards)
        let distrusted = broken.guards != ["max_revocations"]
        #expect(json["applyable"] == .bool(!distrusted))
        #expect(plan.stderr.contains("warning: guard: "))
        let text = try site.run(["plan"])
        #expect(text.stdout.contains("Guard: "))
        #expect(try site.run(["plan", "--format", "markdown"]).stdout.contains("**Guards tripped.**"))

        let apply = try site.run(["apply", "--auto-approve"])
        #expect(apply.status == 1)
        let after = try site.plan().json
        if distrusted {
            #expect(apply.stderr.contains("Nothing was applied."))
            #expect(after["summary"] == json["summary"], "nothing changed in Kisi")
        } else {
            #expect(apply.stderr.contains("held back"))
            #expect(after["summary"]?["window_changes"] == json["summary"]?["window_changes"], "no window was narrowed")
            #expect(after["summary"]?["grants"]?.int == 0, "what widens access was applied")
        }
    }

    @Test("an empty export a rule needs, a misspelled column and a semicolon CSV are errors that say so")
    func unreadableExports() throws {
        let site = try GeneratedSite()
        defer { site.remove() }
        let bookings = site.folder + "/data/bookings.csv"
        let original = try String(contentsOfFile: bookings, encoding: .utf8)
        try String(original.prefix { $0 != "\n" } + "\n").write(toFile: bookings, atomically: true, encoding: .utf8)
        let empty = try site.run(["plan"])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("the member data holds no bookings, so this rule would grant nobody"))
        try original.write(toFile: bookings, atomically: true, encoding: .utf8)

        try site.edit("customers") { _, _ in }
        let customers = site.folder + "/data/customers.csv"
        let text = try String(contentsOfFile: customers, encoding: .utf8)
        try text.replacingOccurrences(of: "email,company_id\n", with: "email,company\n").write(toFile: customers, atomically: true, encoding: .utf8)
        let misspelled = try site.run(["plan"])
        #expect(misspelled.status == 1)
        #expect(misspelled.stderr.contains("unknown column \"company\" (did you mean \"company_id\"?)"))

        try text.replacingOccurrences(of: ",", with: ";").write(toFile: customers, atomically: true, encoding: .utf8)
        let semicolons = try site.run(["plan"])
        #expect(semicolons.status == 1)
        #expect(semicolons.stderr.contains("the file is separated by semicolons"))
    }
}
