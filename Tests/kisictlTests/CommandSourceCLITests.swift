import Foundation
import Subprocesses
import Testing

/// A `source.command` seen from the command line: a hanging export must not hold the apply
/// (and its lock) hostage, and the export never sees the Kisi key.
@Suite("Command sources under kisictl")
struct CommandSourceCLITests {
    /// The gym example fed by a script instead of its files.
    private func site(script: String, timeout: String = "2s") throws -> String {
        let site = try copyExample("gym")
        let configPath = site + "/kisictl.yaml"
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        #expect(config.contains("source:\n  files: data\n"))
        try config.replacingOccurrences(of: "source:\n  files: data\n", with: "source:\n  command: ./export.sh\n  timeout: \(timeout)\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        try ("#!/bin/sh\n" + script).write(toFile: site + "/export.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: site + "/export.sh")
        return site
    }

    private static let export = """
        printf '{"customers": '; cat data/customers.json; printf ', "memberships": '; cat data/memberships.json; printf ', "holds": '; cat data/holds.json; printf '}'
        """

    @Test("the export never sees the Kisi key, whichever variable holds it, and runs in the config's folder")
    func keyWithheld() throws {
        let site = try site(
            script: """
                env | grep -q '^KISI_API_KEY=\\|^NORTHSIDE_KISI_KEY=' && { echo "the Kisi key reached the export" >&2; exit 3; }
                \(Self.export)
                """)
        defer { try? FileManager.default.removeItem(atPath: site) }
        // Relative to the working directory: the program starts in the config's folder all the same.
        let parent = (site as NSString).deletingLastPathComponent
        let run = try Kisictl.run(
            ["plan", "--config", (site as NSString).lastPathComponent, "--sandbox", "--rate", "0"], in: parent,
            environment: ["KISI_API_KEY": "sk_live_must_not_leak", "NORTHSIDE_KISI_KEY": "sk_live_gym_must_not_leak"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Plan: 15 users to create, 19 grants, 2 window changes, 3 revocations."), "\(run.stdout)")
        #expect(!run.stderr.contains("reached the export"))
    }

    @Test("a hanging export and the child it left are stopped within timeout + grace; the apply ends and releases its lock")
    func hangingExport() throws {
        let site = try site(script: "echo 'asking the platform API' >&2\nsleep 1000 &\necho $! > child.pid\nsleep 1000\n")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let started = Date()
        let run = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        let took = Date().timeIntervalSince(started)
        #expect(run.status == 1)
        #expect(
            run.stderr.contains("source command ./export.sh did not finish within 2s and was stopped; its stderr says:\n    asking the platform API"))
        #expect(took < 2 + 3 + 5, "timeout 2 s + grace 3 s, and kisictl's own start")
        let child = try #require(pid_t(String(contentsOfFile: site + "/child.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        Thread.sleep(forTimeInterval: 0.2)
        let state = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
        #expect(state == nil || state == "Z", "the export's child \(child) is still running")
        #expect(try String(contentsOfFile: site + "/.kisictl/apply.lock", encoding: .utf8).isEmpty, "the lock was released")
        // The next apply is not blocked by anything the first left behind.
        try ("#!/bin/sh\n" + Self.export).write(toFile: site + "/export.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: site + "/export.sh")
        let next = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        #expect(next.status == 0, "\(next.stderr)")
    }

    @Test("Ctrl-C during a plan waiting on an export ends kisictl at once, and the export with it")
    func interruptedPlan() throws {
        let site = try site(script: "sleep 1000 &\necho $! > child.pid\nsleep 1000\n", timeout: "10m")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let plan = try ProcessRunner.start(
            .init(program: Kisictl.binary, arguments: ["plan", "--config", site, "--sandbox", "--rate", "0"], timeout: .seconds(60)))
        waitUntil(seconds: 30) { FileManager.default.fileExists(atPath: site + "/child.pid") }
        Thread.sleep(forTimeInterval: 0.2)
        plan.send(SIGINT)
        let ended = plan.finish()
        #expect(ended.termination == .exited(130))
        #expect(ended.stop == nil, "ended by the signal, not by the test's timeout")
        let child = try #require(pid_t(String(contentsOfFile: site + "/child.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        Thread.sleep(forTimeInterval: 0.3)
        let state = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
        #expect(state == nil || state == "Z", "the export's child \(child) is still running")
    }
}
