import AccessModel
import Foundation
import JSONSupport
import KisiHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Member data from a platform's REST API: each entity's endpoint read page by page (by next
/// links, page numbers or offsets), paced under `requests_per_second`, each page retried on 429
/// (after its `Retry-After`), 5xx and lost connections.
///
/// Every page is read or the source fails: a read that stopped part-way would look like fewer
/// members, and fewer members means revocations. A bad record is named by its page's URL and
/// its index on that page.
struct APISource {
    let source: HTTPSource
    let environment: [String: String]
    /// Overridable in tests: how long to wait before a retry that has no `Retry-After`.
    var backoff: (Int) -> Duration = { attempt in .milliseconds(min(8_000, 500 << min(attempt - 1, 4))) }

    var origin: String { "API at \(source.baseURL)" }

    func load() throws(DiagnosticsError) -> LoadedMemberData {
        var headers: [(String, String)] = [("Accept", "application/json"), ("User-Agent", "kisictl")]
        if let auth = source.auth {
            guard let value = environment[auth.valueEnv], !value.isEmpty else {
                throw DiagnosticsError([.error("source \(origin): $\(auth.valueEnv) is not set (source.http.auth.value_env)")])
            }
            headers.append((auth.header, auth.scheme.map { "\($0) \(value)" } ?? value))
        }
        var client = PageClient(
            headers: headers, requestsPerSecond: source.requestsPerSecond, attempts: source.attempts, backoff: backoff,
            deadline: Date().addingTimeInterval(TimeInterval(source.timeout.seconds)), timeout: source.timeout)
        defer { client.close() }
        var builder = MemberDataBuilder()
        var fingerprint = Fingerprint.Builder()
        for endpoint in source.endpoints {
            do {
                try read(endpoint, client: &client, into: &builder, fingerprint: &fingerprint)
            } catch {
                throw DiagnosticsError(builder.decoder.diagnostics + [.error("source \(origin): \(error.message)")])
            }
        }
        let (data, warnings) = try builder.finish(customersLabel: "the customers endpoint of the \(origin)")
        return LoadedMemberData(data: data, warnings: warnings, origin: origin, fingerprint: fingerprint.value, files: [origin: fingerprint.value])
    }

    /// Reads every page of one endpoint.
    private func read(
        _ endpoint: HTTPSource.Endpoint, client: inout PageClient, into builder: inout MemberDataBuilder, fingerprint: inout Fingerprint.Builder
    ) throws(PageFailure) {
        builder.data.providedEntities.insert(endpoint.entity)
        let first = try url(source.baseURL, endpoint.path)
        let items = endpoint.items.isEmpty ? [] : endpoint.items.split(separator: ".").map(String.init)
        let configPath = "source.http.entities.\(endpoint.entity.rawValue)"
        var translator = endpoint.mapping.map { Translator(mapping: $0, file: "", prefix: configPath, columnsKey: "fields") }
        var next: URL? = first
        var number = 0
        var seen = Set<String>()
        while let page = next {
            next = nil
            let request = paged(page, endpoint.paging, number: number)
            guard seen.insert(request.absoluteString).inserted else {
                throw PageFailure(message: "\(request.absoluteString) links to a page already read: the paging never ends")
            }
            let (body, headers) = try client.get(request)
            fingerprint.add(request.absoluteString)
            fingerprint.add(Fingerprint.of(bytes: body))
            let label = request.absoluteString
            var count = 0
            let document: JSONValue
            if var mapped = translator {
                mapped.file = label
                do {
                    document = try JSONParser.parse(body, streaming: [items]) { _, element in
                        count += 1
                        mapped.add(json: element, line: count, into: &builder)
                    }
                } catch {
                    throw PageFailure(message: "\(label) answered invalid JSON (line \(error.line)): \(error.message)")
                }
                translator = mapped
            } else {
                guard let parsed = builder.addJSON(body, entities: [endpoint.entity: items], file: label, byIndex: true, count: &count) else {
                    throw PageFailure(message: "\(label) answered invalid JSON")
                }
                document = parsed
            }
            let list = items.reduce(Optional(document)) { $0?[$1] }
            guard case .array? = list else {
                // Something other than a list, in kisictl's own keys: the reader has reported it,
                // and the run stops on it. Nothing at all would read as no records: an error here.
                guard translator != nil || list == nil else { return }
                let found = list.map(\.kindDescription) ?? "nothing"
                throw PageFailure(
                    message:
                        "\(label) has \(found) at \"\(endpoint.items.isEmpty ? "(the answer)" : endpoint.items)\", not a list of records (\(configPath).items)"
                )
            }
            number += 1
            switch endpoint.paging {
            case .none: break
            case .nextLink(let path):
                let link: String?
                if let path {
                    link = path.split(separator: ".").reduce(Optional(document)) { $0?[String($1)] }?.stringValue
                } else {
                    link = Self.nextLink(headers["link"])
                }
                if let link, !link.isEmpty { next = try sameOrigin(link, relativeTo: request, first: first) }
            case .page(_, _, let size), .offset(_, _, let size):
                if count > size {
                    throw PageFailure(
                        message:
                            "\(label) holds \(count) records where \(size) were asked for: the API ignores the page size, so pages cannot be followed safely"
                    )
                }
                // A full page may have more after it; a short one (or an empty one) is the last.
                if count == size { next = page }
            }
        }
    }

    /// The page's URL with its page number or offset.
    private func paged(_ url: URL, _ paging: HTTPSource.Paging, number: Int) -> URL {
        let extra: [URLQueryItem]
        switch paging {
        case .none, .nextLink: return url
        case .page(let parameter, let sizeParameter, let size):
            extra = [URLQueryItem(name: parameter, value: String(number + 1)), URLQueryItem(name: sizeParameter, value: String(size))]
        case .offset(let parameter, let limitParameter, let size):
            extra = [URLQueryItem(name: parameter, value: String(number * size)), URLQueryItem(name: limitParameter, value: String(size))]
        }
        var components = URLComponents(url: url, resolvingAgainstBaseURL: true)!
        components.queryItems = (components.queryItems ?? []).filter { item in !extra.contains { $0.name == item.name } } + extra
        return components.url!
    }

    /// `base_url` and an endpoint's path, joined by one `/`.
    private func url(_ base: String, _ path: String) throws(PageFailure) -> URL {
        let joined = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/" + (path.hasPrefix("/") ? String(path.dropFirst()) : path)
        guard let url = URL(string: joined) else {
            throw PageFailure(message: "\(base) with \(path) is not a URL")
        }
        return url
    }

    /// A next link, which must stay on the API's own host: the credential goes with every request.
    private func sameOrigin(_ link: String, relativeTo page: URL, first: URL) throws(PageFailure) -> URL {
        guard let url = URL(string: link, relativeTo: page)?.absoluteURL else { throw PageFailure(message: "the next link \(link) is not a URL") }
        guard url.scheme == first.scheme, url.host == first.host, url.port == first.port else {
            throw PageFailure(
                message: "the next link leads to \(url.host ?? link), off the API's host \(first.host ?? ""): not followed with the credential")
        }
        return url
    }

    /// The `rel="next"` target of a `Link` header (RFC 8288).
    static func nextLink(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            let isNext = pieces.dropFirst().contains { parameter in
                let value = parameter.lowercased().replacingOccurrences(of: " ", with: "")
                return value == "rel=next" || value == "rel=\"next\""
                    || (value.hasPrefix("rel=\"") && value.dropFirst(5).dropLast().split(separator: " ").contains("next"))
            }
            if isNext { return String(target.dropFirst().dropLast()) }
        }
        return nil
    }
}

