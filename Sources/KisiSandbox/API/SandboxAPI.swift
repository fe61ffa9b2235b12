import Foundation
import JSONSupport

/// The Kisi REST API as the sandbox emulates it: authentication, rate limits, routing and
/// every endpoint, over a ``SandboxStore``. Transport-independent: ``SandboxServer`` puts it
/// behind HTTP.
public struct SandboxAPI: Sendable {
    public let store: SandboxStore
    let limiter: RateLimiter
    public let stats: RequestStats

    /// - Parameter rateClock: monotonic nanoseconds for the rate limit (tests move it by hand).
    public init(store: SandboxStore, rateLimit: Int, rateClock: (@Sendable () -> UInt64)? = nil) {
        self.store = store
        limiter = rateClock.map { RateLimiter(requestsPerSecond: rateLimit, clock: $0) } ?? RateLimiter(requestsPerSecond: rateLimit)
        stats = RequestStats()
    }

    /// The authenticated caller: the key's user and what the key may do.
    struct Caller {
        var userID: Int
        var role: APIKeyRecord.Role
        /// The key itself: `DELETE /login` signs out the login it belongs to.
        var key: String
    }

    /// Answers a request. `counted: false` leaves it out of the statistics (a request whose
    /// answer a fault will drop is counted as dropped instead).
    public func handle(_ request: SandboxRequest, counted: Bool = true) async -> SandboxResponse {
        let route = Route.match(request.method, request.path)
        let response: SandboxResponse
        do {
            response = try await respond(to: request, route: route)
        } catch let error as APIError {
            response = error.response
        } catch {
            response = APIError.internalError.response
        }
        if counted { await stats.record(route?.template ?? "\(request.method) (unknown path)", status: response.status) }
        return response
    }

    /// Answers an injected fault as Kisi would answer the real thing, and counts it.
    func faultResponse(_ status: Int, for request: SandboxRequest) async -> SandboxResponse {
        let error: APIError =
            switch status {
            case 429: .tooManyRequests
            case 503: .unavailable
            default: .internalError
            }
        let route = Route.match(request.method, request.path)
        await stats.record(route?.template ?? "\(request.method) (unknown path)", status: status)
        return error.response
    }

    private func respond(to request: SandboxRequest, route: Route?) async throws -> SandboxResponse {
        let key = Self.apiKey(request.authorization)
        let caller: Caller? = await store.read { state in
            guard let key, let record = state.apiKeys.first(where: { $0.key == key }) else { return nil }
            return Caller(userID: record.userID, role: record.role, key: key)
        }
        // Kisi's quota is per user (all of a user's keys share it); without a valid key, per address.
        let bucket = caller.map { "user:\($0.userID)" } ?? "client:\(request.client)"
        // As in a Rails app: rate limiting (middleware) first, then routing, then authentication.
        guard await limiter.admit(bucket) else { throw APIError.tooManyRequests }
        guard let route else { throw APIError.notFound("Route \(request.method) \(request.path)") }
        // Signing in is the one call that needs no key.
        if route.endpoint == .logins, request.method == "POST" { return try await Handlers.signIn(store: store, request: request) }
        guard let caller else { throw APIError.unauthorized }
        if request.method != "GET", caller.role == .observer { throw APIError.forbidden }
        return try await Handlers(store: store, request: request, caller: caller).handle(route)
    }

    /// The key from `Authorization: KISI-LOGIN <key>`.
    static func apiKey(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0] == "KISI-LOGIN" else { return nil }
        let key = parts[1].trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key
    }
}

/// A matched endpoint: its template (for statistics) and the id in its path, if any.
struct Route {
    enum Endpoint {
        case organization, currentUser
        case places, place
        case locks, lock
        case groups, group
        case groupLocks, groupLock
        case users, user
        case roleAssignments, roleAssignment
        case invites, integrations
        case teams, team, teamMemberships, teamMembership, guests, guest
        case logins, login
        case schedules, schedule, calendarSummary, holidayRegions, holidays
    }

    var endpoint: Endpoint
    var method: String
    var id: Int?
    /// The region of `/holiday_calendars/{region}/holidays`.
    var region: String?

