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
    let fault: FaultPlan.PageFault?

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
        fault = request.pageFault
    }

    /// The page at `offset`, with Kisi's range header; a page fault (see ``FaultPlan``) serves it
    /// short, or as if a row had been inserted or removed before it since the last page.
    func response<T>(_ items: [T], render: (ArraySlice<T>) -> [JSONValue]) -> SandboxResponse {
        var start = offset, total = items.count, count = limit
        switch fault {
        case .short?:
            // Half the rows this page would have had (at least one).
            count = max(1, (min(items.count, offset + limit) - offset) / 2)
        case .rowInserted? where offset > 0 && !items.isEmpty:
            start = offset - 1
            total += 1
        case .rowRemoved? where offset > 0 && items.count > 1:
            start = offset + 1
            total -= 1
        default: break
        }
        let page = start < items.count ? items[start..<min(items.count, start + count)] : []
        // Kisi's range names the window asked for (`10-19/15`); a short page names what it served.
        let end = fault == .short ? offset + max(page.count, 1) - 1 : offset + limit - 1
        let range = total == 0 ? "*/0" : "\(offset)-\(end)/\(total)"
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

    /// `favorite=true|false|*` on places and locks: filter by the caller's favourite flag, and
    /// show the `favorite` field (with `*`, show it without filtering).
    struct Favorite {
        var wanted: Bool?
        var shown: Bool

        func admits(_ isFavorite: Bool) -> Bool { wanted.map { $0 == isFavorite } ?? true }

        func show(_ object: JSONValue) -> JSONValue {
            guard shown, let members = object.objectMembers else { return object }
            return .object(members.map { ($0.key, $0.value) } + [("favorite", .bool(false))])
        }
    }

    func favorite() throws(APIError) -> Favorite {
        switch try oneOf("favorite", ["true", "false", "*"]) {
        case "true": Favorite(wanted: true, shown: true)
        case "false": Favorite(wanted: false, shown: true)
        case "*": Favorite(wanted: nil, shown: true)
        default: Favorite(wanted: nil, shown: false)
        }
    }

    /// `query=`: a case-insensitive substring search over some fields.
    func query() -> String? {
        request.parameter("query").map { $0.lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func matches(_ query: String?, _ fields: String?...) -> Bool {
        guard let query else { return true }
        return fields.contains { $0?.lowercased().contains(query) ?? false }
    }

    /// `sort=` with exactly the values an endpoint's spec lists (`allowed`, e.g. `favorite`,
    /// `name`, `-name`); `-KEY` reverses `KEY`, whose comparator `keys` gives. Ties and an absent
    /// `sort` keep id order; any other value is 400.
    func sorted<T>(_ items: [T], allowed: [String], by keys: [String: (T, T) -> Bool]) throws(APIError) -> [T] {
        guard let sort = try oneOf("sort", allowed) else { return items }
        let descending = sort.hasPrefix("-")
        let ascending = keys[descending ? String(sort.dropFirst()) : sort]!
        let ordered = items.enumerated().sorted { a, b in
            if ascending(a.element, b.element) { return true }
            if ascending(b.element, a.element) { return false }
            return a.offset < b.offset
        }.map(\.element)
        return descending ? ordered.reversed() : ordered
    }

    /// `sort=name` or `sort=-name`.
    func sortByName<T>(_ items: [T], name: @escaping (T) -> String) throws(APIError) -> [T] {
        try sorted(items, allowed: ["name", "-name"], by: ["name": { name($0).lowercased() < name($1).lowercased() }])
    }
}
