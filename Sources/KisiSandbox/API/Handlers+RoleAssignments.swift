import Foundation
import JSONSupport

/// The role and validity window of a group role assignment, as a request gives them.
struct RoleWindow: Sendable {
    var roleID: String?
    /// Absent (nil) or given, possibly as null (.some(nil)).
    var validFrom: String??
    var validUntil: String??
}

extension Handlers {
    static let groupRoles = ["group_basic", "group_manager"]

    func listRoleAssignments() async throws -> SandboxResponse {
        let listing = try Listing(request, .standard)
        let ids = try filters.ids(), query = filters.query()
        let roleID = request.parameter("role_id")
        let appliesToType = try filters.oneOf("applies_to_type", ["Organization", "Place", "Group"])
        let appliesToID = try filters.integer("applies_to_id")
        let assigneeType = try filters.oneOf("assignee_type", Assignee.Kind.allCases.map(\.rawValue)).flatMap(Assignee.Kind.init)
        let assigneeID = try filters.integer("assignee_id")
        if appliesToID != nil, appliesToType == nil { throw APIError.badRequest("applies_to_id needs applies_to_type") }
        if assigneeID != nil, assigneeType == nil { throw APIError.badRequest("assignee_id needs assignee_type") }
        // Deprecated filters Kisi still honours: `group_id`, `user_id`, `place_id` and `scope`.
        let legacyGroupID = try filters.integer("group_id"), userID = try userIDParameter(), placeID = try filters.integer("place_id")
        let scope = try filters.oneOf("scope", ["organization", "place", "group", "team"])
        let sort = try filters.oneOf("sort", ["user.name", "-user.name"])
        return try await read { state throws(APIError) in
            let resources = KisiResources(state: state)
            if appliesToType == "Organization" || scope == "organization" {
                // Organization roles exist in the sandbox only as the roles of its API keys' users.
                guard assigneeType == nil || assigneeType == .user, roleID == nil || APIKeyRecord.Role(rawValue: roleID!) != nil else {
                    return listing.response([APIKeyRecord]()) { $0.map(resources.organizationRole) }
                }
                let holders = state.apiKeys.filter {
                    (assigneeID == nil || $0.userID == assigneeID) && (userID == nil || $0.userID == userID)
                        && (roleID == nil || $0.role.rawValue == roleID) && $0.login == nil
                }
                var seen = Set<Int>()
                let roles = holders.filter { seen.insert($0.userID).inserted }.sorted { $0.userID < $1.userID }
                return listing.response(roles) { $0.map(resources.organizationRole) }
            }
            // The sandbox holds group roles only; place and team scopes find nothing.
            let onlyOtherKinds = appliesToType == "Place" || (scope != nil && scope != "group")
            let groupsInPlace = placeID.map { place in Set(state.groups.filter { $0.placeID == place }.map(\.id)) }
            let assignments =
                onlyOtherKinds
                ? []
                : state.roleAssignments.filter { assignment in
                    let user = assignment.userID.flatMap { state.users.record($0) }
                    return (ids?.contains(assignment.id) ?? true) && (roleID == nil || assignment.roleID == roleID)
                        && (appliesToID == nil || assignment.groupID == appliesToID)
                        && (assigneeType == nil || assignment.assignee.kind == assigneeType)
                        && (assigneeID == nil || assignment.assignee.id == assigneeID)
                        && (legacyGroupID == nil || assignment.groupID == legacyGroupID) && (userID == nil || assignment.userID == userID)
                        && (groupsInPlace?.contains(assignment.groupID) ?? true)
                        && (query == nil || Filters.matches(query, user?.email, user?.name))
                }
            let sorted: [RoleAssignmentRecord]
            switch sort {
            case nil: sorted = assignments
            case let order?:
                let names = Dictionary(uniqueKeysWithValues: state.users.map { ($0.id, $0.name.lowercased()) })
                let ascending = assignments.sorted { (names[$0.userID ?? -1] ?? "", $0.id) < (names[$1.userID ?? -1] ?? "", $1.id) }
                sorted = order == "user.name" ? ascending : ascending.reversed()
            }
            return listing.response(sorted) { $0.map(resources.roleAssignment) }
        }
    }

    /// Accepts the current body (`applies_to_type`/`applies_to_id`, `assignee_type`/`assignee_id`,
    /// for a user, a team or a guest) and the legacy one (`user_id`, `group_id`), or both when
    /// they agree.
    func createRoleAssignment() async throws -> SandboxResponse {
        var attributes = try attributes("role_assignment")
        let appliesToType = attributes.string("applies_to_type")
        let appliesToID = attributes.id("applies_to_id")
        let assigneeType = attributes.string("assignee_type")
        let assigneeID = attributes.id("assignee_id")
        let legacyGroupID = attributes.id("group_id")
        let legacyUserID = attributes.id("user_id")
        // Kisi notifies unless told not to (the invite's documented default): assumed here too.
        let notify = attributes.bool("notify") ?? true
        let window = roleWindow(&attributes, requireRole: true)

        if let type = appliesToType ?? nil, type != "Group" {
            attributes.fail(
                "applies_to_type",
                ["Organization", "Place"].contains(type)
                    ? "\(type) role assignments are not emulated by the sandbox" : "is not included in the list")
        }
        var kind = Assignee.Kind.user
        if let type = assigneeType ?? nil {
            if let known = Assignee.Kind(rawValue: type) { kind = known } else { attributes.fail("assignee_type", "is not included in the list") }
        }
        let groupID = Self.agree(appliesToID ?? nil, legacyGroupID ?? nil, "applies_to_id", "group_id", &attributes)
        let holderID =
            kind == .user
            ? Self.agree(assigneeID ?? nil, legacyUserID ?? nil, "assignee_id", "user_id", &attributes)
            : Self.agree(assigneeID ?? nil, nil, "assignee_id", "user_id", &attributes)
        try attributes.check()
        let assignee = Assignee(kind: kind, id: holderID!), holderKind = kind
        return try await write { state, now throws(APIError) in
            guard state.groups.record(groupID!) != nil else { throw .notFound("Group") }
            guard state.holds(assignee) else { throw .notFound(holderKind.rawValue) }
            let assignment = try addRoleAssignment(
                to: &state, groupID: groupID!, assignee: assignee, window: window, notify: notify, at: now,
                cause: "POST /role_assignments")
            return .json(KisiResources(state: state).roleAssignment(assignment))
        }
    }