    /// A paged list (`X-Collection-Range`), which page faults apply to.
    var isList: Bool {
        switch endpoint {
        case .places, .locks, .groups, .groupLocks, .users, .roleAssignments, .integrations, .teams, .teamMemberships, .guests, .schedules:
            method == "GET"
        default: false
        }
    }

    var template: String {
        let path: String =
            switch endpoint {
            case .organization: "/organization"
            case .currentUser: "/user"
            case .places: "/places"
            case .place: "/places/{id}"
            case .locks: "/locks"
            case .lock: "/locks/{id}"
            case .groups: "/groups"
            case .group: "/groups/{id}"
            case .groupLocks: "/group_locks"
            case .groupLock: "/group_locks/{id}"
            case .users: "/users"
            case .user: "/users/{id}"
            case .roleAssignments: "/role_assignments"
            case .roleAssignment: "/role_assignments/{id}"
            case .invites: "/invites"
            case .integrations: "/integrations"
            case .teams: "/teams"
            case .team: "/teams/{id}"
            case .teamMemberships: "/team_memberships"
            case .teamMembership: "/team_memberships/{id}"
            case .guests: "/guests"
            case .guest: "/guests/{id}"
            case .logins: "/logins"
            case .login: "/login"
            case .schedules: "/schedules"
            case .schedule: "/schedules/{id}"
            case .calendarSummary: "/calendar/summary"
            case .holidayRegions: "/holiday_calendars/regions"
            case .holidays: "/holiday_calendars/{region}/holidays"
            }
        return "\(method) \(path)"
    }

    /// The methods each endpoint answers; anything else is a routing error (404), as in Rails.
    static let table: [(collection: String, list: Endpoint?, listMethods: Set<String>, member: Endpoint?, memberMethods: Set<String>)] = [
        ("organization", .organization, ["GET"], nil, []),
        ("user", .currentUser, ["GET"], nil, []),
        ("places", .places, ["GET"], .place, ["GET"]),
        ("locks", .locks, ["GET"], .lock, ["GET"]),
        ("groups", .groups, ["GET", "POST"], .group, ["GET", "PATCH", "DELETE"]),
        ("group_locks", .groupLocks, ["GET", "POST"], .groupLock, ["GET", "DELETE"]),
        ("users", .users, ["GET", "POST"], .user, ["GET", "PATCH", "DELETE"]),
        ("role_assignments", .roleAssignments, ["GET", "POST"], .roleAssignment, ["GET", "PATCH", "DELETE"]),
        ("invites", .invites, ["POST"], nil, []),
        ("integrations", .integrations, ["GET"], nil, []),
        ("teams", .teams, ["GET", "POST"], .team, ["GET", "PATCH", "DELETE"]),
        ("team_memberships", .teamMemberships, ["GET", "POST"], .teamMembership, ["GET", "DELETE"]),
        ("guests", .guests, ["GET", "POST"], .guest, ["GET", "DELETE"]),
        ("logins", .logins, ["POST"], nil, []),
        ("login", .login, ["GET", "PUT", "DELETE"], nil, []),
        ("schedules", .schedules, ["GET", "POST"], .schedule, ["GET", "PATCH", "DELETE"]),
    ]

    static func match(_ method: String, _ path: String) -> Route? {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true)
        if let last = segments.last, last.hasSuffix(".json") { segments[segments.count - 1] = last.dropLast(5) }
        switch (method, segments.map(String.init)) {
        case ("GET", ["calendar", "summary"]): return Route(endpoint: .calendarSummary, method: method)
        case ("GET", ["holiday_calendars", "regions"]): return Route(endpoint: .holidayRegions, method: method)
        case ("GET", let path) where path.count == 3 && path[0] == "holiday_calendars" && path[2] == "holidays":
            return Route(endpoint: .holidays, method: method, region: path[1])
        default: break
        }
        guard (1...2).contains(segments.count),
            let entry = table.first(where: { $0.collection == segments[0] })
        else { return nil }
        if segments.count == 1 {
            guard let endpoint = entry.list, entry.listMethods.contains(method) else { return nil }
            return Route(endpoint: endpoint, method: method)
        }
        guard let endpoint = entry.member, entry.memberMethods.contains(method), let id = Int(segments[1]) else { return nil }
        return Route(endpoint: endpoint, method: method, id: id)
    }
}
