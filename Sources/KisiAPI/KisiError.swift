import Foundation
import JSONSupport

/// What went wrong talking to Kisi, phrased so an operator knows what to do. No message ever
/// contains the API key.
public enum KisiError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 401: the key was rejected.
    case unauthorized(keySource: String)
    /// 403: the key's user lacks a right; the request, and the right in words when known.
    case forbidden(String, right: String?)
    case notFound(String)
    /// 400: Kisi refused the request's parameters.
    case badRequest(String, String)
    /// 422: Kisi refused the values; field → messages.
    case invalid(String, [String: [String]])
    /// 429 on every attempt.
    case rateLimited(String)
    /// 5xx on every attempt.
    case server(String, Int)
    /// No answer on every attempt.
    case network(String, String)
    /// A write that may or may not have been applied: read back before trying again.
    case outcomeUnknown(String, String)
    /// An answer kisictl cannot read.
    case unexpectedResponse(String, String)
    /// A list longer than Kisi pages: offsets stop at 20000, so its end cannot be read.
    case listTooLong(String, total: Int)

    public var description: String {
        switch self {
        case .unauthorized(let source):
            return
                "Kisi rejected the API key from \(source) (401). Check that it holds a current key: a key stops working when it is deleted or when its user loses admin rights (Kisi recommends keys made by the organization owner)."
        case .forbidden(let request, let right):
            let lacking = right.map { "the right to \($0)" } ?? "the rights for it"
            return "Kisi refused \(request) (403): the key's user lacks \(lacking). Use a key of an organization administrator or owner."
        case .notFound(let request):
            return "Kisi found nothing at \(request) (404)."
        case .badRequest(let request, let message):
            return "Kisi refused \(request) (400): \(message)"
        case .invalid(let request, let errors):
            let details = errors.sorted { $0.key < $1.key }.map { field, messages in "\(field) \(messages.joined(separator: ", "))" }
            return "Kisi refused \(request) (422): \(details.joined(separator: "; "))"
        case .rateLimited(let request):
            return "Kisi kept answering 429 (too many requests) to \(request); another client may be using the same user's quota, or lower --rate."
        case .server(let request, let status):
            return "Kisi kept failing \(request) with \(status); try again later."
        case .network(let request, let message):
            return "No answer from Kisi for \(request): \(message)."
        case .outcomeUnknown(let request, let message):
            return "\(request) may or may not have been applied (\(message))."
        case .unexpectedResponse(let request, let message):
            return "Kisi's answer to \(request) could not be read: \(message)"
        case .listTooLong(let request, let total):
            return
                "\(request) lists \(total) items, but Kisi pages no further than offset \(KisiPaging.maximumOffset): kisictl cannot read the whole list and will not plan from part of it. Split the group, or narrow what the config manages."
        }
    }

    /// A 4xx answer as an error.
    static func from(_ response: KisiResponse, request: KisiRequest, keySource: String) -> KisiError {
        let body = try? JSONParser.parse(Array(response.body))
        switch response.status {
        case 401: return .unauthorized(keySource: keySource)
        case 403: return .forbidden(request.description, right: request.right)
        case 404: return .notFound(request.description)
        case 422:
            var errors: [String: [String]] = [:]
            for (field, messages) in body?["errors"]?.objectMembers ?? [] {
                errors[field] = messages.arrayValue?.compactMap(\.stringValue) ?? []
            }
            return .invalid(request.description, errors)
        default:
            return .badRequest(request.description, body?["error"]?.stringValue ?? "status \(response.status)")
        }
    }

    /// The request may have been applied but its answer never came: read back before retrying.
    public var answerLost: Bool {
        switch self {
        case .outcomeUnknown, .network: return true
        default: return false
        }
    }

    /// Kisi refused the values (422). After a create this may mean the object exists already
    /// (Kisi's wording is not documented): the caller reads back rather than trusting words.
    public var isRefusedValues: Bool {
        if case .invalid = self { return true }
        return false
    }
}
