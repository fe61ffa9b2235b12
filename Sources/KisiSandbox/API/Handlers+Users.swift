import Foundation
import JSONSupport

extension Handlers {
    // MARK: Users

    func listUsers() async throws -> SandboxResponse {
        let listing = try Listing(request, .users)
        let ids = try filters.ids(), query = filters.query()
        let email = request.parameter("email").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let groupID = try filters.integer("group_id"), placeID = try filters.integer("place_id")
        let userID = try userIDParameter()
        return try await read { state throws(APIError) in
            let inGroup = groupID.map { group in Set(state.roleAssignments.filter { $0.groupID == group }.compactMap(\.userID)) }
            let inPlace = placeID.map { place in
                let groups = Set(state.groups.filter { $0.placeID == place }.map(\.id))
                return Set(state.roleAssignments.filter { groups.contains($0.groupID) }.compactMap(\.userID))
            }
            // Kisi's sorts for users: by name, by last unlock (none happen in the sandbox, so
            // records keep their order), or access enabled first.
            let users = try filters.sorted(
                state.users.filter { user in
                    (ids?.contains(user.id) ?? true) && (email == nil || user.email.lowercased() == email)
                        && Filters.matches(query, user.email, user.name, user.notes)
                        && (inGroup?.contains(user.id) ?? true) && (inPlace?.contains(user.id) ?? true)
                        && (userID == nil || user.id == userID)
                },
                allowed: ["name", "-name", "unlock", "-unlock", "access_enabled", "-access_enabled"],
                by: [
                    "name": { $0.name.lowercased() < $1.name.lowercased() }, "unlock": { _, _ in false },
                    "access_enabled": { $0.accessEnabled && !$1.accessEnabled },
                ])
            var groupsPerUser: [Int: Set<Int>] = [:]
            for assignment in state.roleAssignments {
                if let user = assignment.userID { groupsPerUser[user, default: []].insert(assignment.groupID) }
            }
            let resources = KisiResources(state: state)
            return listing.response(users) { page in page.map { resources.user($0, groups: groupsPerUser[$0.id]?.count ?? 0) } }
        }
    }

    /// `user_id=42` or `user_id=me`.
    func userIDParameter() throws(APIError) -> Int? {
        guard let text = request.parameter("user_id") else { return nil }
        if text == "me" { return caller.userID }
        guard let id = Int(text) else { throw .badRequest("user_id must be a whole number or me, found \"\(text)\"") }
        return id
    }

    func createUser() async throws -> SandboxResponse {
        var attributes = try attributes("user")
        let email = attributes.string("email", required: true)
        let name = attributes.string("name")
        let notes = attributes.string("notes")
        let sendEmails = attributes.bool("send_emails")
        let confirm = attributes.bool("confirm")
        let accessEnabled = attributes.bool("access_enabled")
        let passwordFlow = attributes.bool("password_flow_enabled")
        if let email = email ?? nil, !Self.isEmail(email) { attributes.fail("email", "is invalid") }
        try attributes.check()
        return try await write { state, now throws(APIError) in
            // A user receives Kisi's e-mails unless created with `send_emails: false` (a managed user).
            let user = try Self.addUser(
                to: &state, email: email!!, name: name ?? nil, at: now, sendEmails: sendEmails ?? true,
                confirmed: confirm ?? false, notes: notes ?? nil, accessEnabled: accessEnabled ?? true,
                passwordFlowEnabled: passwordFlow ?? false)
            state.mail(.accountInvitation, to: .user(user.id), cause: "POST /users", at: now)
            return .json(KisiResources(state: state).user(user))
        }
    }

    /// Creates a user; e-mails are unique ignoring case (422).
    static func addUser(
        to state: inout SandboxState, email: String, name: String?, at now: String, sendEmails: Bool,
        confirmed: Bool, notes: String? = nil, accessEnabled: Bool = true,
        passwordFlowEnabled: Bool = false
    ) throws(APIError) -> UserRecord {
        let trimmed = email.trimmingCharacters(in: .whitespaces)
        if state.users.contains(where: { $0.email.lowercased() == trimmed.lowercased() }) {
            throw .invalid("email", "has already been taken")
        }
        let user = UserRecord(
            id: state.nextID("user"), name: name ?? "", email: trimmed, notes: notes, accessEnabled: accessEnabled,
            passwordFlowEnabled: passwordFlowEnabled, confirmed: confirmed, sendEmails: sendEmails,
            createdAt: now, updatedAt: now)
        state.users.append(user)
        return user
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !text.contains(" ")
    }

    func updateUser(_ id: Int) async throws -> SandboxResponse {
        // Kisi's update body has no email: an e-mail cannot change, and is ignored like any
        // attribute Rails' strong parameters do not permit.
        var attributes = try attributes("user")
        let name = attributes.string("name")
        let notes = attributes.string("notes")
        let accessEnabled = attributes.bool("access_enabled")
        let passwordFlow = attributes.bool("password_flow_enabled")
        try attributes.check()
        return try await write { state, now throws(APIError) in
            guard let index = state.users.index(of: id) else { throw .notFound("User") }
            if let name { state.users[index].name = name ?? "" }
            if let notes { state.users[index].notes = notes }
            if let accessEnabled { state.users[index].accessEnabled = accessEnabled }
            if let passwordFlow { state.users[index].passwordFlowEnabled = passwordFlow }
            state.users[index].updatedAt = now
            return .noContent
        }
    }

