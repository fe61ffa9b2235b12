import Foundation
import JSONSupport

/// Everything kisictl reads from Kisi. `plan` holds only a ``KisiReader``, which has no write
/// methods at all: a plan cannot change Kisi, by construction.
public protocol KisiReading: Sendable {
    func organization() async throws(KisiError) -> KisiOrganization
    func places() async throws(KisiError) -> [KisiPlace]
    func locks() async throws(KisiError) -> [KisiLock]
    func groups() async throws(KisiError) -> [KisiGroup]
    func groupLocks(group: Int) async throws(KisiError) -> [KisiGroupLock]
    /// Every role in a group, each with its user's e-mail.
    func roleAssignments(group: Int) async throws(KisiError) -> [KisiRoleAssignment]
    /// Every group role of a user.
    func roleAssignments(user: Int) async throws(KisiError) -> [KisiRoleAssignment]
    /// Integrations, all or those feeding one group.
    func integrations(group: Int?) async throws(KisiError) -> [KisiIntegration]
    /// The user with exactly this address (trimmed, case-folded), if any.
    func user(email: String) async throws(KisiError) -> KisiUser?
    /// One page of users (100, Kisi's maximum) and how many there are in all.
    func usersPage(offset: Int) async throws(KisiError) -> (users: [KisiUser], total: Int)
    /// Requests sent so far (retries included).
    var requestsSent: Int { get async }
}

/// Reads Kisi. Lists are read to the end, page by page at each endpoint's largest page size,
/// so a partial read never looks like "nothing there".
public struct KisiReader: KisiReading {
    let transport: KisiTransport

    public init(credentials: KisiCredentials, options: KisiClientOptions = KisiClientOptions()) {
        transport = KisiTransport(credentials: credentials, options: options)
    }

    public var requestsSent: Int { get async { await transport.counter.total } }

    public func organization() async throws(KisiError) -> KisiOrganization {
        try await object("/organization")
    }

    /// The key's own user: the cheapest way to check a key.
    public func currentUser() async throws(KisiError) -> KisiUser { try await object("/user") }

    /// The organization-level roles of a user (`owner`, `administrator`, `observer`, …).
    public func organizationRoles(user: Int) async throws(KisiError) -> [String] {
        let roles: [KisiRoleAssignment] = try await list("/role_assignments", query: [("assignee_type", "User"), ("assignee_id", String(user)),
                                                                                      ("applies_to_type", "Organization")], limit: 250)
        return roles.map(\.roleID)
    }

    public func places() async throws(KisiError) -> [KisiPlace] { try await list("/places", limit: 250) }
    public func locks() async throws(KisiError) -> [KisiLock] { try await list("/locks", limit: 250) }
    public func groups() async throws(KisiError) -> [KisiGroup] { try await list("/groups", limit: 250) }

    public func groupLocks(group: Int) async throws(KisiError) -> [KisiGroupLock] {
        try await list("/group_locks", query: [("group_id", String(group))], limit: 250)
    }

    public func roleAssignments(group: Int) async throws(KisiError) -> [KisiRoleAssignment] {
        try await list("/role_assignments", query: [("applies_to_type", "Group"), ("applies_to_id", String(group))], limit: 250)
    }

    public func roleAssignments(user: Int) async throws(KisiError) -> [KisiRoleAssignment] {
        try await list("/role_assignments", query: [("assignee_type", "User"), ("assignee_id", String(user)),
                                                    ("applies_to_type", "Group")], limit: 250)
    }

    public func integrations(group: Int?) async throws(KisiError) -> [KisiIntegration] {
        try await list("/integrations", query: group.map { [("group_id", String($0))] } ?? [], limit: 250)
    }

    public func user(email: String) async throws(KisiError) -> KisiUser? {
        let wanted = email.trimmingCharacters(in: .whitespaces).lowercased()
        // `email` filters; matching again here keeps a fuzzy search from ever picking someone else.
        let found: [KisiUser] = try await list("/users", query: [("email", wanted)], limit: 100)
        return found.first { $0.email.trimmingCharacters(in: .whitespaces).lowercased() == wanted }
    }

