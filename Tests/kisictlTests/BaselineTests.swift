import Foundation
import TestSupport
import Testing

/// `plan --baseline-ref` and `--baseline` over a real git repository made in the test: the
/// studio example as a site, a pull request that adds a rule, then one that removes a rule.
@Suite("What this change does: plans against a baseline", .serialized)
struct BaselineTests {
    /// A repository holding the studio example in `site/`, committed as it is.
    struct Repository {
        let root: String
        var site: String { root + "/site" }

        /// A clone already made.
        init(existing root: String) { self.root = root }

        init() throws {
            root = NSTemporaryDirectory() + "kisictl-baseline-repo-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: try copyExample("studio"), toPath: root + "/site")
            try git("init", "-q")
            try git("add", "-A")
            try commit("the site")
        }

        @discardableResult
        func git(_ arguments: String...) throws -> String {
            let run = try Subprocess.run("/usr/bin/env", ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"] + arguments, in: root)
            #expect(run.status == 0, "git \(arguments): \(run.stderr)")
            return run.stdout
        }

        func commit(_ message: String) throws { try git("commit", "-q", "-am", message) }

        func edit(_ file: String, _ old: String, _ new: String) throws {
            let path = site + "/" + file
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(old), "\(old) in \(file)")
            try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
        }

        /// A checkout of a revision beside the repository, as CI checks out a base branch.
        func checkout(_ ref: String) throws -> String {
            let folder = root + "-" + ref.replacingOccurrences(of: "~", with: "-")
            try git("worktree", "add", "-q", "--detach", folder, ref)
            return folder + "/site"
        }
    }

    /// A JSON plan's changes (no-ops left out) and prevented changes, as `action address` by origin.
    struct Marked {
        var changes: [String: [String]] = [:]
        var prevented: [String] = []
        var json: [String: Any]

        init(_ run: Run) throws {
            json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
            for change in json["resource_changes"] as? [[String: Any]] ?? [] {
                guard let line = Self.line(change) else { continue }
                changes[change["origin"] as? String ?? "none", default: []].append(line)
            }
            prevented = (json["prevented_changes"] as? [[String: Any]] ?? []).compactMap(Self.line)
        }

        static func line(_ change: [String: Any]) -> String? {
            let actions = (change["change"] as? [String: Any])?["actions"] as? [String] ?? []
            return actions == ["no-op"] ? nil : "\(actions.joined(separator: ",")) \(change["address"] as? String ?? "")"
        }
    }

    static func plan(_ site: String, _ extra: [String], format: String = "json") throws -> Run {
        try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", format] + extra)
    }

