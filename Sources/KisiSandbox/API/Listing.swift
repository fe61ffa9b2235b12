import Foundation
import JSONSupport

/// Kisi's offset pagination: `limit` and `offset`, a bare array, and the range in
/// `X-Collection-Range: start-end/total` (`*/0` for an empty collection).
struct Listing {
    /// Per-endpoint page sizes, from Kisi's OpenAPI document.
    struct PageSize {
        var defaultLimit: Int
        var maximumLimit: Int

        static let standard = PageSize(defaultLimit: 10, maximumLimit: 250)
        static let placesAndLocks = PageSize(defaultLimit: 50, maximumLimit: 250)
        static let users = PageSize(defaultLimit: 50, maximumLimit: 100)
    }

    static let maximumOffset = 20_000

    let limit: Int
    let offset: Int

    /// Reads `limit` and `offset`. A limit above the endpoint's maximum is lowered to it (the
    /// range header shows the limit applied); a malformed value, a limit below 1 or an offset
    /// outside 0…20000 is 400.
    init(_ request: SandboxRequest, _ size: PageSize) throws(APIError) {
        var limit = size.defaultLimit
        if let text = request.parameter("limit") {
            guard let value = Int(text), value >= 1 else {
                throw .badRequest("limit must be a whole number of at least 1, found \"\(text)\"")
            }
            limit = min(value, size.maximumLimit)
        }
        var offset = 0
        if let text = request.parameter("offset") {
            guard let value = Int(text), value >= 0, value <= Self.maximumOffset else {
                throw .badRequest("offset must be a whole number from 0 to \(Self.maximumOffset), found \"\(text)\"")
            }
            offset = value
        }
        self.limit = limit
        self.offset = offset
    }

    func response<T>(_ items: [T], render: (ArraySlice<T>) -> [JSONValue]) -> SandboxResponse {
        let range = items.isEmpty ? "*/0" : "\(offset)-\(offset + limit - 1)/\(items.count)"
        let page = offset < items.count ? items[offset..<min(items.count, offset + limit)] : []
        return .json(.array(render(page)), headers: [("X-Collection-Range", range)])
    }
}

/// Query filters shared by list endpoints.
struct Filters {
    let request: SandboxRequest

    /// `ids=1,2,3`: nil when absent.
    func ids() throws(APIError) -> Set<Int>? {
        guard let text = request.parameter("ids") else { return nil }
        var ids = Set<Int>()
        for part in text.split(separator: ",") {
            guard let id = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw .badRequest("ids must be comma-separated whole numbers, found \"\(text)\"")
            }
            ids.insert(id)
        }
        return ids
    }

    func integer(_ name: String) throws(APIError) -> Int? {
        guard let text = request.parameter(name) else { return nil }
        guard let value = Int(text) else { throw .badRequest("\(name) must be a whole number, found \"\(text)\"") }
        return value
    }

    func boolean(_ name: String) throws(APIError) -> Bool? {
        guard let text = request.parameter(name) else { return nil }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default: throw .badRequest("\(name) must be true or false, found \"\(text)\"")
        }
    }

    func oneOf(_ name: String, _ options: [String]) throws(APIError) -> String? {
        guard let text = request.parameter(name) else { return nil }
        guard options.contains(text) else {
            throw .badRequest("\(name) must be one of \(options.joined(separator: ", ")), found \"\(text)\"")
        }
        return text
    }

    /// `query=`: a case-insensitive substring search over some fields.
    func query() -> String? {
        request.parameter("query").map { $0.lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func matches(_ query: String?, _ fields: String?...) -> Bool {
        guard let query else { return true }
        return fields.contains { $0?.lowercased().contains(query) ?? false }
    }

    /// `sort=name` or `sort=-name`; records stay in id order otherwise.
    func sortByName<T>(_ items: [T], name: (T) -> String) throws(APIError) -> [T] {
        guard let sort = try oneOf("sort", ["name", "-name"]) else { return items }
        let sorted = items.enumerated().sorted { a, b in
            let (x, y) = (name(a.element).lowercased(), name(b.element).lowercased())
            return x == y ? a.offset < b.offset : x < y
        }.map(\.element)
        return sort == "name" ? sorted : sorted.reversed()
    }
}