    public func usersPage(offset: Int) async throws(KisiError) -> (users: [KisiUser], total: Int) {
        let (users, total): ([KisiUser], Int) = try await page("/users", query: [], limit: 100, offset: offset)
        return (users, total)
    }

    // MARK: Plumbing

    func object<T: Decodable>(_ path: String) async throws(KisiError) -> T {
        let request = KisiRequest(method: "GET", path: path)
        return try decode(try await transport.send(request), request)
    }

    /// Every item of a list, following `X-Collection-Range` to the end.
    func list<T: Decodable>(_ path: String, query: [(String, String)] = [], limit: Int) async throws(KisiError) -> [T] {
        var items: [T] = []
        var offset = 0
        while true {
            let (page, total): ([T], Int) = try await self.page(path, query: query, limit: limit, offset: offset)
            items += page
            offset += limit
            if page.isEmpty || offset >= total { return items }
        }
    }

    func page<T: Decodable>(_ path: String, query: [(String, String)], limit: Int, offset: Int) async throws(KisiError) -> ([T], Int) {
        let request = KisiRequest(method: "GET", path: path, query: query + [("limit", String(limit)), ("offset", String(offset))])
        let response = try await transport.send(request)
        let items: [T] = try decode(response, request)
        guard let range = response.headers["x-collection-range"] else {
            throw .unexpectedResponse(request.description, "no X-Collection-Range header")
        }
        guard let total = Self.total(range) else {
            throw .unexpectedResponse(request.description, "unreadable X-Collection-Range \"\(range)\"")
        }
        return (items, total)
    }

    /// The total of `start-end/total` or `*/0`.
    static func total(_ range: String) -> Int? {
        guard let slash = range.lastIndex(of: "/") else { return nil }
        return Int(range[range.index(after: slash)...])
    }

    func decode<T: Decodable>(_ response: KisiResponse, _ request: KisiRequest) throws(KisiError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw .unexpectedResponse(request.description, "\(error)")
        }
    }
}

/// Reads and writes Kisi: only `apply` holds one.
public struct KisiWriter: KisiReading {
    public let reader: KisiReader
    var transport: KisiTransport { reader.transport }

    public init(credentials: KisiCredentials, options: KisiClientOptions = KisiClientOptions()) {
        reader = KisiReader(credentials: credentials, options: options)
    }

    public var requestsSent: Int { get async { await reader.requestsSent } }
    public func organization() async throws(KisiError) -> KisiOrganization { try await reader.organization() }
    public func places() async throws(KisiError) -> [KisiPlace] { try await reader.places() }
    public func locks() async throws(KisiError) -> [KisiLock] { try await reader.locks() }
    public func groups() async throws(KisiError) -> [KisiGroup] { try await reader.groups() }
    public func groupLocks(group: Int) async throws(KisiError) -> [KisiGroupLock] { try await reader.groupLocks(group: group) }
    public func roleAssignments(group: Int) async throws(KisiError) -> [KisiRoleAssignment] { try await reader.roleAssignments(group: group) }
    public func roleAssignments(user: Int) async throws(KisiError) -> [KisiRoleAssignment] { try await reader.roleAssignments(user: user) }
    public func integrations(group: Int?) async throws(KisiError) -> [KisiIntegration] { try await reader.integrations(group: group) }
    public func user(email: String) async throws(KisiError) -> KisiUser? { try await reader.user(email: email) }
    public func usersPage(offset: Int) async throws(KisiError) -> (users: [KisiUser], total: Int) { try await reader.usersPage(offset: offset) }

    /// Finds a group by exact name and place (groups are listed: Kisi's `query` is a search).
    public func findGroup(name: String, placeID: Int?) async throws(KisiError) -> KisiGroup? {
        try await reader.list("/groups", query: [("query", name)], limit: 250).first { (group: KisiGroup) in
            group.name == name && group.placeID == placeID
        }
    }