    @Test("a pull request adding a rule: exactly the grants it causes are this change, all else is pending, nothing prevented")
    func addRule() throws {
        let repository = try Repository()
        try repository.edit(
            "kisictl.yaml", "      - memberships: [10-Class Pack, 5-Class Pack]\n",
            "      - memberships: [10-Class Pack, 5-Class Pack]\n      - memberships: [Founding Member]\n")
        try repository.commit("packs: founding members too")

        let marked = try Marked(try Self.plan(repository.site, ["--baseline-ref", "HEAD~1"]))
        // The founding members with no class pack, whom the new rule brings into `packs`.
        #expect(
            marked.changes["change"]?.sorted() == [
                "create kisi_role_assignment.packs[\"kira.usman@example.com\"]",
                "create kisi_role_assignment.packs[\"tomas.ivanova@example.net\"]",
            ])
        #expect(marked.prevented.isEmpty)
        #expect(marked.changes["none"] == nil, "every change is marked")
        let validator = try JSONSchemaValidator(schemaFiles: [repositoryRoot + "/schema/plan.schema.json"])
        #expect(
            validator.errors(try SchemaValue.parse(try Self.plan(repository.site, ["--baseline-ref", "HEAD~1"]).stdout), against: "plan.schema.json")
                == [])

        // Pending is what the base config plans by itself, whichever group needs a user first.
        let base = try Marked(try Self.plan(try repository.checkout("HEAD~1"), []))
        func people(_ lines: [String]) -> [String] {
            lines.map { $0.hasPrefix("create kisi_user.") ? "create kisi_user[" + $0.split(separator: "[", maxSplits: 1)[1] : $0 }
        }
        #expect(Set(people(marked.changes["pending"] ?? [])) == Set(people(base.changes["none"] ?? [])))

        let text = try Self.plan(repository.site, ["--baseline-ref", "HEAD~1"], format: "text")
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[1] == "Compared with HEAD~1: the same member data, instant and Kisi, planned with that config.")
        let start = try #require(lines.firstIndex(of: "This change: 2 grants"))
        #expect(lines[start + 2] == "# packs: \"Class pack holders\" (Kisi group 30003)")
        #expect(lines[start + 4] == "      membership Founding Member #m-051 active with no end date", "each change with its reasons")
        #expect(!text.stdout.contains("Prevented by this change"))
        #expect(text.stdout.contains("\nPending regardless (HEAD~1 would make these too): "))
    }

    @Test("a pull request removing a rule: its revocations are this change, the grants it stops are prevented; --baseline DIR agrees")
    func removeRule() throws {
        let repository = try Repository()
        let rule =
            "    - registrations: {kinds: [class], sessions: [\"Yoga *\", \"Pilates *\", HIIT]}\n      window: {before: 30m, after: 15m}  # TeamUp's Access Duration\n"
            + "      require: {tags: [waiver]}          # no class before the waiver is signed\n"
        try repository.edit("groups/classes.yaml", rule, "")
        try repository.commit("studio-1: members only")

        let run = try Self.plan(repository.site, ["--baseline-ref", "HEAD~1"])
        let marked = try Marked(run)
        let validator = try JSONSchemaValidator(schemaFiles: [repositoryRoot + "/schema/plan.schema.json"])
        #expect(validator.errors(try SchemaValue.parse(run.stdout), against: "plan.schema.json") == [])
        #expect(marked.json["baseline"] as? String == "HEAD~1")
        let change = marked.changes["change"] ?? []
        let revocations = change.filter { $0.hasPrefix("delete ") }
        #expect(
            revocations == [
                "delete kisi_role_assignment.studio-1[\"chloe.obrien@example.net\"]",
                "delete kisi_role_assignment.studio-1[\"nadia.petrov@example.org\"]",
            ])
        #expect(change.allSatisfy { $0.contains(".studio-1[") }, "only studio-1 changes because of this: \(change)")
        let grants = marked.prevented.filter { $0.hasPrefix("create kisi_role_assignment.") }
        #expect(grants.count == 30)
        #expect(marked.prevented.allSatisfy { $0.contains(".studio-1[") && $0.hasPrefix("create ") })
        // Every grant it prevents is one a class registration gave.
        for prevented in marked.json["prevented_changes"] as? [[String: Any]] ?? [] where (prevented["type"] as? String) == "kisi_role_assignment" {
            let reasons = prevented["reasons"] as? [String] ?? []
            #expect(reasons.allSatisfy { $0.hasPrefix("registration ") }, "\(reasons)")
        }

        let text = try Self.plan(repository.site, ["--baseline-ref", "HEAD~1"], format: "text").stdout
        let order = ["\nThis change: ", "\nPrevented by this change: ", "\nPending regardless (HEAD~1 would make these too): "].map {
            text.range(of: $0)?.lowerBound
        }
        #expect(order.allSatisfy { $0 != nil } && order == order.sorted { $0! < $1! }, "the three parts, in order")
        let markdown = try Self.plan(repository.site, ["--baseline-ref", "HEAD~1"], format: "markdown").stdout
        #expect(markdown.contains("**This change: 1 window change, 2 revocations**"))
        #expect(markdown.contains("<details><summary><b>Pending regardless (HEAD~1 would make these too): "), "pending is collapsed")
        #expect(markdown.contains("<details open><summary><code>studio-1</code>"), "this change's groups are open")

        // A checkout of the base branch is the same baseline.
        let folder = try Marked(try Self.plan(repository.site, ["--baseline", try repository.checkout("HEAD~1")]))
        #expect(folder.changes == marked.changes)
        #expect(folder.prevented == marked.prevented)
    }

    @Test("a baseline the config cannot be read at is an error that says why; --baseline and --destroy do not mix")
    func badBaselines() throws {
        let repository = try Repository()
        let unknown = try Self.plan(repository.site, ["--baseline-ref", "no-such-branch"], format: "text")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no-such-branch"), "\(unknown.stderr)")
        let outside = try copyExample("studio")
        let notGit = try Self.plan(outside, ["--baseline-ref", "HEAD~1"], format: "text")
        #expect(notGit.status == 1)
        #expect(notGit.stderr.contains("is not in one"), "\(notGit.stderr)")
        let both = try Self.plan(repository.site, ["--baseline-ref", "HEAD", "--destroy"], format: "text")
        #expect(both.status != 0)
        #expect(both.stderr.contains("--destroy"))
    }
}
