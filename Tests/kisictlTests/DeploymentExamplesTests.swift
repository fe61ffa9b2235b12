import Foundation
import Testing
import Yams

/// The CI and schedule examples parse for their tools and run the kisictl commands they should.
@Suite("CI and schedule examples")
struct DeploymentExamplesTests {
    static func yaml(_ path: String) throws -> [String: Any] {
        let text = try String(contentsOfFile: repositoryRoot + "/" + path, encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "\(path) is a YAML mapping")
    }

    /// Every shell line of a job's steps or script, joined.
    static func commands(_ value: Any?) -> String {
        switch value {
        case let text as String: return text
        case let list as [Any]: return list.map(commands).joined(separator: "\n")
        case let map as [String: Any]: return map.keys.sorted().map { commands(map[$0]) }.joined(separator: "\n")
        default: return ""
        }
    }

    @Test("GitHub Actions: plan on pull requests with a masked Markdown comment; apply the reviewed plan after merge")
    func github() throws {
        let workflow = try Self.yaml("examples/ci/github-actions.yml")
        // YAML 1.1 reads the key `on` as true: Yams gives it back as a Bool key or the string "on".
        let triggers = (workflow["on"] ?? workflow["true"]) as? [String: Any]
        #expect(triggers?["pull_request"] != nil && triggers?["push"] != nil)
        let jobs = try #require(workflow["jobs"] as? [String: Any])
        let plan = Self.commands(jobs["plan"]), apply = Self.commands(jobs["apply"])
        #expect(plan.contains("kisictl plan --config site $baseline --format markdown --mask-emails"))
        #expect(plan.contains("baseline=\"--baseline-ref $base\"") && plan.contains("base=\"${{ github.event.pull_request.base.sha }}\""))
        #expect(plan.contains("-out kisictl.plan") && plan.contains("upload-artifact"))
        #expect(plan.contains("gh pr comment"))
        #expect(apply.contains("kisictl apply kisictl.plan --config site"))
        #expect(apply.contains("--mask-emails"), "CI logs are shared: addresses and names masked")
        #expect(apply.contains("secrets.KISI_API_KEY"))
        #expect(!apply.contains("--auto-approve"), "after merge, only the reviewed plan is applied")
    }

    @Test("GitLab CI: plan in merge requests with a note; after merge, apply the plan the merge request reviewed")
    func gitlab() throws {
        let pipeline = try Self.yaml("examples/ci/gitlab-ci.yml")
        #expect(pipeline["stages"] as? [String] == ["plan", "apply"])
        let plan = try #require(pipeline["kisictl-plan"] as? [String: Any]), apply = try #require(pipeline["kisictl-apply"] as? [String: Any])
        #expect(Self.commands(plan["script"]).contains("kisictl plan --config site $baseline --format markdown --mask-emails"))
        #expect(Self.commands(plan["script"]).contains("baseline=\"--baseline-ref $base\""))
        #expect((plan["artifacts"] as? [String: Any])?["paths"] as? [String] == ["kisictl.plan", "plan.md"])
        #expect(Self.commands(apply["rules"]).contains("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"))
        let script = Self.commands(apply["script"])
        #expect(script.contains("download?job=kisictl-plan"))
        #expect(script.contains("kisictl apply kisictl.plan --config site"))
        #expect(script.contains("--mask-emails"), "CI logs are shared: addresses and names masked")
        #expect(!script.contains("--auto-approve"), "after merge, only the reviewed plan is applied")
    }

    /// Runs a CI plan script in a pull request's clone whose base branch is on `origin`, with a
    /// `kisictl` on the PATH that plans against the embedded sandbox: the script's commands, as
    /// the CI runner would run them.
    static func runPlanScript(_ script: String, environment: [String: String] = [:], substitute: (String) -> String) throws -> (Run, String) {
        let origin = try BaselineTests.Repository()
        let clone = origin.root + "-clone"
        try origin.git("clone", "-q", origin.root, clone)
        let pullRequest = BaselineTests.Repository(existing: clone)
        try pullRequest.edit(
            "kisictl.yaml", "      - memberships: [10-Class Pack, 5-Class Pack]\n",
            "      - memberships: [10-Class Pack, 5-Class Pack]\n      - memberships: [Founding Member]\n")
        try pullRequest.commit("packs: founding members too")
        let base = try origin.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)

