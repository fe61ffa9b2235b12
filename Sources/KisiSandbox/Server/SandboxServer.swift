import Foundation
import HTTPTypes
import Hummingbird
import JSONSupport
import Logging
import NIOCore

/// The sandbox behind real HTTP (Hummingbird): the same paths, statuses and headers as Kisi,
/// plus fault injection and the operator endpoint `/__sandbox/stats`.
public struct SandboxServer: Sendable {
    public let api: SandboxAPI
    let faults: FaultInjector?

    public init(api: SandboxAPI, faults: FaultPlan? = nil) {
        self.api = api
        self.faults = faults.map(FaultInjector.init)
    }

    /// Serves until SIGINT or SIGTERM, then stops cleanly. `onReady` gets the bound port.
    public func serve(host: String, port: Int, onReady: @escaping @Sendable (Int) async -> Void) async throws {
        try await application(host: host, port: port, onReady: onReady).runService()
    }

    /// Starts in the background on a loopback port (0 picks a free one), for tests and for
    /// `--sandbox`; stop it with ``RunningSandbox/stop()``.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> RunningSandbox {
        let (ready, readyContinuation) = AsyncStream<Int>.makeStream()
        let app = application(host: host, port: port) { readyContinuation.yield($0) }
        let task = Task { try await app.run() }
        var iterator = ready.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw SandboxError.cannotSave("server did not start") }
        return RunningSandbox(port: bound, api: api, task: task)
    }

    private func application(host: String, port: Int, onReady: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        var logger = Logger(label: "kisictl.sandbox")
        logger.logLevel = .critical
        return Application(
            responder: Responder(api: api, faults: faults),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    struct Context: RequestContext {
        var coreContext: CoreRequestContextStorage
        let channel: any Channel

        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            channel = source.channel
        }
    }

    struct Responder: HTTPResponder {
        static let maximumBody = 8 * 1024 * 1024
        let api: SandboxAPI
        let faults: FaultInjector?

        func respond(to request: Request, context: Context) async throws -> Response {
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: Self.maximumBody)
            } catch {
                // Kisi's bodies are small; an oversized one is refused, not a server failure.
                let refusal = JSONValue.object([
                    ("error", .string("the request body is larger than \(Self.maximumBody / 1024 / 1024) MiB")), ("code", .string("a00413")),
                ])
                return Self.http(.json(refusal, status: 413))
            }
            let query = SandboxRequest.formDecoded(request.uri.query ?? "")
            let sandboxRequest = SandboxRequest(
                method: request.method.rawValue, path: request.uri.path, query: query,
                authorization: request.headers[.authorization], body: Array(buffer: body),
                client: context.channel.remoteAddress?.ipAddress ?? "unknown"
            )
            if sandboxRequest.path.hasPrefix("/__sandbox/") { return await operatorResponse(sandboxRequest) }

            switch await api.serve(sandboxRequest, faults: faults) {
            case .answer(let response): return Self.http(response)
            case .dropped: return try await drop(context)
            }
        }

        /// Closes the connection without an answer.
        private func drop(_ context: Context) async throws -> Response {
            try? await context.channel.close()
            throw CancellationError()
        }

        private func operatorResponse(_ request: SandboxRequest) async -> Response {
            switch (request.method, request.path) {
            case ("GET", "/__sandbox/stats"):
                return Self.http(.json(await api.stats.json))
            case ("DELETE", "/__sandbox/stats"):
                await api.stats.reset()
                return Self.http(.noContent)
            case ("GET", "/__sandbox/outbox"):
                let emails = await api.store.read { $0.outbox }
                return Self.http(
                    .json(
                        .array(
                            emails.map { email in
                                .object([
                                    ("id", .int(email.id)), ("to", .string(email.to)), ("kind", .string(email.kind.rawValue)),
                                    ("cause", .string(email.cause)), ("at", .string(email.at)),
                                ])
                            })))
            case ("DELETE", "/__sandbox/outbox"):
                try? await api.store.write { state, _ in state.outbox.removeAll() }
                return Self.http(.noContent)
            default:
                return Self.http(APIError.notFound("Route \(request.method) \(request.path)").response)
            }
        }

        static func http(_ response: SandboxResponse) -> Response {
            var headers = HTTPFields()
            if response.status != 204 { headers[.contentType] = "application/json; charset=utf-8" }
            for (name, value) in response.headers {
                if let field = HTTPField.Name(name) { headers[field] = value }
            }
            return Response(
                status: .init(code: response.status), headers: headers,
                body: response.body.isEmpty ? .init() : .init(byteBuffer: ByteBuffer(bytes: response.body)))
        }
    }
}

/// A sandbox serving in the background of this process.
public struct RunningSandbox: Sendable {
    public let port: Int
    public let api: SandboxAPI
    let task: Task<Void, any Error>

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops serving and waits until the port is closed.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
