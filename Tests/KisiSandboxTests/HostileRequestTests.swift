import Foundation
import Testing

@testable import KisiSandbox

@Suite("The sandbox under hostile requests")
struct HostileRequestTests {
    @Test("a body over 8 MiB is refused with 413, and the sandbox keeps serving")
    func oversizedBody() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        let huge = "{\"group\": {\"name\": \"" + String(repeating: "x", count: 9 * 1024 * 1024) + "\"}}"
        let refused = try await sandbox.send("POST", "/groups", body: huge)
        #expect(refused.status == 413)
        #expect(refused.json?["code"]?.stringValue == "a00413")
        #expect(try await sandbox.send("GET", "/groups").status == 200)
    }

    @Test("the sandbox writes its state (which holds its API keys) readable by its owner only")
    func privateState() async throws {
        let path = NSTemporaryDirectory() + "kisictl-state-" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let state = try SandboxSeed.load(path: SandboxHarness.studioSeed).state()
        try SandboxStore.save(state, to: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
    }
}
