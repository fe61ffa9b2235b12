import AccessModel
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MemberSources
import NIOCore
import TestSupport
import Testing

/// A platform's API, faked over real HTTP on loopback: `answer` gets each request's path,
/// query and headers and says what to send back. Requests are recorded.
private final class FakeAPI: @unchecked Sendable {
    struct Answer {
        var status = 200
        var headers: [String: String] = [:]
        var body = ""
    }

    struct Seen {
        var path: String
        var query: [String: String]
        var authorization: String?
        var at: Date
    }

    private let lock = NSLock()
    private var seen: [Seen] = []
    private var task: Task<Void, any Error>?
    private(set) var port = 0
    let answer: @Sendable (Seen, Int) -> Answer

    /// `answer` also gets how many requests came before this one.
    init(_ answer: @escaping @Sendable (Seen, Int) -> Answer) {
        self.answer = answer
    }

    var requests: [Seen] { lock.withLock { seen } }

    func start() async throws {
        let router = Router()
        router.get("**") { request, _ -> Response in
            var query: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
            let seen = Seen(
                path: request.uri.path, query: query, authorization: request.headers[.authorization], at: Date())
            let count = self.lock.withLock {
                self.seen.append(seen)
                return self.seen.count - 1
            }
            let answer = self.answer(seen, count)
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            for (name, value) in answer.headers { fields[HTTPField.Name(name)!] = value }
            return Response(
                status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        let (ready, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "kisictl.tests.fake-api")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        task = Task { try await app.run() }
        var iterator = ready.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    func stop() { task?.cancel() }

    var base: String { "http://127.0.0.1:\(port)/v1" }
}

/// `n` customers as the platform writes them, ids from `from`.
private func clients(_ range: Range<Int>) -> String {
    range.map { #"{"ClientId": \#($0), "Name": {"First": "C\#($0)", "Last": "Doe"}, "Contact": {"Email": "c\#($0)@example.org"}}"# }
        .joined(separator: ",")
}

private let clientFields = RecordMapping(
    entity: .customers, columns: ["id": ["ClientId"], "name": ["Name.First", "Name.Last"], "email": ["Contact.Email"]])

/// Loads off Swift's cooperative threads, as the CLI does, so the fake server keeps serving.
private func load(_ source: HTTPSource, environment: [String: String] = ["PLATFORM_TOKEN": "tok-123"]) async -> Result<
    LoadedMemberData, DiagnosticsError
> {
    await withCheckedContinuation { continuation in
        Thread {
            continuation.resume(
                returning: Result { () throws(DiagnosticsError) in try MemberSource.load(.http(source), relativeTo: "/", environment: environment) })
        }.start()
    }
}

private func errors(_ result: Result<LoadedMemberData, DiagnosticsError>) -> [String] {
    guard case .failure(let error) = result else { return [] }
    return error.diagnostics.map(\.description)
}

@Suite("HTTP API sources, against a fake API over loopback")
struct APISourceTests {
    private let auth = HTTPSource.Auth(valueEnv: "PLATFORM_TOKEN", scheme: "Bearer")

    @Test func followsNextLinksInTheBodyWithTheCredentialAndAMapping() async throws {
        let api = FakeAPI { seen, _ in
            guard seen.authorization == "Bearer tok-123" else { return .init(status: 401, body: #"{"error": "unauthorised"}"#) }
            let page = Int(seen.query["cursor"] ?? "0")!
            let next = page < 2 ? #""/v1/clients?cursor=\#(page + 1)""# : "null"
            return .init(body: #"{"data": {"clients": [\#(clients(page * 3..<page * 3 + 3))]}, "links": {"next": \#(next)}}"#)
        }
        try await api.start()
        defer { api.stop() }
        let source = HTTPSource(
            baseURL: api.base, auth: auth,
            endpoints: [
                .init(entity: .customers, path: "/clients", items: "data.clients", paging: .nextLink(path: "links.next"), mapping: clientFields)
            ])
        let loaded = try await load(source).get()
        #expect(loaded.data.customers.count == 9)
        #expect(loaded.data.customers.last?.name == "C8 Doe")
        #expect(loaded.data.customers.last?.email == "c8@example.org")
        #expect(api.requests.map { $0.query["cursor"] ?? "-" } == ["-", "1", "2"])
        #expect(loaded.origin == "API at \(api.base)")
    }

    @Test func followsTheLinkHeaderAndReadsKisictlsOwnFields() async throws {
        let api = FakeAPI { seen, _ in
            let page = Int(seen.query["page"] ?? "1")!
            let link = page < 2 ? ["Link": #"<\#(seen.path)?page=\#(page + 1)>; rel="next", </v1/customers?page=1>; rel="first""#] : [:]
            return .init(headers: link, body: #"[{"id": "\#(page)", "name": "P\#(page)", "email": "p\#(page)@example.org"}]"#)
        }
        try await api.start()
        defer { api.stop() }
        let source = HTTPSource(baseURL: api.base, endpoints: [.init(entity: .customers, path: "customers", paging: .nextLink(path: nil))])
        let loaded = try await load(source).get()
        #expect(loaded.data.customers.map(\.id) == ["1", "2"])
    }

    @Test func pageNumbersStopAtAPartialLastPage() async throws {
        let api = FakeAPI { seen, _ in
            let page = Int(seen.query["page"]!)!
            let size = Int(seen.query["per_page"]!)!
            let end = min(250, page * size)
            return .init(body: #"{"items": [\#(clients((page - 1) * size..<end))]}"#)
        }
        try await api.start()
        defer { api.stop() }
        let source = HTTPSource(
            baseURL: api.base,
            endpoints: [
                .init(
                    entity: .customers, path: "/clients?active=true", items: "items",
                    paging: .page(parameter: "page", sizeParameter: "per_page", size: 100),
                    mapping: clientFields)
            ], requestsPerSecond: 0)
        let loaded = try await load(source).get()
        #expect(loaded.data.customers.count == 250)
        #expect(api.requests.map { $0.query["page"]! } == ["1", "2", "3"])
        #expect(api.requests.allSatisfy { $0.query["active"] == "true" })
    }

    @Test func offsetsReadAnEmptyPageAfterAFullOne() async throws {
        let api = FakeAPI { seen, _ in
            let offset = Int(seen.query["offset"]!)!
            return .init(body: #"{"items": [\#(clients(offset..<min(200, offset + 100)))]}"#)
        }
        try await api.start()
        defer { api.stop() }
        let source = HTTPSource(
            baseURL: api.base,
            endpoints: [
                .init(
                    entity: .customers, path: "/clients", items: "items", paging: .offset(parameter: "offset", limitParameter: "limit", size: 100),
                    mapping: clientFields)
            ], requestsPerSecond: 0)
        let loaded = try await load(source).get()
        #expect(loaded.data.customers.count == 200)
        #expect(api.requests.map { $0.query["offset"]! } == ["0", "100", "200"])
    }

    @Test func aTooManyRequestsAnswerIsRetriedAfterItsRetryAfter() async throws {
        let api = FakeAPI { _, count in
            count == 0
                ? .init(status: 429, headers: ["Retry-After": "1"], body: "{}")
                : .init(body: #"[{"id": "1", "name": "A", "email": "a@example.org"}]"#)
        }
        try await api.start()
        defer { api.stop() }
        let source = HTTPSource(baseURL: api.base, endpoints: [.init(entity: .customers, path: "/customers")], requestsPerSecond: 0)
        let loaded = try await load(source).get()
        #expect(loaded.data.customers.count == 1)
        let requests = api.requests
        #expect(requests.count == 2)
        #expect(requests[1].at.timeIntervalSince(requests[0].at) >= 0.95)
    }

    @Test func aServerErrorMidWayStopsTheRun() async throws {
        let api = FakeAPI { seen, _ in
            let page = Int(seen.query["page"]!)!
            return page == 2 ? .init(status: 500, body: "oops") : .init(body: #"{"items": [\#(clients((page - 1) * 2..<page * 2))]}"#)
        }
        try await api.start()
        defer { api.stop() }
        var source = HTTPSource(
            baseURL: api.base,
            endpoints: [
                .init(
                    entity: .customers, path: "/clients", items: "items", paging: .page(parameter: "page", sizeParameter: "per_page", size: 2),
                    mapping: clientFields)
            ], requestsPerSecond: 0)
        source.attempts = 3
        let found = errors(await load(source))
        #expect(
            found == [
                "error: source API at \(api.base): GET \(api.base)/clients?page=2&per_page=2 answered 500 3 times; the source stops (a partial read is never fewer members)"
            ])
        #expect(api.requests.count == 4)
    }

    @Test func aRefusedCredentialIsNamedButNeverShown() async throws {
        let api = FakeAPI { _, _ in .init(status: 401, body: #"{"error": "invalid token"}"#) }
        try await api.start()
        defer { api.stop() }
        let source = HTTPSource(baseURL: api.base, auth: auth, endpoints: [.init(entity: .customers, path: "/customers")])
        let found = errors(await load(source, environment: ["PLATFORM_TOKEN": "tok-secret-99"]))
        #expect(found.count == 1)
        #expect(found.first?.contains("answered 401 (check the credential in source.http.auth)") == true, "\(found)")
        #expect(!found.joined().contains("tok-secret-99"))
        #expect(
            errors(await load(source, environment: [:])) == [
                "error: source API at \(api.base): $PLATFORM_TOKEN is not set (source.http.auth.value_env)"
            ])
    }

    @Test func aBadRecordIsNamedByItsPageAndIndex() async throws {
        let api = FakeAPI { _, _ in
            .init(body: #"{"items": [{"id": "1", "name": "A", "email": "a@example.org"}, {"id": "2", "name": true, "email": "b@example.org"}]}"#)
        }
        try await api.start()
        defer { api.stop() }
        let source = HTTPSource(baseURL: api.base, endpoints: [.init(entity: .customers, path: "/customers", items: "items")])
        let found = errors(await load(source))
        #expect(found.contains { $0.hasPrefix("\(api.base)/customers:2: error: name: expected text, found a boolean") }, "\(found)")
    }

    @Test func aListMissingFromItsPathIsAnErrorNotNoRecords() async throws {
        let api = FakeAPI { _, _ in .init(body: #"{"results": [{"id": "1", "name": "A", "email": "a@example.org"}]}"#) }
        try await api.start()
        defer { api.stop() }
        let source = HTTPSource(
            baseURL: api.base,
            endpoints: [
                .init(entity: .customers, path: "/customers", items: "results"),
                .init(entity: .memberships, path: "/memberships", items: "data"),
            ])
        let found = errors(await load(source))
        #expect(
            found == [
                "error: source API at \(api.base): \(api.base)/memberships has nothing at \"data\", not a list of records (source.http.entities.memberships.items)"
            ])
    }

    @Test func aNextLinkToAnotherHostIsNotFollowed() async throws {
        let api = FakeAPI { _, _ in
            .init(body: #"{"items": [{"id": "1", "name": "A", "email": "a@example.org"}], "next": "https://elsewhere.example/steal"}"#)
        }
        try await api.start()
        defer { api.stop() }
        let source = HTTPSource(
            baseURL: api.base, auth: auth, endpoints: [.init(entity: .customers, path: "/customers", items: "items", paging: .nextLink(path: "next"))]
        )
        let found = errors(await load(source))
        #expect(
            found == [
                "error: source API at \(api.base): the next link leads to elsewhere.example, off the API's host 127.0.0.1: not followed with the credential"
            ])
        #expect(api.requests.count == 1)
    }

    @Test func anUnreachableAPIFailsAfterItsAttempts() async throws {
        var source = HTTPSource(
            baseURL: "http://127.0.0.1:\(LoopbackPort.free())/v1", endpoints: [.init(entity: .customers, path: "/customers")],
            requestsPerSecond: 0)
        source.attempts = 2
        let found = errors(await load(source))
        #expect(found.count == 1)
        #expect(found.first?.contains("failed 2 times") == true, "\(found)")
    }
}
