import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP request to Kisi, as the client makes it: already authenticated and encoded.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path, e.g. `/groups`.
    public var path: String
    /// The percent-encoded query string, without `?`.
    public var query: String?
    public var headers: [(name: String, value: String)]
    public var body: Data?

    public init(method: String, path: String, query: String?, headers: [(name: String, value: String)], body: Data?) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.last { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// What came back: an answer, or no answer (and why, in words without the URL).
public enum HTTPOutcome: Sendable {
    /// Headers by lower-case name.
    case response(status: Int, headers: [String: String], body: Data)
    case failure(String)
}

/// Carries requests to Kisi and back. The client speaks only to this, so it runs the same over
/// the network (``URLSessionExchange``) and against a sandbox in the same process, without a
/// socket (`KisiSandbox.InProcessExchange`), which is how most tests run.
public protocol HTTPExchange: Sendable {
    func exchange(_ request: HTTPRequest) async -> HTTPOutcome
}

/// HTTP over the network with Foundation's URLSession.
public final class URLSessionExchange: HTTPExchange {
    let baseURL: URL
    let timeout: TimeInterval
    private let session: URLSession

    public init(baseURL: URL, timeout: TimeInterval, connections: Int) {
        self.baseURL = baseURL
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        // URLSession's default of 6 connections per host would cap the requests in flight below
        // the configured concurrency, and with it the throughput on a slow link.
        configuration.httpMaximumConnectionsPerHost = max(1, connections)
        session = URLSession(configuration: configuration)
    }

    public func exchange(_ request: HTTPRequest) async -> HTTPOutcome {
        var components = URLComponents(url: baseURL.appendingPathComponent(String(request.path.dropFirst())), resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = request.query
        var urlRequest = URLRequest(url: components.url!)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = timeout
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        // A request with a body goes over a connection of its own: libcurl (behind URLSession on
        // Linux) silently re-sends a request whose reused connection dropped, which for a POST
        // that was applied would be a second write, and which for any body can hang (the body
        // is not sent again).
        let fresh = request.body != nil
        let session = fresh ? URLSession(configuration: .ephemeral) : self.session
        defer { if fresh { session.finishTasksAndInvalidate() } }
        // The completion-handler API, not `data(for:)`: cancelling a Swift task cancels the
        // latter's URLSession task, which can deadlock FoundationNetworking on Linux. A request
        // once sent is left to finish; its answer is simply not used.
        let (data, response, error): (Data?, URLResponse?, (any Error)?) = await withCheckedContinuation { continuation in
            session.dataTask(with: urlRequest) { data, response, error in
                continuation.resume(returning: (data, response, error))
            }.resume()
        }
        if let error { return .failure(Self.describe(error)) }
        guard let http = response as? HTTPURLResponse else { return .failure("not an HTTP response") }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields { headers[String(describing: name).lowercased()] = String(describing: value) }
        return .response(status: http.statusCode, headers: headers, body: data ?? Data())
    }

    /// A network error in words, without the URL's query (which could hold an e-mail).
    static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        switch nsError.code {
        case NSURLErrorTimedOut: return "the request timed out"
        case NSURLErrorCannotConnectToHost: return "cannot connect to Kisi"
        case NSURLErrorNetworkConnectionLost: return "the connection was lost"
        case NSURLErrorBadServerResponse: return "the connection closed without an answer"
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: return "cannot resolve Kisi's host name"
        case NSURLErrorNotConnectedToInternet: return "no network connection"
        default: return "network error \(nsError.code)"
        }
    }
}

/// A `Retry-After` header's wait: seconds, or an HTTP date (RFC 9110); nil when absent or unreadable.
public enum RetryAfter {
    public static func delay(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 { return .milliseconds(Int(seconds * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(max(0, Int(date.timeIntervalSince(now) * 1000)))
    }
}
