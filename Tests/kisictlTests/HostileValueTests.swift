import Foundation
import Testing

/// Values no one should write, written anyway: errors that say so, never a crash or a leak.
@Suite("Hostile values")
struct HostileValueTests {
    @Test("extreme durations in the config and on the command line are errors, not arithmetic traps")
    func extremeDurations() throws {
        let site = try copyExample("gym")
        defer { try? FileManager.default.removeItem(atPath: site) }
        for flags in [["--max-plan-age", "9223372036854775807s"], ["--lock-timeout", "9223372036854775807s"], ["--lock-timeout", "36526d"]] {
            let run = try Kisictl.run(["apply", "--config", site, "--sandbox", "--auto-approve"] + flags)
            #expect(run.status == 64, "\(flags): \(run.stderr)")
            #expect(run.stderr.contains("expects a duration"))
        }
        let config = site + "/kisictl.yaml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try text.replacingOccurrences(of: "lookahead: 2d", with: "lookahead: 9223372036854775807s").write(
            toFile: config, atomically: true, encoding: .utf8)
        let validate = try Kisictl.run(["validate", "--config", site])
        #expect(validate.status == 1)
        #expect(validate.stderr.contains("policy.lookahead: expected a duration"), "\(validate.stderr)")
        #expect(!validate.stderr.contains("Fatal error"))
    }

    @Test("an endpoint with credentials is never echoed; the sandbox's state is its owner's only")
    func privateState() throws {
        let site = try copyExample("gym")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let run = try Kisictl.run(
            ["plan", "--config", site], environment: ["NORTHSIDE_KISI_KEY": "k", "KISI_ENDPOINT": "ftp://deploy:s3cret@kisi.example/?token=t0ken"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("is not an http(s) URL"))
        #expect(!run.stderr.contains("s3cret") && !run.stderr.contains("t0ken"))

        #expect(try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0"]).status == 0)
        let folder = try FileManager.default.attributesOfItem(atPath: site + "/.kisictl")[.posixPermissions] as? Int
        let state = try FileManager.default.attributesOfItem(atPath: site + "/.kisictl/sandbox-state.json")[.posixPermissions] as? Int
        #expect(folder == 0o700)
        #expect(state == 0o600)
    }
}