    func deleteUser(_ id: Int) async throws -> SandboxResponse {
        try await write { state, _ throws(APIError) in
            guard let index = state.users.index(of: id) else { throw .notFound("User") }
            if state.organization.userID == id {
                throw .invalid("base", "the organization owner cannot be deleted")
            }
            state.users.remove(at: index)
            state.roleAssignments.removeAll { $0.assignee == .user(id) }
            state.teamMemberships.removeAll { $0.memberType == .user && $0.memberID == id }
            state.apiKeys.removeAll { $0.userID == id }
            return .noContent
        }
    }

    // MARK: Invites

    /// `POST /invites`: a user (found by e-mail, or created) or a new guest, given a role in a
    /// group, in one call.
    func createInvite() async throws -> SandboxResponse {
        var attributes = try attributes("invite")
        let type = attributes.string("invites_to_type", required: true)
        let groupID = attributes.id("invites_to_id", required: true)
        let notify = attributes.bool("notify") ?? true
        var invitee = attributes.object("invitee", required: true)
        var role = attributes.object("role_assignment", required: true)
        var accessKey = attributes.object("access_key", required: false)
        if let type = type ?? nil, type != "Group" {
            attributes.fail(
                "invites_to_type",
                type == "Place" || type == "Team" ? "\(type) invites are not emulated by the sandbox" : "is not included in the list")
        }
        var kind: Assignee.Kind?, email: String??, name: String??, phone: String??
        if var person = invitee {
            let resourceType = person.string("resource_type", required: true)
            switch resourceType ?? nil {
            case "User"?:
                kind = .user
                email = person.string("email", required: true)
                name = person.string("name", required: true)
                if let email = email ?? nil, !Self.isEmail(email) { person.fail("email", "is invalid") }
            case "Guest"?:
                kind = .guest
                name = person.string("name", required: true)
                email = person.string("email")
                phone = person.string("phone_number")
                if let email = email ?? nil, !Self.isEmail(email) { person.fail("email", "is invalid") }
                if let phone = phone ?? nil, !Self.isPhoneNumber(phone) { person.fail("phone_number", "is invalid") }
            case let other?:
                person.fail("resource_type", other.isEmpty ? "can't be blank" : "is not included in the list")
            case nil: break
            }
            for error in person.errors { attributes.fail("invitee.\(error.field)", error.message) }
            invitee = person
        }
        var window: RoleWindow?
        if var assignment = role {
            window = roleWindow(&assignment, requireRole: true)
            for error in assignment.errors { attributes.fail("role_assignment.\(error.field)", error.message) }
            role = assignment
        }
        var link = true, qrCode = false
        if var key = accessKey {
            if kind != .guest { attributes.fail("access_key", "is only for guests") }
            link = key.bool("link_enabled") ?? true
            qrCode = key.bool("qr_code_enabled") ?? false
            for error in key.errors { attributes.fail("access_key.\(error.field)", error.message) }
            accessKey = key
        }
        try attributes.check()
        let roleWindow = window!, inviteeKind = kind!, inviteeName = name ?? nil, inviteePhone = phone ?? nil
        let (linkEnabled, qrCodeEnabled) = (link, qrCode)
        let address = (email ?? nil)?.trimmingCharacters(in: .whitespaces)
        return try await write { state, now throws(APIError) in
            guard state.groups.record(groupID!!) != nil else { throw .invalid("invites_to", "must exist") }
            // Checked before anyone is created, so a refused invite changes nothing.
            try Self.checkOrder(roleWindow.validFrom ?? nil, roleWindow.validUntil ?? nil)
            let assignee: Assignee
            switch inviteeKind {
            case .user:
                if let existing = state.users.first(where: { $0.email.lowercased() == address!.lowercased() }) {
                    assignee = .user(existing.id)
                } else {
                    // Kisi's default for a new user: confirmed by e-mail, and receiving Kisi's e-mails.
                    assignee = .user(try Self.addUser(to: &state, email: address!, name: inviteeName, at: now, sendEmails: true, confirmed: false).id)
                }
            default:
                let guest = GuestRecord(
                    id: state.nextID("guest"), name: inviteeName ?? "", email: address, phoneNumber: inviteePhone,
                    createdAt: now, updatedAt: now)
                state.guests.append(guest)
                assignee = Assignee(kind: .guest, id: guest.id)
            }
            let assignment = try addRoleAssignment(
                to: &state, groupID: groupID!!, assignee: assignee, window: roleWindow, notify: false,
                at: now, cause: "POST /invites")
            if notify { state.mail(.invitation, to: assignee, cause: "POST /invites", at: now) }
            let inviteID = state.nextID("invite")
            state.invites += 1
            let key: JSONValue? =
                inviteeKind == .guest
                ? .object([
                    ("id", .int(inviteID)), ("resource_type", .string("AccessKey")), ("link_enabled", .bool(linkEnabled)),
                    ("qr_code_enabled", .bool(qrCodeEnabled)),
                ])
                : nil
            return .json(KisiResources(state: state).invite(id: inviteID, assignment: assignment, notify: notify, at: now, accessKey: key))
        }
    }

    /// E.164 for the US, Canada and Puerto Rico, as Kisi accepts: `+1` and ten digits.
    static func isPhoneNumber(_ text: String) -> Bool {
        text.hasPrefix("+1") && text.count == 12 && text.dropFirst().allSatisfy(\.isNumber)
    }
}
