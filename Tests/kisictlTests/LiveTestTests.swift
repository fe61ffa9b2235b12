import Foundation
import Testing

/// `kisictl doctor --live-test`: kisictl's assumptions about Kisi, checked on an account.
@Suite("doctor --live-test", .serialized)
struct LiveTestTests {
    @Test("against the sandbox every assumption holds, and everything it made is gone again")
    func sandbox() throws {
        let site = try copyExample("gym")
        let before = try String(contentsOfFile: site + "/sandbox.yaml", encoding: .utf8)
        let run = try Kisictl.run(["doctor", "--config", site, "--sandbox", "--live-test", "--rate", "0"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let lines = run.stdout.components(separatedBy: "\n").filter {
            $0.hasPrefix("  holds ") || $0.hasPrefix("  differs ") || $0.hasPrefix("  not checked ")
        }
        #expect(lines.count == 9, "\(run.stdout)")
        #expect(lines.allSatisfy { $0.hasPrefix("  holds ") }, "\(run.stdout)")
        #expect(run.stdout.contains("ok    live test: 9 assumptions hold"))
        // Nothing left behind: a plan after it still shows the example's story, and no test group.
        let state = try String(contentsOfFile: site + "/.kisictl/sandbox-state.json", encoding: .utf8)
        #expect(!state.contains("kisictl live test"))
        #expect(!state.contains("kisictl-live-test+"))
        #expect(try String(contentsOfFile: site + "/sandbox.yaml", encoding: .utf8) == before)
    }

    @Test("against a Kisi that ignores windows sent by PATCH it says differs, and apply still converges")
    func patchIgnoringSandbox() throws {
        let site = try copyExample("studio")
        let seed = try String(contentsOfFile: site + "/sandbox.yaml", encoding: .utf8)
        try (seed + "\nemulate: {patch_ignores_validity: true}\n").write(toFile: site + "/sandbox.yaml", atomically: true, encoding: .utf8)
        let doctor = try Kisictl.run(["doctor", "--config", site, "--sandbox", "--live-test", "--rate", "0"])
        #expect(doctor.status == 0, "kisictl copes, so this is a warning: \(doctor.stdout)")
        #expect(doctor.stdout.contains("  differs     window on PATCH: Kisi answered the PATCH of valid_until"))
        #expect(doctor.stdout.contains("kisictl changes windows by revoking and granting again"))
        #expect(doctor.stdout.contains("warn  live test: Kisi differs where kisictl copes: window on PATCH"))

        let plan = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0"])
        #expect(plan.stdout.contains("(by revoking and granting again)"), "\(plan.stdout)")
        let apply = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("window changes were made by revoking and granting again"))
        let again = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(again.status == 0, "converged: \(again.stdout)")
        let audit = try String(contentsOfFile: site + "/.kisictl/audit.jsonl", encoding: .utf8)
        #expect(audit.contains("\"outcome\":\"ignored\""))

        let doctorAfter = try Kisictl.run(["doctor", "--config", site, "--sandbox", "--rate", "0"])
        #expect(doctorAfter.stdout.contains("warn  window changes: on "), "\(doctorAfter.stdout)")
    }

    @Test("on a real account the live test needs consent")
    func consent() throws {
        let site = try copyExample("gym")
        let run = try Kisictl.run(["doctor", "--config", site, "--live-test"], environment: ["KISI_API_KEY": "not-used"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("Add --allow-writes to consent"))
    }
}
