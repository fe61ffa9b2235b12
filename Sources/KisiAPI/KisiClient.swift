import Foundation
import JSONSupport
@_exported import KisiHTTP

/// Everything kisictl reads from Kisi. `plan` holds only a ``KisiReader``, which has no write
/// methods at all: a plan cannot change Kisi, by construction.
public protocol KisiReading: Sendable {
    func organization() async throws(KisiError) -> KisiOrganization
    /// The key's own user.
    func currentUser() async throws(KisiError) -> KisiUser
    func places() async throws(KisiError) -> [KisiPlace]
    func locks() async throws(KisiError) -> [KisiLock]
    func groups() async throws(KisiError) -> [KisiGroup]
    func groupLocks(group: Int) async throws(KisiError) -> [KisiGroupLock]
    /// Every role in a group: users', teams' and guests'.
    func roleAssignments(group: Int) async throws(KisiError) -> [KisiRoleAssignment]
    /// Every group role of a user.
    func roleAssignments(user: Int) async throws(KisiError) -> [KisiRoleAssignment]
    /// One role, or nil when Kisi has none with this id.
    func roleAssignment(id: Int) async throws(KisiError) -> KisiRoleAssignment?
    /// Integrations, all or those feeding one group.
    func integrations(group: Int?) async throws(KisiError) -> [KisiIntegration]
    /// The user with exactly this address (trimmed, case-folded), if any.
    func user(email: String) async throws(KisiError) -> KisiUser?
    /// The user with this id, if any.
    func user(id: Int) async throws(KisiError) -> KisiUser?
    /// Users, page by page (100, Kisi's maximum), for as long as `shouldContinue` says.
    func users(while shouldContinue: @Sendable (KisiPaging.Progress<KisiUser>) -> Bool) async throws(KisiError) -> KisiPaging.Listed<KisiUser>
    /// A group's or a lock's schedules (`scheduleable_type` `Group` or `Lock`).
    func schedules(of scheduleableType: String, id: Int) async throws(KisiError) -> [KisiSchedule]
    /// Every schedule of the organization.
    func schedules() async throws(KisiError) -> [KisiSchedule]
    /// A region's public holidays in a year.
    func holidays(region: String, year: Int, observed: Bool) async throws(KisiError) -> [KisiHoliday]
    /// Requests sent so far (retries included).
    var requestsSent: Int { get async }
    /// Kisi's clock minus the local one, from its `Date` headers; nil before any answer had one.
    var clockSkew: Duration? { get async }
}

/// Reads Kisi. Lists are read to the end, page by page at each endpoint's largest page size,
/// trusting what Kisi says it served (see ``KisiPaging``), so a partial read never looks like
/// "nothing there".
public struct KisiReader: KisiReading {
    let transport: KisiTransport

    /// - Parameter exchange: how requests reach Kisi; the network by default.
    public init(credentials: KisiCredentials, options: KisiClientOptions = KisiClientOptions(), exchange: (any HTTPExchange)? = nil) {
        transport = KisiTransport(credentials: credentials, options: options, exchange: exchange)
    }

    public var requestsSent: Int { get async { await transport.counter.total } }
    public var clockSkew: Duration? { get async { await transport.clock.skew } }
    /// The "now" a kisictl sandbox advertises with its answers; nil for Kisi itself.
    public var sandboxClock: String? { get async { await transport.clock.advertised } }

    public func organization() async throws(KisiError) -> KisiOrganization { try await object("/organization") }

    public func currentUser() async throws(KisiError) -> KisiUser { try await object("/user") }

    /// The organization-level roles of a user (`owner`, `administrator`, `observer`, …).
    public func organizationRoles(user: Int) async throws(KisiError) -> [String] {
        let roles: [OrganizationRole] = try await all(
            "/role_assignments",
            query: [
                ("assignee_type", "User"), ("assignee_id", String(user)), ("applies_to_type", "Organization"),
            ], limit: 250)
        return roles.map(\.roleID)
    }

    /// The users holding the organization's `owner` or `administrator` role, by id: the people
    /// `import` exempts, since no membership explains their access.
    public func organizationAdministrators() async throws(KisiError) -> [Int] {
        let roles: [OrganizationRole] = try await all(
            "/role_assignments", query: [("assignee_type", "User"), ("applies_to_type", "Organization")], limit: 250)
        return Array(Set(roles.filter { ["owner", "administrator"].contains($0.roleID) }.compactMap(\.assigneeID))).sorted()
    }

