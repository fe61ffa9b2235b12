import Foundation
import JSONSupport
import KisiSandbox
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// A sandbox serving on a free loopback port for one test, and a small HTTP client for it.
struct SandboxHarness {
    let running: RunningSandbox
    let key: String
    /// With faults, every request gets its own session and so its own connection: libcurl (behind
    /// URLSession) silently re-sends a request whose reused connection was dropped, which would
    /// blur what a fault did.
    var freshConnections = false

    struct Reply {
        var status: Int
        var headers: [String: String]
        var text: String

        var json: JSONValue? { try? JSONParser.parse(Array(text.utf8)) }
        var range: String? { headers["x-collection-range"] }
        var schemaValue: SchemaValue? { try? SchemaValue.parse(text) }
    }

    static let studioSeed = repositoryRoot + "/examples/studio/sandbox.yaml"

    /// Starts a sandbox from a seed (the studio example's by default).
    static func start(
        seed: String = studioSeed, rateLimit: Int = 0, rateClock: ManualClock? = nil, faults: FaultPlan? = nil,
        stateFile: String? = nil
    ) async throws -> SandboxHarness {
        let state = try SandboxSeed.load(path: seed).state()
        let store = SandboxStore(state: state, stateFile: stateFile)
        var clock: (@Sendable () -> UInt64)?
        if let rateClock { clock = { rateClock.now } }
        let server = SandboxServer(api: SandboxAPI(store: store, rateLimit: rateLimit, rateClock: clock), faults: faults)
        let running = try await server.start()
        return SandboxHarness(running: running, key: state.apiKeys[0].key, freshConnections: faults != nil)
    }

    /// Starts a sandbox from a seed given as YAML text.
    static func start(seedText: String, faults: FaultPlan? = nil) async throws -> SandboxHarness {
        let path = NSTemporaryDirectory() + "kisictl-seed-" + UUID().uuidString + ".yaml"
        try seedText.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await start(seed: path, faults: faults)
    }

    func stop() async { await running.stop() }

    /// Sends a request; `key: nil` sends no Authorization header.
    func send(_ method: String, _ path: String, body: String? = nil, key: String?? = .none) async throws -> Reply {
        var request = URLRequest(url: URL(string: running.baseURL + path)!)
        request.httpMethod = method
        let useKey: String? =
            switch key {
            case .none: self.key
            case .some(let value): value
            }
        if let useKey { request.setValue("KISI-LOGIN \(useKey)", forHTTPHeaderField: "Authorization") }
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if freshConnections { request.setValue("close", forHTTPHeaderField: "Connection") }
        // Generous: on a loaded two-core machine a healthy answer can take seconds, and a timeout
        // here would read as a dropped connection.
        request.timeoutInterval = 60
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let session = freshConnections ? URLSession(configuration: .ephemeral) : URLSession.shared
        defer { if freshConnections { session.finishTasksAndInvalidate() } }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            headers[String(describing: name).lowercased()] = String(describing: value)
        }
        return Reply(status: http.statusCode, headers: headers, text: String(decoding: data, as: UTF8.self))
    }

    func get(_ path: String) async throws -> Reply { try await send("GET", path) }
    func post(_ path: String, _ body: String) async throws -> Reply { try await send("POST", path, body: body) }
    func patch(_ path: String, _ body: String) async throws -> Reply { try await send("PATCH", path, body: body) }
    func delete(_ path: String) async throws -> Reply { try await send("DELETE", path) }

    /// The id of the first object of a list whose `field` equals `value`.
    func id(_ path: String, where field: String, is value: String) async throws -> Int? {
        let reply = try await get(path)
        return reply.json?.arrayValue?.first { $0[field]?.stringValue == value }?["id"]?.intValue
    }
}

/// Kisi's response schemas, derived from its OpenAPI document (Tests/Fixtures/kisi-openapi).
enum KisiSchemas {
    static let operations: SchemaValue = {
        let document = try! SchemaValue.load(repositoryRoot + "/Tests/Fixtures/kisi-openapi/kisi-responses.json")
        return document["operations"]!
    }()

    /// One schema document per "METHOD /path STATUS"; building it checks that the test validator
    /// implements every keyword Kisi's schemas use.
    static let validator: JSONSchemaValidator = {
        guard case .object(let byOperation) = operations else { fatalError("kisi-responses.json has no operations") }
        var documents: [String: SchemaValue] = [:]
        for (operation, responses) in byOperation {
            guard case .object(let byStatus) = responses else { continue }
            for (status, schema) in byStatus where schema != .null { documents["\(operation) \(status)"] = schema }
        }
        return try! JSONSchemaValidator(documents: documents)
    }()

    /// Problems with a response body against the schema Kisi documents for the operation and status.
    static func problems(_ operation: String, _ reply: SandboxHarness.Reply) -> [String] {
        guard let responses = operations[operation] else { return ["no operation \(operation) in Kisi's document"] }
        guard let schema = responses[String(reply.status)] else {
            return ["Kisi documents no \(reply.status) for \(operation)"]
        }
        if case .null = schema { return reply.text.isEmpty ? [] : ["\(operation) \(reply.status) should have no body"] }
        guard let body = reply.schemaValue else { return ["the body is not JSON: \(reply.text.prefix(200))"] }
        return validator.errors(body, against: "\(operation) \(reply.status)")
    }
}

/// A clock for the rate limit that moves only when a test says so.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var nanoseconds: UInt64 = 1_000_000_000

    var now: UInt64 { lock.withLock { nanoseconds } }

    func advance(milliseconds: UInt64) { lock.withLock { nanoseconds += milliseconds * 1_000_000 } }
}
