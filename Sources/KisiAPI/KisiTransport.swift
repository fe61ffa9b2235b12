import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where Kisi is and the key to use. The key is held here only: it never appears in a
/// description, an error, a plan or a log.
public struct KisiCredentials: Sendable, CustomStringConvertible {
    public static let defaultEndpoint = URL(string: "https://api.kisi.io")!

    public let baseURL: URL
    let apiKey: String
    /// Where the key came from, for messages: `$KISI_API_KEY`, `--api-key-file keys/kisi`.
    public let keySource: String

    public init(baseURL: URL, apiKey: String, keySource: String) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.keySource = keySource
    }

    public var description: String { "Kisi at \(endpoint) with the key from \(keySource)" }

    /// The base URL without a user, password or query: what plans, logs and messages may show.
    public var endpoint: String {
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) else { return "(an unreadable URL)" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "(an unreadable URL)"
    }

    /// Something derived from the key (a signing secret), without handing the key itself around.
    public func derived<T>(_ derive: (String) -> T) -> T { derive(apiKey) }
}

/// How hard the client may push Kisi and how patiently it retries.
public struct KisiClientOptions: Sendable {
    /// Requests per second (Kisi allows 5 per user); 0 means no pacing.
    public var requestsPerSecond: Double
    /// Requests in flight at once.
    public var concurrency: Int
    /// Attempts per request, the first included.
    public var attempts: Int
    /// First backoff; it doubles per retry (with jitter) up to `maximumBackoff`.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// How long to wait after a 429 that carries no `Retry-After` (Kisi documents none): long
    /// enough for Kisi's one-second window to move on.
    public var rateLimitedWait: Duration
    public var timeout: TimeInterval

    public init(
        requestsPerSecond: Double = 5, concurrency: Int = 4, attempts: Int = 7, initialBackoff: Duration = .milliseconds(500),
        maximumBackoff: Duration = .seconds(8), rateLimitedWait: Duration = .seconds(1), timeout: TimeInterval = 30
    ) {
        self.rateLimitedWait = rateLimitedWait
        self.requestsPerSecond = requestsPerSecond
        self.concurrency = concurrency
        self.attempts = attempts
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.timeout = timeout
    }
}

struct KisiRequest: Sendable {
    var method: String
    var path: String
    var query: [(String, String)] = []
    var body: Data?
    /// The right a 403 means the key's user lacks, in words: "create groups".
    var right: String?

    /// GET, PATCH and DELETE may be sent again safely; a POST may not, once it might have arrived.
    var idempotent: Bool { method != "POST" }

    var description: String { "\(method) \(path)" }

    /// The query string with every name and value percent-encoded: only RFC 3986's unreserved
    /// characters stay as they are. Kisi decodes query strings as HTML forms do, where a raw `+`
    /// is a space: `email=pia+gym@example.org` would look up `pia gym@example.org`.
    var encodedQuery: String? {
        guard !query.isEmpty else { return nil }
        return query.map { Self.percentEncoded($0.0) + "=" + Self.percentEncoded($0.1) }.joined(separator: "&")
    }

    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}

struct KisiResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data
}

/// Sends requests to Kisi: authentication, pacing under the rate limit, bounded concurrency,
/// retries with exponential backoff and jitter, and errors a user can act on.
final class KisiTransport: Sendable {
    let credentials: KisiCredentials
    let options: KisiClientOptions
    private let pacer: Pacer
    private let slots: Slots
    let counter = RequestCounter()
    let clock = ServerClock()
    private let http: any HTTPExchange

    init(credentials: KisiCredentials, options: KisiClientOptions, exchange: (any HTTPExchange)?) {
        self.credentials = credentials
        self.options = options
        pacer = Pacer(requestsPerSecond: options.requestsPerSecond)
        slots = Slots(options.concurrency)
        http = exchange ?? URLSessionExchange(baseURL: credentials.baseURL, timeout: options.timeout, connections: options.concurrency)
    }

