import Foundation
import JSONSupport
import KisiSandbox
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("Sandbox rate limits and faults", .serialized)
struct RateLimitAndFaultTests {
    @Test("with a limit of 5 per second, a burst of 20 gets 429 beyond the fifth, in Kisi's error shape")
    func burst() async throws {
        let clock = ManualClock()
        let sandbox = try await SandboxHarness.start(rateLimit: 5, rateClock: clock)
        defer { Task { await sandbox.stop() } }
        let replies = try await withThrowingTaskGroup(of: SandboxHarness.Reply.self) { group in
            for _ in 0..<20 { group.addTask { try await sandbox.get("/groups?limit=1") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(replies.filter { $0.status == 200 }.count == 5)
        let refused = replies.filter { $0.status == 429 }
        #expect(refused.count == 15)
        #expect(refused.allSatisfy { $0.json?["code"]?.stringValue == "a00429" && $0.json?["error"] != nil })
        clock.advance(milliseconds: 999)
        #expect(try await sandbox.get("/groups?limit=1").status == 429, "still inside the same second")
        clock.advance(milliseconds: 1)
        #expect(try await sandbox.get("/groups?limit=1").status == 200, "one second after the burst")
    }

    @Test("the quota is per user: another user's key has its own")
    func perUser() async throws {
        let seed = try TemporarySeed(
            """
            organization: {name: Two admins}
            api_keys:
              - {key: first-key, user: first@example.com}
              - {key: second-key, user: second@example.com, role: administrator}
              - {key: first-other-key, user: first@example.com}
            """)
        let sandbox = try await SandboxHarness.start(seed: seed.path, rateLimit: 5, rateClock: ManualClock())
        defer { Task { await sandbox.stop() } }
        for _ in 0..<5 { #expect(try await sandbox.send("GET", "/user", key: .some("first-key")).status == 200) }
        #expect(try await sandbox.send("GET", "/user", key: .some("first-key")).status == 429)
        #expect(try await sandbox.send("GET", "/user", key: .some("first-other-key")).status == 429)
        #expect(try await sandbox.send("GET", "/user", key: .some("second-key")).status == 200)
    }

    /// What a client saw for each request: a status, or a dropped connection.
    static func outcomes(faults: String, requests: Int) async throws -> [String] {
        let sandbox = try await SandboxHarness.start(faults: try FaultPlan(spec: faults))
        defer { Task { await sandbox.stop() } }
        var outcomes: [String] = []
        for n in 0..<requests {
            do {
                let reply =
                    n % 3 == 0
                    ? try await sandbox.post("/users", #"{"user":{"email":"fault\#(n)@example.com"}}"#)
                    : try await sandbox.get("/groups?limit=1")
                outcomes.append(String(reply.status))
            } catch {
                outcomes.append("dropped")
            }
        }
        return outcomes
    }

    @Test("faults are reproducible: the same seed and request sequence meet the same faults")
    func reproducible() async throws {
        let spec = "seed=42,429=10%,500=5%,503=5%,drop-before=5%,drop-after=5%,burst=2"
        let first = try await Self.outcomes(faults: spec, requests: 60)
        let second = try await Self.outcomes(faults: spec, requests: 60)
        #expect(first == second)
        for kind in ["429", "500", "503", "dropped", "200"] { #expect(first.contains(kind), "\(kind) in \(first)") }
        let other = try await Self.outcomes(faults: spec.replacingOccurrences(of: "seed=42", with: "seed=43"), requests: 60)
        #expect(other != first)
    }

    @Test("a connection dropped after applying loses the answer but keeps the write")
    func dropAfterApplying() async throws {
        let state = try SandboxSeed.load(path: SandboxHarness.studioSeed).state()
        let api = SandboxAPI(store: SandboxStore(state: state, stateFile: nil), rateLimit: 0)
        let faulty = try await SandboxServer(api: api, faults: try FaultPlan(spec: "drop-after=100%")).start()
        let healthy = try await SandboxServer(api: api).start()
        defer {
            Task {
                await faulty.stop()
                await healthy.stop()
            }
        }
        var request = URLRequest(url: URL(string: faulty.baseURL + "/users")!)
        request.httpMethod = "POST"
        request.setValue("KISI-LOGIN \(state.apiKeys[0].key)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(#"{"user":{"email":"lost.answer@example.com"}}"#.utf8)
        await #expect(throws: (any Error).self) { _ = try await URLSession.shared.data(for: request) }
        request = URLRequest(url: URL(string: healthy.baseURL + "/users?email=lost.answer@example.com")!)
        request.setValue("KISI-LOGIN \(state.apiKeys[0].key)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        #expect(try JSONParser.parse(Array(data)).arrayValue?.count == 1)
        let stats = await api.stats.json
        #expect(stats["dropped"]?["POST /users (after applying)"]?.intValue == 1)
    }

    @Test("a connection dropped before applying changes nothing")
    func dropBeforeApplying() async throws {
        let state = try SandboxSeed.load(path: SandboxHarness.studioSeed).state()
        let store = SandboxStore(state: state, stateFile: nil)
        let faulty = try await SandboxServer(api: SandboxAPI(store: store, rateLimit: 0), faults: try FaultPlan(spec: "drop-before=100%")).start()
        defer { Task { await faulty.stop() } }
        var request = URLRequest(url: URL(string: faulty.baseURL + "/groups")!)
        request.httpMethod = "POST"
        request.setValue("KISI-LOGIN \(state.apiKeys[0].key)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(#"{"group":{"name":"Never made"}}"#.utf8)
        await #expect(throws: (any Error).self) { _ = try await URLSession.shared.data(for: request) }
        #expect(await store.state.groups.count == state.groups.count)
    }

    @Test("added latency delays answers")
    func latency() async throws {
        let sandbox = try await SandboxHarness.start(faults: try FaultPlan(spec: "latency=150ms"))
        defer { Task { await sandbox.stop() } }
        let start = Date()
        #expect(try await sandbox.get("/organization").status == 200)
        #expect(Date().timeIntervalSince(start) >= 0.15)
    }

    @Test("fault specs are validated", arguments: ["429=5", "seed=x", "latency=fast", "teapot=5%", "500=60%,503=60%", "burst=0"])
    func invalidSpecs(spec: String) {
        #expect(throws: SandboxError.self) { try FaultPlan(spec: spec) }
    }

    @Test("request statistics count by endpoint and status, and reset")
    func statistics() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        _ = try await sandbox.get("/groups")
        _ = try await sandbox.get("/groups/30001")
        _ = try await sandbox.get("/groups/999")
        _ = try await sandbox.send("GET", "/groups", key: .some(nil))
        let stats = try await sandbox.send("GET", "/__sandbox/stats", key: .some(nil)).json
        #expect(stats?["requests"]?["GET /groups"]?.intValue == 2)
        #expect(stats?["requests"]?["GET /groups/{id}"]?.intValue == 2)
        #expect(stats?["statuses"]?["401"]?.intValue == 1)
        #expect(stats?["statuses"]?["404"]?.intValue == 1)
        #expect(stats?["total"]?.intValue == 4)
        #expect(try await sandbox.send("DELETE", "/__sandbox/stats", key: .some(nil)).status == 204)
        #expect(try await sandbox.send("GET", "/__sandbox/stats", key: .some(nil)).json?["total"]?.intValue == 0)
    }
}
