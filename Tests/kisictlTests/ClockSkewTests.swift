import Foundation
import Subprocesses
import Testing

/// The local clock against Kisi's `Date` header, through a proxy that shifts it.
@Suite("Clock skew", .serialized)
struct ClockSkewTests {
    /// `Tests/Fixtures/skewed-proxy.py` in front of a served sandbox.
    final class SkewedProxy {
        let program: RunningProgram
        let port: String

        init(upstream: String, skew: Int) throws {
            let portFile = NSTemporaryDirectory() + "kisictl-proxy-\(UUID().uuidString)"
            program = try ProcessRunner.start(
                .init(
                    program: "python3", arguments: [repositoryRoot + "/Tests/Fixtures/skewed-proxy.py", upstream, String(skew), portFile],
                    timeout: .seconds(300)))
            waitUntil(seconds: 20) { FileManager.default.fileExists(atPath: portFile) }
            port = try String(contentsOfFile: portFile, encoding: .utf8)
            try? FileManager.default.removeItem(atPath: portFile)
        }

        func stop() {
            program.send(SIGTERM)
            _ = program.finish()
        }
    }

    /// The gym example pointed at the proxy, its key in the variable the config names.
    private func run(_ arguments: [String], skew: Int) throws -> Run {
        let site = try copyExample("gym")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let sandbox = try ServedSandbox(seed: site + "/sandbox.yaml")
        defer { sandbox.stop() }
        let proxy = try SkewedProxy(upstream: sandbox.baseURL, skew: skew)
        defer { proxy.stop() }
        let configPath = site + "/kisictl.yaml"
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        try config.replacingOccurrences(
            of: "  api_key_env: NORTHSIDE_KISI_KEY\n", with: "  api_key_env: NORTHSIDE_KISI_KEY\n  endpoint: http://127.0.0.1:\(proxy.port)\n"
        ).write(toFile: configPath, atomically: true, encoding: .utf8)
        return try Kisictl.run(arguments + ["--config", site, "--rate", "0"], environment: ["NORTHSIDE_KISI_KEY": "sandbox-gym-key"])
    }

    @Test("over 5 minutes apart, apply refuses and nothing is written; the plan says why")
    func refusesApply() throws {
        let apply = try run(["apply", "--auto-approve"], skew: 420)
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("error: the local clock is 7.0 min behind Kisi's (its Date header)"), "\(apply.stderr)")
        #expect(apply.stderr.contains("apply refuses until then"))
        #expect(apply.stderr.contains("Nothing was applied."))
        #expect(!apply.stdout.contains("Apply complete"))
        let plan = try run(["plan", "--format", "json"], skew: -420)
        #expect(plan.stdout.contains("the local clock is 7.0 min ahead of Kisi's"), "\(plan.stdout.prefix(400))")
    }

    @Test("between 1 and 5 minutes apart, every plan warns and apply goes ahead")
    func warns() throws {
        let plan = try run(["plan", "--no-color"], skew: 150)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("the local clock is 2.5 min behind Kisi's"), "\(plan.stdout)")
        let apply = try run(["apply", "--auto-approve"], skew: 150)
        #expect(apply.status == 0, "\(apply.stderr)")
        let inTime = try run(["plan", "--no-color"], skew: 5)
        #expect(!inTime.stdout.contains("local clock"))
    }

    @Test("a served sandbox plans at its seed's clock, as the embedded one does; --clock now uses the real time")
    func servedSandboxClock() throws {
        let site = try copyExample("gym")
        defer { try? FileManager.default.removeItem(atPath: site) }
        let embedded = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--no-color"])
        let summary = try #require(embedded.stdout.split(separator: "\n").last { $0.hasPrefix("Plan: ") })
        let configPath = site + "/kisictl.yaml"
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        func planServed(_ arguments: [String]) throws -> Run {
            let sandbox = try ServedSandbox(seed: site + "/sandbox.yaml", arguments: arguments)
            defer { sandbox.stop() }
            try config.replacingOccurrences(
                of: "  api_key_env: NORTHSIDE_KISI_KEY\n", with: "  api_key_env: NORTHSIDE_KISI_KEY\n  endpoint: \(sandbox.baseURL)\n"
            ).write(toFile: configPath, atomically: true, encoding: .utf8)
            return try Kisictl.run(
                ["plan", "--config", site, "--rate", "0", "--no-color"], environment: ["NORTHSIDE_KISI_KEY": "sandbox-gym-key"])
        }
        let served = try planServed([])
        #expect(served.stdout.contains("evaluated at 2026-11-22T22:00:00Z"), "\(served.stdout.prefix(300))")
        #expect(served.stdout.split(separator: "\n").last { $0.hasPrefix("Plan: ") } == summary)
        let realTime = try planServed(["--clock", "now"])
        #expect(!realTime.stdout.contains("evaluated at 2026-11-22T22:00:00Z"))
    }
}
