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
        let assigneeType = try filters.oneOf("assignee_type", ["User", "Team", "Guest"])
        let assigneeID = try filters.integer("assignee_id")
        if appliesToID != nil, appliesToType == nil { throw APIError.badRequest("applies_to_id needs applies_to_type") }
        if assigneeID != nil, assigneeType == nil { throw APIError.badRequest("assignee_id needs assignee_type") }
        let legacyGroupID = try filters.integer("group_id"), userID = try userIDParameter()
        let scope = try filters.oneOf("scope", ["organization", "place", "group", "team"])
        return try await read { state throws(APIError) in
            // The sandbox holds group roles of users only; asking for other kinds finds nothing.
            let onlyOtherKinds = (appliesToType != nil && appliesToType != "Group") || (assigneeType != nil && assigneeType != "User")
                || (scope != nil && scope != "group")
            let assignments = onlyOtherKinds ? [] : state.roleAssignments.filter { assignment in
                (ids?.contains(assignment.id) ?? true) && (roleID == nil || assignment.roleID == roleID)
                    && (appliesToID == nil || assignment.groupID == appliesToID)
                    && (assigneeID == nil || assignment.userID == assigneeID)
                    && (legacyGroupID == nil || assignment.groupID == legacyGroupID) && (userID == nil || assignment.userID == userID)
                    && (query == nil || Filters.matches(query, state.users.record(assignment.userID)?.email,
                                                        state.users.record(assignment.userID)?.name))
            }
            let sorted: [RoleAssignmentRecord]
            switch try filters.oneOf("sort", ["user.name", "-user.name"]) {
            case nil: sorted = assignments
            case let order?:
                let names = Dictionary(uniqueKeysWithValues: state.users.map { ($0.id, $0.name.lowercased()) })
                let ascending = assignments.sorted { (names[$0.userID] ?? "", $0.id) < (names[$1.userID] ?? "", $1.id) }
                sorted = order == "user.name" ? ascending : ascending.reversed()
            }
            let resources = KisiResources(state: state)
            if appliesToType == "Organization", assigneeType == "User" || assigneeType == nil, roleID == nil {
                // Organization roles exist in the sandbox only as the roles of its API keys' users.
                let holders = state.apiKeys.filter { assigneeID == nil || $0.userID == assigneeID }
                var seen = Set<Int>()
                let roles = holders.filter { seen.insert($0.userID).inserted }.sorted { $0.userID < $1.userID }
                return listing.response(roles) { $0.map(resources.organizationRole) }
            }
            return listing.response(sorted) { $0.map(resources.roleAssignment) }
        }
    }

    /// Accepts the current body (`applies_to_type`/`applies_to_id`, `assignee_type`/`assignee_id`)
    /// and the legacy one (`user_id`, `group_id`), or both when they agree.
    func createRoleAssignment() async throws -> SandboxResponse {
        var attributes = try attributes("role_assignment")
        let appliesToType = attributes.string("applies_to_type")
        let appliesToID = attributes.id("applies_to_id")
        let assigneeType = attributes.string("assignee_type")
        let assigneeID = attributes.id("assignee_id")
        let legacyGroupID = attributes.id("group_id")
        let legacyUserID = attributes.id("user_id")
        let notify = attributes.bool("notify") ?? false
        let window = roleWindow(&attributes, requireRole: true)

        if let type = appliesToType ?? nil, type != "Group" {
            attributes.fail("applies_to_type", ["Organization", "Place"].contains(type)
                ? "\(type) role assignments are not emulated by the sandbox" : "is not included in the list")
        }
        if let type = assigneeType ?? nil, type != "User" {
            attributes.fail("assignee_type", ["Team", "Guest"].contains(type)
                ? "\(type) assignees are not emulated by the sandbox" : "is not included in the list")
        }
        let groupID = Self.agree(appliesToID ?? nil, legacyGroupID ?? nil, "applies_to_id", "group_id", &attributes)
        let userID = Self.agree(assigneeID ?? nil, legacyUserID ?? nil, "assignee_id", "user_id", &attributes)
        try attributes.check()
        return try await write { state, now throws(APIError) in
            guard state.groups.record(groupID!) != nil else { throw .notFound("Group") }
            guard state.users.record(userID!) != nil else { throw .notFound("User") }
            let assignment = try addRoleAssignment(to: &state, groupID: groupID!, userID: userID!, window: window, notify: notify, at: now)
            return .json(KisiResources(state: state).roleAssignment(assignment))
        }
    }

    /// One id given two ways (current and legacy field) must be given, and agree.
    private static func agree(_ current: Int?, _ legacy: Int?, _ currentName: String, _ legacyName: String,
                              _ attributes: inout Attributes) -> Int? {
        switch (current, legacy) {
        case (nil, nil):
            attributes.fail(currentName, "can't be blank")
            return nil
        case let (a?, b?) where a != b:
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

    /// One role per user per group; a window must end after it starts.
    func addRoleAssignment(to state: inout SandboxState, groupID: Int, userID: Int, window: RoleWindow, notify: Bool,
                           at now: String) throws(APIError) -> RoleAssignmentRecord {
        if state.roleAssignments.contains(where: { $0.groupID == groupID && $0.userID == userID }) {
            throw .invalid("user_id", "has already been taken")
        }
        let from = window.validFrom ?? nil, until = window.validUntil ?? nil
        try Self.checkOrder(from, until)
        let assignment = RoleAssignmentRecord(id: state.nextID("role_assignment"), roleID: window.roleID ?? "group_basic",
                                              groupID: groupID, userID: userID, notify: notify, validFrom: from, validUntil: until,
                                              createdByID: caller.userID, createdAt: now, updatedAt: now)
        state.roleAssignments.append(assignment)
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
            if let from = window.validFrom { assignment.validFrom = from }
            if let until = window.validUntil { assignment.validUntil = until }
            try Self.checkOrder(assignment.validFrom, assignment.validUntil)
            assignment.updatedAt = now
            state.roleAssignments[index] = assignment
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