    struct OrganizationRole: Decodable, Sendable, KisiIdentified {
        var id: Int
        var roleID: String
        var assigneeID: Int?

        enum CodingKeys: String, CodingKey {
            case id
            case roleID = "role_id"
            case assigneeID = "assignee_id"
        }
    }

    public func places() async throws(KisiError) -> [KisiPlace] { try await all("/places", limit: 250) }
    public func locks() async throws(KisiError) -> [KisiLock] { try await all("/locks", limit: 250) }
    public func groups() async throws(KisiError) -> [KisiGroup] { try await all("/groups", limit: 250) }

    public func groupLocks(group: Int) async throws(KisiError) -> [KisiGroupLock] {
        try await all("/group_locks", query: [("group_id", String(group))], limit: 250)
    }

    public func groupLock(id: Int) async throws(KisiError) -> KisiGroupLock? { try await optional("/group_locks/\(id)") }

    public func roleAssignments(group: Int) async throws(KisiError) -> [KisiRoleAssignment] {
        try await all("/role_assignments", query: [("applies_to_type", "Group"), ("applies_to_id", String(group))], limit: 250)
    }

    public func roleAssignments(user: Int) async throws(KisiError) -> [KisiRoleAssignment] {
        try await all(
            "/role_assignments", query: [("assignee_type", "User"), ("assignee_id", String(user)), ("applies_to_type", "Group")],
            limit: 250)
    }

    public func roleAssignment(id: Int) async throws(KisiError) -> KisiRoleAssignment? { try await optional("/role_assignments/\(id)") }

    /// A group's roles read `pageSize` at a time: to check how Kisi pages (`doctor --live-test`).
    public func roleAssignments(group: Int, pageSize: Int) async throws(KisiError) -> KisiPaging.Listed<KisiRoleAssignment> {
        try await list("/role_assignments", query: [("applies_to_type", "Group"), ("applies_to_id", String(group))], limit: pageSize) { _ in true }
    }

    public func integrations(group: Int?) async throws(KisiError) -> [KisiIntegration] {
        try await all("/integrations", query: group.map { [("group_id", String($0))] } ?? [], limit: 250)
    }

    public func user(email: String) async throws(KisiError) -> KisiUser? {
        let wanted = email.trimmingCharacters(in: .whitespaces).lowercased()
        // `email` filters; matching again here keeps a fuzzy search from ever picking someone else.
        let found: [KisiUser] = try await all("/users", query: [("email", wanted)], limit: 100)
        return found.first { $0.email.trimmingCharacters(in: .whitespaces).lowercased() == wanted }
    }

    public func user(id: Int) async throws(KisiError) -> KisiUser? { try await optional("/users/\(id)") }

    /// Guests named `name` with exactly this address (trimmed, case-folded), oldest first: Kisi
    /// searches guests by name only.
    public func guests(named name: String, email: String) async throws(KisiError) -> [KisiGuest] {
        let wanted = email.trimmingCharacters(in: .whitespaces).lowercased()
        let found: [KisiGuest] = try await all("/guests", query: [("query", name)], limit: 250)
        return found.filter { $0.email?.trimmingCharacters(in: .whitespaces).lowercased() == wanted }.sorted { $0.id < $1.id }
    }

    public func users(while shouldContinue: @Sendable (KisiPaging.Progress<KisiUser>) -> Bool) async throws(KisiError)
        -> KisiPaging.Listed<KisiUser>
    {
        try await list("/users", limit: 100, while: shouldContinue)
    }

    /// Groups whose name contains `text` (Kisi's `query` is a substring search of names).
    public func groups(matching text: String) async throws(KisiError) -> [KisiGroup] {
        try await all("/groups", query: [("query", text)], limit: 250)
    }

    /// A group's or a lock's schedules (`scheduleable_type` `Group` or `Lock`).
    public func schedules(of scheduleableType: String, id: Int) async throws(KisiError) -> [KisiSchedule] {
        try await all("/schedules", query: [("scheduleable_type", scheduleableType), ("scheduleable_id", String(id))], limit: 250)
    }

    public func schedule(id: Int) async throws(KisiError) -> KisiSchedule? { try await optional("/schedules/\(id)") }

    /// Every schedule of the organization.
    public func schedules() async throws(KisiError) -> [KisiSchedule] { try await all("/schedules", limit: 250) }

