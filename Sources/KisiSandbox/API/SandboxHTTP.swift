import Foundation
import JSONSupport

/// A request as the sandbox's API sees it, independent of the HTTP server in front of it.
public struct SandboxRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var authorization: String?
    public var body: [UInt8]
    /// The client's address, which rate-limits requests that carry no valid key.
    public var client: String
    /// A fault for the page of a list this request reads, if any.
    public var pageFault: FaultPlan.PageFault?

    public init(
        method: String, path: String, query: [(name: String, value: String)] = [], authorization: String? = nil,
        body: [UInt8] = [], client: String = "local"
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.authorization = authorization
        self.body = body
        self.client = client
    }

    /// A query string decoded as Kisi (a Rails application) decodes it: as an HTML form, where
    /// `+` is a space and `%2B` a plus. Names and values are percent-decoded; a malformed escape
    /// is kept as it was sent.
    public static func formDecoded(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    func parameter(_ name: String) -> String? {
        query.last { $0.name == name }?.value
    }
}

/// A response: status, headers, and a JSON body (none for 204).
public struct SandboxResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    static func json(_ value: JSONValue, status: Int = 200, headers: [(name: String, value: String)] = []) -> SandboxResponse {
        SandboxResponse(status: status, headers: headers, body: Array(value.rendered(pretty: false).utf8))
    }

    static let noContent = SandboxResponse(status: 204, headers: [], body: [])
}

/// Kisi's two error shapes: `{"error", "code"}` for most statuses, `{"errors": {field: [messages]}}`
/// for 422. Codes are six hex characters like Kisi's; the ones Kisi documents are reused.
struct APIError: Error {
    var status: Int
    var body: JSONValue

    static func error(_ status: Int, _ message: String, code: String) -> APIError {
        APIError(status: status, body: .object([("error", .string(message)), ("code", .string(code))]))
    }

    static func badRequest(_ message: String) -> APIError { .error(400, message, code: "a00400") }
    static let unauthorized = APIError.error(401, "Not authorized", code: "000000")
    static let forbidden = APIError.error(403, "Access denied.", code: "afc496")
    static func notFound(_ what: String = "Record") -> APIError { .error(404, "\(what) not found", code: "a00404") }
    static let tooManyRequests = APIError.error(429, "Too many requests: the limit is 5 per second per user", code: "a00429")
    static let internalError = APIError.error(500, "An unexpected issue occured.", code: "ffffff")
    static let unavailable = APIError.error(503, "Service temporarily unavailable", code: "a00503")

    /// 422 with one message per field, the Rails validation shape.
    static func invalid(_ errors: [(field: String, message: String)]) -> APIError {
        var grouped: [(String, [String])] = []
        for (field, message) in errors {
            if let index = grouped.firstIndex(where: { $0.0 == field }) {
                grouped[index].1.append(message)
            } else {
                grouped.append((field, [message]))
            }
        }
        return APIError(status: 422, body: .object([("errors", .object(grouped.map { ($0.0, .array($0.1.map(JSONValue.string))) }))]))
    }

    static func invalid(_ field: String, _ message: String) -> APIError { invalid([(field, message)]) }

    var response: SandboxResponse { .json(body, status: status) }
}
