import Foundation
import KisiSandbox
import Testing

/// The API key must never appear in what kisictl prints, saves or logs.
@Suite("The API key stays secret", .serialized)
struct SecretTests {
    static let key = "sk-live-K1S1-9f8e7d6c5b4a3210"

    @Test("no output, saved plan or audit log of a full session contains the key")
    func neverPrinted() async throws {
        let site = try copyExample("studio")
        let seed = try String(contentsOfFile: site + "/sandbox.yaml", encoding: .utf8)
            .replacingOccurrences(of: "sandbox-studio-key", with: Self.key)
        try seed.write(toFile: site + "/remote-sandbox.yaml", atomically: true, encoding: .utf8)
        let state = try SandboxSeed.load(path: site + "/remote-sandbox.yaml").state()
        let store = SandboxStore(state: state, stateFile: nil)
        let faults = try FaultPlan(spec: "seed=5,500=5%,503=5%,429=5%,drop-after=5%")
        let running = try await SandboxServer(api: SandboxAPI(store: store, rateLimit: 0), faults: faults).start()
        defer { Task { await running.stop() } }

        let planFile = site + "/saved.plan", audit = site + "/audit.jsonl"
        var outputs: [String] = []
        func kisictl(_ arguments: [String], key: String = SecretTests.key) async throws -> Kisictl.Run {
            let run = try await Kisictl.runOffPool(arguments, environment: ["KISI_API_KEY": key, "KISI_ENDPOINT": running.baseURL])
            outputs += [run.stdout, run.stderr]
            return run
        }
        let at = ["--at", "2026-11-23T09:00"]
        _ = try await kisictl(["validate", "--config", site] + at)
        _ = try await kisictl(["plan", "--config", site, "--rate", "0"] + at)
        _ = try await kisictl(["plan", "--config", site, "--rate", "0", "--format", "json"] + at)
        _ = try await kisictl(["plan", "--config", site, "--rate", "0", "--format", "markdown"] + at)
        #expect(try await kisictl(["plan", "--config", site, "--rate", "0", "-out", planFile] + at).status == 0)
        let applied = try await kisictl(["apply", planFile, "--config", site, "--rate", "0", "--audit-log", audit])
        #expect(applied.stdout.contains("Apply"), "\(applied.stderr)")
        _ = try await kisictl(["explain", "lena.becker@example.net", "--config", site] + at)
        let rejected = try await kisictl(["plan", "--config", site, "--rate", "0"] + at, key: Self.key + "-revoked")
        #expect(rejected.status == 1)
        #expect(rejected.stderr.contains("Kisi rejected the API key from $KISI_API_KEY (401)"))

        outputs.append(try String(contentsOfFile: planFile, encoding: .utf8))
        outputs.append(try String(contentsOfFile: audit, encoding: .utf8))
        #expect(outputs.count >= 18)
        for (index, text) in outputs.enumerated() {
            #expect(!text.contains(Self.key), "output \(index) contains the API key")
            #expect(!text.contains("K1S1"), "output \(index) contains part of the API key")
        }
    }
}