    /// A region's public holidays in a year (`/holiday_calendars/{region}/holidays`).
    public func holidays(region: String, year: Int, observed: Bool) async throws(KisiError) -> [KisiHoliday] {
        let request = KisiRequest(
            method: "GET", path: "/holiday_calendars/\(region)/holidays", query: [("year", String(year)), ("observed", String(observed))])
        return try decode(try await transport.send(request), request)
    }

    // MARK: Plumbing

    func object<T: Decodable>(_ path: String) async throws(KisiError) -> T {
        let request = KisiRequest(method: "GET", path: path)
        return try decode(try await transport.send(request), request)
    }

    /// An object, or nil when Kisi answers 404.
    func optional<T: Decodable>(_ path: String) async throws(KisiError) -> T? {
        do {
            return try await object(path) as T
        } catch .notFound {
            return nil
        }
    }

    /// Every row of a list.
    func all<T: Decodable & KisiIdentified & Sendable>(_ path: String, query: [(String, String)] = [], limit: Int) async throws(KisiError) -> [T] {
        try await list(path, query: query, limit: limit) { _ in true }.rows
    }

    /// The rows of a list, page by page, for as long as `shouldContinue` says; each row once.
    func list<T: Decodable & KisiIdentified & Sendable>(
        _ path: String, query: [(String, String)] = [], limit: Int,
        while shouldContinue: (KisiPaging.Progress<T>) -> Bool
    ) async throws(KisiError)
        -> KisiPaging.Listed<T>
    {
        var cursor = KisiPaging.Cursor<T>(pageSize: limit)
        var next = KisiPaging.Cursor<T>.Next.read(offset: 0)
        while case .read(let offset) = next {
            let request = KisiRequest(method: "GET", path: path, query: query + [("limit", String(limit)), ("offset", String(offset))])
            guard offset <= KisiPaging.maximumOffset else { throw .listTooLong("GET \(path)", total: cursor.total ?? offset) }
            guard cursor.pages < cursor.pageBudget else {
                throw .unexpectedResponse("GET \(path)", "the list kept changing while it was read (\(cursor.pages) pages); try again")
            }
            let response = try await transport.send(request)
            let page: [T] = try decode(response, request)
            guard let header = response.headers["x-collection-range"] else {
                throw .unexpectedResponse(request.description, "no X-Collection-Range header")
            }
            guard let range = KisiPaging.CollectionRange(header) else {
                throw .unexpectedResponse(request.description, "unreadable X-Collection-Range \"\(header)\"")
            }
            next = cursor.take(page, total: range.total)
            if case .read = next, !shouldContinue(KisiPaging.Progress(rows: cursor.rows, total: range.total, pages: cursor.pages)) {
                return KisiPaging.Listed(rows: cursor.rows, complete: false, pages: cursor.pages)
            }
        }
        if next == .stalled {
            throw .unexpectedResponse("GET \(path)", "an empty page at offset \(cursor.offset) of a list Kisi says has \(cursor.total ?? 0) rows")
        }
        return KisiPaging.Listed(rows: cursor.rows, complete: true, pages: cursor.pages)
    }

    func decode<T: Decodable>(_ response: KisiResponse, _ request: KisiRequest) throws(KisiError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw .unexpectedResponse(request.description, "\(error)")
        }
    }
}

/// Reads and writes Kisi: only `apply` (and `doctor --live-test`) holds one.
public struct KisiWriter: KisiReading {
    public let reader: KisiReader
    var transport: KisiTransport { reader.transport }

    public init(credentials: KisiCredentials, options: KisiClientOptions = KisiClientOptions(), exchange: (any HTTPExchange)? = nil) {
        reader = KisiReader(credentials: credentials, options: options, exchange: exchange)
    }