struct PageFailure: Error {
    var message: String
}

/// GETs pages one at a time: paced, retried, bounded by the source's deadline. Synchronous on
/// purpose (URLSession's callback and a semaphore): member data is read before anything else
/// runs, and blocking Swift's cooperative threads could starve them on a one-core machine.
struct PageClient {
    let headers: [(String, String)]
    let requestsPerSecond: Double
    let attempts: Int
    let backoff: (Int) -> Duration
    let deadline: Date
    let timeout: TimeSpan
    private var nextSlot = Date.distantPast
    private let session: URLSession

    init(
        headers: [(String, String)], requestsPerSecond: Double, attempts: Int, backoff: @escaping (Int) -> Duration, deadline: Date,
        timeout: TimeSpan
    ) {
        self.headers = headers
        self.requestsPerSecond = requestsPerSecond
        self.attempts = attempts
        self.backoff = backoff
        self.deadline = deadline
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = min(60, TimeInterval(timeout.seconds))
        session = URLSession(configuration: configuration)
    }

    /// The body and headers (by lower-case name) of a 2xx answer; anything else after the
    /// last attempt is a failure.
    mutating func get(_ url: URL) throws(PageFailure) -> (body: [UInt8], headers: [String: String]) {
        var attempt = 0
        while true {
            attempt += 1
            pace()
            let outcome = exchange(url)
            let wait: Duration
            switch outcome {
            case .answer(let status, let headers, let body) where (200..<300).contains(status):
                return (body, headers)
            case .answer(let status, let headers, _) where status == 429 || status >= 500:
                if attempt >= attempts {
                    throw PageFailure(
                        message:
                            "GET \(url.absoluteString) answered \(status) \(attempts) times; the source stops (a partial read is never fewer members)"
                    )
                }
                wait = RetryAfter.delay(headers["retry-after"]) ?? backoff(attempt)
                if status == 429 { nextSlot = max(nextSlot, Date().addingTimeInterval(wait.seconds)) }
            case .answer(let status, _, let body):
                let excerpt = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                let hint = status == 401 || status == 403 ? " (check the credential in source.http.auth)" : ""
                throw PageFailure(message: "GET \(url.absoluteString) answered \(status)\(hint)\(excerpt.isEmpty ? "" : ": \(excerpt)")")
            case .failure(let message):
                if attempt >= attempts {
                    throw PageFailure(message: "GET \(url.absoluteString) failed \(attempts) times (\(message)); the source stops")
                }
                wait = backoff(attempt)
            }
            guard Date().addingTimeInterval(wait.seconds) < deadline else {
                throw PageFailure(message: "GET \(url.absoluteString) could not be read within \(timeout) (source.timeout)")
            }
            Thread.sleep(forTimeInterval: wait.seconds)
        }
    }

    func close() {
        session.finishTasksAndInvalidate()
    }

    /// Spaces requests at the configured rate.
    private mutating func pace() {
        guard requestsPerSecond > 0 else { return }
        let now = Date()
        if nextSlot > now { Thread.sleep(until: nextSlot) }
        nextSlot = max(now, nextSlot).addingTimeInterval(1 / requestsPerSecond)
    }

    private enum Outcome {
        case answer(status: Int, headers: [String: String], body: [UInt8])
        case failure(String)
    }

    private final class Box: @unchecked Sendable {
        var outcome = Outcome.failure("no answer")
    }

    private func exchange(_ url: URL) -> Outcome {
        var request = URLRequest(url: url)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: request) { data, response, error in
            if let response = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (name, value) in response.allHeaderFields {
                    if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
                }
                box.outcome = .answer(status: response.statusCode, headers: headers, body: [UInt8](data ?? Data()))
            } else {
                box.outcome = .failure(error.map { ($0 as NSError).localizedDescription } ?? "no answer")
            }
            done.signal()
        }.resume()
        done.wait()
        return box.outcome
    }
}

extension Duration {
    fileprivate var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