    /// One id given two ways (current and legacy field) must be given, and agree.
    private static func agree(
        _ current: Int?, _ legacy: Int?, _ currentName: String, _ legacyName: String,
        _ attributes: inout Attributes
    ) -> Int? {
        switch (current, legacy) {
        case (nil, nil):
            attributes.fail(currentName, "can't be blank")
            return nil
        case (let a?, let b?) where a != b:
            attributes.fail(legacyName, "does not match \(currentName)")
            return nil
        default:
            return current ?? legacy
        }
    }

    /// Reads `role_id`, `valid_from` and `valid_until`, recording 422s on `attributes`.
    func roleWindow(_ attributes: inout Attributes, requireRole: Bool) -> RoleWindow {
        let role = requireRole || attributes.has("role_id") ? attributes.string("role_id", required: true) : nil
        if let role = role ?? nil, !Self.groupRoles.contains(role) {
            attributes.fail("role_id", "is not included in the list")
        }
        let from = attributes.time("valid_from"), until = attributes.time("valid_until")
        return RoleWindow(roleID: role ?? nil, validFrom: from, validUntil: until)
    }

    /// One role per assignee per group; a window must end after it starts. Kisi's e-mail, if
    /// `notify`, goes to the outbox.
    func addRoleAssignment(
        to state: inout SandboxState, groupID: Int, assignee: Assignee, window: RoleWindow, notify: Bool,
        at now: String, cause: String
    ) throws(APIError) -> RoleAssignmentRecord {
        if state.roleAssignments.contains(where: { $0.groupID == groupID && $0.assignee == assignee }) {
            throw .invalid(assignee.kind == .user ? "user_id" : "assignee_id", "has already been taken")
        }
        let from = window.validFrom ?? nil, until = window.validUntil ?? nil
        try Self.checkOrder(from, until)
        let assignment = RoleAssignmentRecord(
            id: state.nextID("role_assignment"), roleID: window.roleID ?? "group_basic",
            groupID: groupID, assignee: assignee, notify: notify, validFrom: from, validUntil: until,
            createdBy: .init(kind: .user, id: caller.userID), createdAt: now, updatedAt: now)
        state.roleAssignments.append(assignment)
        if notify { state.mail(.accessGranted, to: assignee, cause: cause, at: now) }
        return assignment
    }

    static func checkOrder(_ from: String?, _ until: String?) throws(APIError) {
        if let from, let until, let start = Timestamps.parse(from), let end = Timestamps.parse(until), end <= start {
            throw .invalid("valid_until", "must be after valid_from")
        }
    }

    func updateRoleAssignment(_ id: Int) async throws -> SandboxResponse {
        var attributes = try attributes("role_assignment")
        let notify = attributes.bool("notify")
        let window = roleWindow(&attributes, requireRole: false)
        try attributes.check()
        return try await write { state, now throws(APIError) in
            guard let index = state.roleAssignments.index(of: id) else { throw .notFound("Role assignment") }
            var assignment = state.roleAssignments[index]
            if let role = window.roleID { assignment.roleID = role }
            if let notify { assignment.notify = notify }
            // A Kisi that ignores the (undocumented) validity fields of a PATCH, on request.
            if !state.emulation.patchIgnoresValidity {
                if let from = window.validFrom { assignment.validFrom = from }
                if let until = window.validUntil { assignment.validUntil = until }
            }
            try Self.checkOrder(assignment.validFrom, assignment.validUntil)
            assignment.updatedAt = now
            state.roleAssignments[index] = assignment
            if notify ?? true { state.mail(.accessChanged, to: assignment.assignee, cause: "PATCH /role_assignments/{id}", at: now) }
            return .noContent
        }
    }

    func deleteRoleAssignment(_ id: Int) async throws -> SandboxResponse {
        try await write { state, _ throws(APIError) in
            guard let index = state.roleAssignments.index(of: id) else { throw .notFound("Role assignment") }
            state.roleAssignments.remove(at: index)
            return .noContent
        }
    }
}

extension SandboxState {
    /// Whether the user, team or guest exists.
    func holds(_ assignee: Assignee) -> Bool {
        switch assignee.kind {
        case .user: users.record(assignee.id) != nil
        case .team: teams.record(assignee.id) != nil
        case .guest: guests.record(assignee.id) != nil
        }
    }
}