    public var requestsSent: Int { get async { await reader.requestsSent } }
    public var clockSkew: Duration? { get async { await reader.clockSkew } }
    public func organization() async throws(KisiError) -> KisiOrganization { try await reader.organization() }
    public func currentUser() async throws(KisiError) -> KisiUser { try await reader.currentUser() }
    public func places() async throws(KisiError) -> [KisiPlace] { try await reader.places() }
    public func locks() async throws(KisiError) -> [KisiLock] { try await reader.locks() }
    public func groups() async throws(KisiError) -> [KisiGroup] { try await reader.groups() }
    public func groupLocks(group: Int) async throws(KisiError) -> [KisiGroupLock] { try await reader.groupLocks(group: group) }
    public func roleAssignments(group: Int) async throws(KisiError) -> [KisiRoleAssignment] { try await reader.roleAssignments(group: group) }
    public func roleAssignments(user: Int) async throws(KisiError) -> [KisiRoleAssignment] { try await reader.roleAssignments(user: user) }
    public func roleAssignment(id: Int) async throws(KisiError) -> KisiRoleAssignment? { try await reader.roleAssignment(id: id) }
    public func integrations(group: Int?) async throws(KisiError) -> [KisiIntegration] { try await reader.integrations(group: group) }
    public func user(email: String) async throws(KisiError) -> KisiUser? { try await reader.user(email: email) }
    public func user(id: Int) async throws(KisiError) -> KisiUser? { try await reader.user(id: id) }
    public func users(while shouldContinue: @Sendable (KisiPaging.Progress<KisiUser>) -> Bool) async throws(KisiError)
        -> KisiPaging.Listed<KisiUser>
    {
        try await reader.users(while: shouldContinue)
    }

    /// Finds a group by exact name and place (the oldest, when Kisi holds several).
    public func findGroup(name: String, placeID: Int?) async throws(KisiError) -> KisiGroup? {
        try await groups(named: name, placeID: placeID).first
    }

    /// Every group with exactly this name in this place, oldest (lowest id) first.
    public func groups(named name: String, placeID: Int?) async throws(KisiError) -> [KisiGroup] {
        try await reader.groups(matching: name).filter { $0.name == name && $0.placeID == placeID }.sorted { $0.id < $1.id }
    }

    public func createGroup(name: String, description: String?, placeID: Int?, timeRestriction: Bool? = nil) async throws(KisiError) -> KisiGroup {
        var attributes: [(String, JSONValue)] = [("name", .string(name))]
        if let description { attributes.append(("description", .string(description))) }
        attributes.append(("place_id", .int(placeID)))
        if let timeRestriction { attributes.append(("time_restriction_enabled", .bool(timeRestriction))) }
        return try await write("POST", "/groups", envelope: "group", attributes, right: "create groups")
    }

    public func updateGroup(_ id: Int, name: String?, description: String?, timeRestriction: Bool? = nil) async throws(KisiError) {
        var attributes: [(String, JSONValue)] = []
        if let name { attributes.append(("name", .string(name))) }
        if let description { attributes.append(("description", .string(description))) }
        if let timeRestriction { attributes.append(("time_restriction_enabled", .bool(timeRestriction))) }
        try await writeWithoutAnswer("PATCH", "/groups/\(id)", envelope: "group", attributes, right: "change the group")
    }

    public func deleteGroup(_ id: Int) async throws(KisiError) {
        try await writeWithoutAnswer("DELETE", "/groups/\(id)", envelope: nil, [], right: "delete groups")
    }

    public func linkLock(group: Int, lock: Int) async throws(KisiError) -> KisiGroupLock {
        try await write(
            "POST", "/group_locks", envelope: "group_lock", [("group_id", .int(group)), ("lock_id", .int(lock))],
            right: "link doors to the group")
    }

    public func unlinkLock(_ id: Int) async throws(KisiError) {
        try await writeWithoutAnswer("DELETE", "/group_locks/\(id)", envelope: nil, [], right: "unlink doors from the group")
    }

    public func groupLock(id: Int) async throws(KisiError) -> KisiGroupLock? { try await reader.groupLock(id: id) }

    /// Creates a user as Kisi documents for a *managed* user: confirmed at once, and with
    /// `send_emails` false receiving no e-mail from Kisi at all (see the README's Kisi compatibility).
    public func createUser(email: String, name: String, sendEmails: Bool) async throws(KisiError) -> KisiUser {
        try await write(
            "POST", "/users", envelope: "user",
            [
                ("email", .string(email)), ("name", .string(name)), ("send_emails", .bool(sendEmails)), ("confirm", .bool(true)),
            ], right: "create users")
    }

    /// Creates a guest: link access, no Kisi user.
    public func createGuest(email: String, name: String) async throws(KisiError) -> KisiGuest {
        try await write("POST", "/guests", envelope: "guest", [("name", .string(name)), ("email", .string(email))], right: "create guests")
    }