    public func createGroup(name: String, description: String?, placeID: Int?) async throws(KisiError) -> KisiGroup {
        var attributes: [(String, JSONValue)] = [("name", .string(name))]
        if let description { attributes.append(("description", .string(description))) }
        attributes.append(("place_id", .int(placeID)))
        return try await write("POST", "/groups", envelope: "group", attributes)
    }

    public func updateGroup(_ id: Int, name: String?, description: String?) async throws(KisiError) {
        var attributes: [(String, JSONValue)] = []
        if let name { attributes.append(("name", .string(name))) }
        if let description { attributes.append(("description", .string(description))) }
        try await writeWithoutAnswer("PATCH", "/groups/\(id)", envelope: "group", attributes)
    }

    public func linkLock(group: Int, lock: Int) async throws(KisiError) -> KisiGroupLock {
        try await write("POST", "/group_locks", envelope: "group_lock", [("group_id", .int(group)), ("lock_id", .int(lock))])
    }

    public func unlinkLock(_ id: Int) async throws(KisiError) {
        try await writeWithoutAnswer("DELETE", "/group_locks/\(id)", envelope: nil, [])
    }

    /// Gives an existing user the `group_basic` role in a group.
    public func grant(group: Int, user: Int, validFrom: Date?, validUntil: Date?, notify: Bool) async throws(KisiError) -> KisiRoleAssignment {
        try await write("POST", "/role_assignments", envelope: "role_assignment", [
            ("applies_to_type", .string("Group")), ("applies_to_id", .int(group)),
            ("assignee_type", .string("User")), ("assignee_id", .int(user)),
            ("role_id", .string("group_basic")), ("notify", .bool(notify)),
            ("valid_from", .string(validFrom.map(KisiTime.format))), ("valid_until", .string(validUntil.map(KisiTime.format))),
        ])
    }

    /// Creates the user if Kisi has no user with this address, and gives them the role: one call.
    public func invite(group: Int, email: String, name: String, validFrom: Date?, validUntil: Date?,
                       notify: Bool) async throws(KisiError) -> KisiInvite {
        try await write("POST", "/invites", envelope: "invite", [
            ("invites_to_type", .string("Group")), ("invites_to_id", .int(group)), ("notify", .bool(notify)),
            ("invitee", .object([("resource_type", .string("User")), ("email", .string(email)), ("name", .string(name))])),
            ("role_assignment", .object([("role_id", .string("group_basic")),
                                         ("valid_from", .string(validFrom.map(KisiTime.format))),
                                         ("valid_until", .string(validUntil.map(KisiTime.format)))])),
        ])
    }

    public func changeWindow(_ roleAssignment: Int, validFrom: Date?, validUntil: Date?) async throws(KisiError) {
        try await writeWithoutAnswer("PATCH", "/role_assignments/\(roleAssignment)", envelope: "role_assignment", [
            ("valid_from", .string(validFrom.map(KisiTime.format))), ("valid_until", .string(validUntil.map(KisiTime.format))),
        ])
    }

    public func revoke(_ roleAssignment: Int) async throws(KisiError) {
        try await writeWithoutAnswer("DELETE", "/role_assignments/\(roleAssignment)", envelope: nil, [])
    }

    private func body(_ envelope: String?, _ attributes: [(String, JSONValue)]) -> Data? {
        envelope.map { Data(JSONValue.object([($0, .object(attributes))]).rendered(pretty: false).utf8) }
    }

    private func write<T: Decodable>(_ method: String, _ path: String, envelope: String?,
                                     _ attributes: [(String, JSONValue)]) async throws(KisiError) -> T {
        let request = KisiRequest(method: method, path: path, body: body(envelope, attributes))
        return try reader.decode(try await transport.send(request), request)
    }

    private func writeWithoutAnswer(_ method: String, _ path: String, envelope: String?,
                                    _ attributes: [(String, JSONValue)]) async throws(KisiError) {
        _ = try await transport.send(KisiRequest(method: method, path: path, body: body(envelope, attributes)))
    }
}