    /// Sends a request, retrying what is safe to retry. A POST whose fate is unknown (its
    /// connection failed or Kisi answered 500 after it may have been applied) is not re-sent:
    /// it throws ``KisiError/outcomeUnknown(_:_:)`` so the caller can read back first.
    func send(_ request: KisiRequest) async throws(KisiError) -> KisiResponse {
        var attempt = 0
        while true {
            attempt += 1
            let outcome = await once(request)
            let retryAfter: Duration?
            switch outcome {
            case .success(let response) where response.status < 400:
                return response
            case .success(let response):
                if response.status == 429 {
                    retryAfter = Self.retryAfter(response.headers) ?? options.rateLimitedWait
                    await pacer.pause(for: retryAfter!)
                } else if response.status >= 500 {
                    // 503 means Kisi did not take the request; other 5xx may come after a write applied.
                    guard request.idempotent || response.status == 503 else {
                        throw .outcomeUnknown(request.description, "Kisi answered \(response.status)")
                    }
                    retryAfter = Self.retryAfter(response.headers)
                } else {
                    throw KisiError.from(response, request: request, keySource: credentials.keySource)
                }
                if attempt >= options.attempts {
                    throw response.status == 429
                        ? .rateLimited(request.description)
                        : .server(request.description, response.status)
                }
            case .failure(let message):
                guard request.idempotent else { throw .outcomeUnknown(request.description, message) }
                if attempt >= options.attempts { throw .network(request.description, message) }
                retryAfter = nil
            }
            try? await Task.sleep(for: retryAfter ?? backoff(attempt))
        }
    }

    /// Exponential backoff with full jitter.
    private func backoff(_ attempt: Int) -> Duration {
        let ceiling = min(options.initialBackoff * (1 << min(attempt - 1, 16)), options.maximumBackoff)
        return ceiling * Double.random(in: 0.5...1)
    }

    static func retryAfter(_ headers: [String: String]) -> Duration? {
        RetryAfter.delay(headers["retry-after"])
    }

    private enum Outcome {
        case success(KisiResponse)
        case failure(String)
    }

    private func once(_ request: KisiRequest) async -> Outcome {
        await slots.acquire()
        let outcome = await exchange(request)
        await slots.release()
        return outcome
    }

    private func exchange(_ request: KisiRequest) async -> Outcome {
        await pacer.wait()
        await counter.count(request)
        var headers: [(name: String, value: String)] = [
            ("Authorization", "KISI-LOGIN \(credentials.apiKey)"), ("Accept", "application/json"), ("X-Kisi-Integration-Identifier", "kisictl"),
        ]
        if request.body != nil { headers.append(("Content-Type", "application/json")) }
        let sent = Date()
        let outcome = await http.exchange(
            HTTPRequest(method: request.method, path: request.path, query: request.encodedQuery, headers: headers, body: request.body))
        switch outcome {
        case .response(let status, let headers, let body):
            if await clock.wantsSamples {
                if let date = headers["date"] { await clock.record(dateHeader: date, sent: sent, received: Date()) }
                await clock.record(advertised: headers["x-kisictl-sandbox-clock"])
            }
            return .success(KisiResponse(status: status, headers: headers, body: body))
        case .failure(let message): return .failure(message)
        }
    }
}

/// Spaces requests evenly at the configured rate, so no one-second window ever holds more than
/// Kisi allows; a 429 pauses everyone.
actor Pacer {
    /// The share of the rate actually used. Requests sent exactly 1/rate apart reach the server
    /// with jitter, and a window that catches one early request is over the limit; a 429 then
    /// costs a second of pause, far more than the few percent kept in reserve.
    static let headroom = 0.96

    private let interval: Duration?
    private var next = ContinuousClock.now

    init(requestsPerSecond: Double) {
        interval = requestsPerSecond > 0 ? .microseconds(Int((1_000_000 / (requestsPerSecond * Self.headroom)).rounded(.up))) : nil
    }

    func wait() async {
        guard let interval else { return }
        let now = ContinuousClock.now
        let slot = max(now, next)
        next = slot + interval
        if slot > now { try? await Task.sleep(until: slot, clock: .continuous) }
    }

    func pause(for duration: Duration) {
        guard interval != nil else { return }
        next = max(next, ContinuousClock.now + duration)
    }
}

/// At most N requests in flight.
actor Slots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = max(1, count) }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// Requests actually sent (retries included), for `--stats` and benchmarks.
public actor RequestCounter {
    public private(set) var total = 0
    public private(set) var byKind: [String: Int] = [:]

    func count(_ request: KisiRequest) {
        total += 1
        byKind[request.method == "GET" ? "reads" : "writes", default: 0] += 1
    }
}