        let bin = clone + "-bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\nexec '\(Kisictl.binary)' \"$@\" --sandbox --rate 0\n".write(toFile: bin + "/kisictl", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/kisictl")
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let run = try Subprocess.run(
            "/bin/bash", ["-e", "-c", substitute(script).replacingOccurrences(of: "@BASE@", with: base)], in: clone,
            environment: environment.mapValues { $0.replacingOccurrences(of: "@BASE@", with: base) }.merging(["PATH": path]) { $1 })
        let markdown = (try? String(contentsOfFile: clone + "/plan.md", encoding: .utf8)) ?? ""
        #expect(FileManager.default.fileExists(atPath: clone + "/kisictl.plan"), "the reviewed plan is saved")
        return (run, markdown)
    }

    @Test("the CI examples' plan steps, run in a pull request's clone, comment what the pull request changes")
    func planScriptsRun() throws {
        let workflow = try Self.yaml("examples/ci/github-actions.yml")
        let steps = try #require(((workflow["jobs"] as? [String: Any])?["plan"] as? [String: Any])?["steps"] as? [[String: Any]])
        let github = try #require(steps.first { $0["name"] as? String == "Plan" }?["run"] as? String)
        let (run, markdown) = try Self.runPlanScript(github) {
            $0.replacingOccurrences(of: "${{ github.event.pull_request.base.sha }}", with: "@BASE@")
        }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(markdown.contains("\n**This change: 2 grants**\n"), "\(markdown.prefix(600))")
        #expect(markdown.contains("<details><summary><b>Pending regardless ("))

        let pipeline = try Self.yaml("examples/ci/gitlab-ci.yml")
        let scripts = try #require((pipeline["kisictl-plan"] as? [String: Any])?["script"] as? [String])
        let gitlab = try #require(scripts.first { $0.contains("kisictl plan") })
        let (gitlabRun, gitlabMarkdown) = try Self.runPlanScript(gitlab, environment: ["CI_MERGE_REQUEST_DIFF_BASE_SHA": "@BASE@"]) { $0 }
        #expect(gitlabRun.status == 0, "\(gitlabRun.stdout) \(gitlabRun.stderr)")
        #expect(gitlabMarkdown.contains("\n**This change: 2 grants**\n"))
    }

    @Test("Kubernetes: a CronJob every 5 minutes, one at a time, with the key from a Secret")
    func kubernetes() throws {
        let job = try Self.yaml("examples/schedule/kubernetes-cronjob.yaml")
        #expect(job["apiVersion"] as? String == "batch/v1" && job["kind"] as? String == "CronJob")
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(spec["schedule"] as? String == "*/5 * * * *")
        #expect(spec["concurrencyPolicy"] as? String == "Forbid")
        let pod = try #require(
            (((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let args = container["args"] as? [String] ?? []
        #expect(Array(args.prefix(1)) == ["apply"] && args.contains("--auto-approve"))
        let env = try #require((container["env"] as? [[String: Any]])?.first)
        #expect(env["name"] as? String == "KISI_API_KEY")
        #expect(((env["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any])?["name"] as? String == "kisictl")
    }

    @Test("systemd: the service and timer pass systemd-analyze verify, running apply every 5 minutes")
    func systemd() throws {
        let folder = NSTemporaryDirectory() + "kisictl-units-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let service = try String(contentsOfFile: repositoryRoot + "/examples/schedule/kisictl-apply.service", encoding: .utf8)
        let timer = try String(contentsOfFile: repositoryRoot + "/examples/schedule/kisictl-apply.timer", encoding: .utf8)
        #expect(service.contains("ExecStart=/usr/local/bin/kisictl apply --config /srv/kisictl/site --auto-approve"))
        #expect(service.contains("--api-key-file ${CREDENTIALS_DIRECTORY}/kisi-api-key"))
        #expect(timer.contains("OnCalendar=*:0/5"))
        // The unit names /usr/local/bin/kisictl; verify checks the binary exists, so point it at ours.
        try service.replacingOccurrences(of: "/usr/local/bin/kisictl", with: Kisictl.binary)
            .write(toFile: folder + "/kisictl-apply.service", atomically: true, encoding: .utf8)
        try timer.write(toFile: folder + "/kisictl-apply.timer", atomically: true, encoding: .utf8)
        guard let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first(where: FileManager.default.isExecutableFile) else {
            Issue.record("systemd-analyze is not installed (apt-get install systemd)")
            return
        }
        let verify = try Subprocess.run(analyze, ["verify", "--man=no", folder + "/kisictl-apply.service", folder + "/kisictl-apply.timer"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