    public func guests(named name: String, email: String) async throws(KisiError) -> [KisiGuest] {
        try await reader.guests(named: name, email: email)
    }

    /// Creates a schedule from Kisi's fields (`scheduleable_type`, `consequence`, `type`, …).
    public func createSchedule(_ fields: [(String, JSONValue)]) async throws(KisiError) -> KisiSchedule {
        try await write("POST", "/schedules", envelope: "schedule", fields, right: "create schedules")
    }

    public func updateSchedule(_ id: Int, _ fields: [(String, JSONValue)]) async throws(KisiError) {
        try await writeWithoutAnswer("PATCH", "/schedules/\(id)", envelope: "schedule", fields, right: "change schedules")
    }

    public func deleteSchedule(_ id: Int) async throws(KisiError) {
        try await writeWithoutAnswer("DELETE", "/schedules/\(id)", envelope: nil, [], right: "delete schedules")
    }

    public func schedules(of scheduleableType: String, id: Int) async throws(KisiError) -> [KisiSchedule] {
        try await reader.schedules(of: scheduleableType, id: id)
    }

    public func schedules() async throws(KisiError) -> [KisiSchedule] { try await reader.schedules() }

    public func holidays(region: String, year: Int, observed: Bool) async throws(KisiError) -> [KisiHoliday] {
        try await reader.holidays(region: region, year: year, observed: observed)
    }

    public func deleteUser(_ id: Int) async throws(KisiError) {
        try await writeWithoutAnswer("DELETE", "/users/\(id)", envelope: nil, [], right: "delete users")
    }

    /// Who a grant is for: a Kisi user or a Kisi guest (`assignee_type`).
    public enum Grantee: String, Sendable {
        case user = "User"
        case guest = "Guest"
    }

    /// Gives a user (or a guest) a role in a group: `group_basic` (access), or another group role
    /// such as `group_manager` when a duplicate group's roles move.
    public func grant(
        group: Int, user: Int, as grantee: Grantee = .user, validFrom: Date?, validUntil: Date?, notify: Bool, role: String = "group_basic"
    ) async throws(KisiError) -> KisiRoleAssignment {
        try await write(
            "POST", "/role_assignments", envelope: "role_assignment",
            [
                ("applies_to_type", .string("Group")), ("applies_to_id", .int(group)),
                ("assignee_type", .string(grantee.rawValue)), ("assignee_id", .int(user)),
                ("role_id", .string(role)), ("notify", .bool(notify)),
                ("valid_from", .string(validFrom.map(KisiTime.format))), ("valid_until", .string(validUntil.map(KisiTime.format))),
            ], right: "give access to the group")
    }

    /// Asks Kisi to change a role's window in place. Kisi's spec does not document the validity
    /// fields for this call: callers read the role back (see ``Applier``).
    public func changeWindow(_ roleAssignment: Int, validFrom: Date?, validUntil: Date?, notify: Bool) async throws(KisiError) {
        try await writeWithoutAnswer(
            "PATCH", "/role_assignments/\(roleAssignment)", envelope: "role_assignment",
            [
                ("notify", .bool(notify)),
                ("valid_from", .string(validFrom.map(KisiTime.format))), ("valid_until", .string(validUntil.map(KisiTime.format))),
            ], right: "change access windows in the group")
    }

    public func revoke(_ roleAssignment: Int) async throws(KisiError) {
        try await writeWithoutAnswer("DELETE", "/role_assignments/\(roleAssignment)", envelope: nil, [], right: "remove access from the group")
    }

    private func body(_ envelope: String?, _ attributes: [(String, JSONValue)]) -> Data? {
        envelope.map { Data(JSONValue.object([($0, .object(attributes))]).rendered(pretty: false).utf8) }
    }

    private func write<T: Decodable>(
        _ method: String, _ path: String, envelope: String?, _ attributes: [(String, JSONValue)],
        right: String
    ) async throws(KisiError) -> T {
        let request = KisiRequest(method: method, path: path, body: body(envelope, attributes), right: right)
        return try reader.decode(try await transport.send(request), request)
    }

    private func writeWithoutAnswer(
        _ method: String, _ path: String, envelope: String?, _ attributes: [(String, JSONValue)],
        right: String
    ) async throws(KisiError) {
        _ = try await transport.send(KisiRequest(method: method, path: path, body: body(envelope, attributes), right: right))
    }
}
