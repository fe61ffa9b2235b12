import JSONSupport

/// Records with ids, kept in ascending id order (ids only grow), so lookups are binary searches.
protocol IdentifiedRecord {
    var id: Int { get }
}

extension PlaceRecord: IdentifiedRecord {}
extension LockRecord: IdentifiedRecord {}
extension GroupRecord: IdentifiedRecord {}
extension GroupLockRecord: IdentifiedRecord {}
extension UserRecord: IdentifiedRecord {}
extension RoleAssignmentRecord: IdentifiedRecord {}
extension IntegrationRecord: IdentifiedRecord {}
extension TeamRecord: IdentifiedRecord {}
extension TeamMembershipRecord: IdentifiedRecord {}
extension GuestRecord: IdentifiedRecord {}
extension ScheduleRecord: IdentifiedRecord {}

extension Array where Element: IdentifiedRecord {
    func index(of id: Int) -> Int? {
        var low = 0, high = count - 1
        while low <= high {
            let middle = (low + high) / 2
            let candidate = self[middle].id
            if candidate == id { return middle }
            if candidate < id { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    func record(_ id: Int) -> Element? { index(of: id).map { self[$0] } }
}

/// Renders records as Kisi's JSON objects, with every field Kisi's OpenAPI document lists for
/// them (deprecated ones included), in its order. Fields the sandbox does not model carry
/// Kisi's defaults (restrictions off, geofence radius 300 m, nothing locked down).
struct KisiResources {
    let state: SandboxState

    // MARK: Counters, computed from the state so they are always true

    func usersCount(group: Int) -> Int { Set(state.roleAssignments.lazy.filter { $0.groupID == group }.compactMap(\.userID)).count }
    func locksCount(group: Int) -> Int { state.groupLocks.lazy.filter { $0.groupID == group }.count }
    func groupsCount(user: Int) -> Int { Set(state.roleAssignments.lazy.filter { $0.userID == user }.map(\.groupID)).count }
    func groupsCount(lock: Int) -> Int { state.groupLocks.lazy.filter { $0.lockID == lock }.count }

    /// Counters for many groups at once (one pass over the state).
    func groupCounters() -> (users: [Int: Int], locks: [Int: Int]) {
        var users: [Int: Set<Int>] = [:]
        for assignment in state.roleAssignments {
            if let user = assignment.userID { users[assignment.groupID, default: []].insert(user) }
        }
        var locks: [Int: Int] = [:]
        for link in state.groupLocks { locks[link.groupID, default: 0] += 1 }
        return (users.mapValues(\.count), locks)
    }

    // MARK: Objects

    var organizationMini: JSONValue {
        let organization = state.organization
        return .object([
            ("id", .int(organization.id)), ("resource_type", .string("Organization")),
            ("name", .string(organization.name)), ("domain", .string(organization.domain)),
        ])
    }

    var organization: JSONValue {
        let organization = state.organization
        return .object([
            ("id", .int(organization.id)), ("resource_type", .string("Organization")), ("name", .string(organization.name)),
            ("domain", .string(organization.domain)), ("logo", .null), ("address", .null), ("description", .null),
            ("device_logins_expire_after", .int(1_209_600)), ("places_count", .int(state.places.count)),
            ("scim_enabled", .bool(organization.scimEnabled ?? false)), ("sso_flow_enabled", .bool(false)),
            ("sso_expiration_override_enabled", .bool(false)),
            ("sso_expiration_override", .null), ("metadata", .null), ("time_zone", .string(organization.timeZone)),
            ("web_authentication_api_enabled", .bool(false)), ("apple_pass_enabled", .bool(false)),
            ("created_at", .string(organization.createdAt)), ("updated_at", .string(organization.updatedAt)),
            ("user_id", .int(organization.userID)), ("transfer_to_id", .null), ("image", .null), ("color", .null),
        ])
    }

    func placeMini(_ id: Int) -> JSONValue {
        .object([("id", .int(id)), ("resource_type", .string("Place")), ("name", .string(state.places.record(id)?.name ?? ""))])
    }

    func place(_ place: PlaceRecord) -> JSONValue {
        .object([
            ("id", .int(place.id)), ("resource_type", .string("Place")), ("name", .string(place.name)),
            ("description", .string(place.description)), ("created_at", .string(place.createdAt)),
            ("updated_at", .string(place.updatedAt)), ("latitude", place.latitude.map(JSONValue.double) ?? .null),
            ("longitude", place.longitude.map(JSONValue.double) ?? .null), ("address", .string(place.address)),
            ("image", .null), ("time_zone", .string(place.timeZone)), ("tz_time_zone", .string(place.timeZone)),
            ("locks_count", .int(state.locks.lazy.filter { $0.placeID == place.id }.count)),
            ("integrations_count", .int(state.integrations.lazy.filter { $0.placeID == place.id }.count)),
            ("locked_down", .bool(false)), ("locked_down_since", .null), ("occupancy_rate", .null),
            ("organization_id", .int(state.organization.id)), ("organization", organizationMini),
            ("color", .null), ("logo", .null), ("user_id", .null), ("members_count", .int(0)),
        ])
    }

    func lock(_ lock: LockRecord) -> JSONValue {
        let place = state.places.record(lock.placeID)
        return .object([
            ("id", .int(lock.id)), ("resource_type", .string("Lock")), ("created_at", .string(lock.createdAt)),
            ("updated_at", .string(lock.updatedAt)), ("configured", .bool(true)), ("description", .string(lock.description)),
            ("first_to_arrive_required_until", .null), ("first_to_arrive_satisfied", .bool(false)),
            ("latitude", place?.latitude.map(JSONValue.double) ?? .null), ("locked_down", .bool(false)), ("locked_down_since", .null),
            ("longitude", place?.longitude.map(JSONValue.double) ?? .null), ("name", .string(lock.name)),
            ("on_scheduled_unlock", .bool(false)), ("online", .bool(true)), ("open", .bool(false)), ("order_id", .null),
            ("unlocked", .bool(false)), ("geofence_restriction_enabled", .bool(false)), ("geofence_restriction_radius", .int(300)),
            ("reader_restriction_enabled", .bool(false)), ("time_restriction_enabled", .bool(false)),
            ("time_restriction_time_zone", .null), ("place_id", .int(lock.placeID)),
            (
                "place",
                .object([
                    ("id", .int(lock.placeID)), ("name", .string(place?.name ?? "")),
                    ("latitude", place?.latitude.map(JSONValue.double) ?? .null),
                    ("longitude", place?.longitude.map(JSONValue.double) ?? .null),
                ])
            ),
            ("floor_id", .null), ("groups_count", .int(groupsCount(lock: lock.id))), ("unlocked_until", .null),
        ])
    }

    func groupMini(_ id: Int) -> JSONValue {
        .object([("id", .int(id)), ("resource_type", .string("Group")), ("name", .string(state.groups.record(id)?.name ?? ""))])
    }

    func group(_ group: GroupRecord, users: Int? = nil, locks: Int? = nil) -> JSONValue {
        let usersCount = users ?? usersCount(group: group.id)
        var members: [(String, JSONValue)] = [
            ("id", .int(group.id)), ("resource_type", .string("Group")), ("name", .string(group.name)),
            ("description", .string(group.description)), ("created_at", .string(group.createdAt)),
            ("updated_at", .string(group.updatedAt)), ("geofence_restriction_enabled", .bool(group.geofenceRestrictionEnabled)),
            ("geofence_restriction_radius", .int(300)),
            ("primary_device_restriction_enabled", .bool(group.primaryDeviceRestrictionEnabled)),
            ("managed_device_restriction_enabled", .bool(group.managedDeviceRestrictionEnabled)),
            ("reader_restriction_enabled", .bool(group.readerRestrictionEnabled)),
            ("time_restriction_enabled", .bool(group.timeRestrictionEnabled)),
            ("tap_to_access_restriction_enabled", .bool(group.tapToAccessRestrictionEnabled)),
            ("login_enabled", .bool(group.loginEnabled)), ("users_count", .int(usersCount)),
            ("locks_count", .int(locks ?? locksCount(group: group.id))), ("elevator_stops_count", .int(0)),
            ("place_id", .int(group.placeID)),
        ]
        if let place = group.placeID { members.append(("place", placeMini(place))) }
        members += [("time_restriction_time_zone", .null), ("members_count", .int(usersCount))]
        return .object(members)
    }

    func groupLock(_ link: GroupLockRecord) -> JSONValue {
        let lock = state.locks.record(link.lockID)
        let placeID = lock?.placeID ?? 0
        return .object([
            ("id", .int(link.id)), ("resource_type", .string("GroupLock")), ("created_at", .string(link.createdAt)),
            ("updated_at", .string(link.updatedAt)), ("group_id", .int(link.groupID)), ("group", groupMini(link.groupID)),
            ("lock_id", .int(link.lockID)),
            ("lock", .object([("id", .int(link.lockID)), ("description", .string(lock?.description)), ("name", .string(lock?.name ?? ""))])),
            ("place_id", .int(placeID)), ("place", placeMini(placeID)),
        ])
    }

    func userMini(_ id: Int) -> JSONValue {
        let user = state.users.record(id)
        return .object([
            ("id", .int(id)), ("resource_type", .string("User")), ("email", .string(user?.email ?? "")),
            ("name", .string(user?.name ?? "")),
        ])
    }

    func user(_ user: UserRecord, groups: Int? = nil) -> JSONValue {
        .object([
            ("id", .int(user.id)), ("resource_type", .string("User")), ("name", .string(user.name)), ("email", .string(user.email)),
            ("created_at", .string(user.createdAt)), ("updated_at", .string(user.updatedAt)), ("metadata", .object([])),
            ("image", .null), ("otp_required_for_login", .bool(false)), ("password_flow_enabled", .bool(user.passwordFlowEnabled)),
            ("access_enabled", .bool(user.accessEnabled)), ("last_accessed_at", .null), ("scim_access_enabled", .bool(true)),
            ("notes", .string(user.notes)), ("organization_id", .int(state.organization.id)), ("confirmed", .bool(user.confirmed)),
            ("groups_count", .int(groups ?? groupsCount(user: user.id))),
        ])
    }

    /// `GET /user`: the key's own user, in the current-user form.
    func currentUser(_ user: UserRecord) -> JSONValue {
        .object([
            ("id", .int(user.id)), ("resource_type", .string("User")), ("name", .string(user.name)), ("email", .string(user.email)),
            ("image", .null), ("locale", .string("en")), ("notifications_unread_count", .int(0)),
            ("otp_required_for_login", .bool(false)), ("otp_enabled_at", .null), ("primary_login_exists", .bool(true)),
            ("created_at", .string(user.createdAt)), ("updated_at", .string(user.updatedAt)),
            ("announcements_last_seen_at", .null), ("last_read_at", .null), ("notes", .string(user.notes)),
            ("organization_id", .int(state.organization.id)), ("organization", organizationMini),
        ])
    }

    func teamMini(_ id: Int) -> JSONValue {
        .object([("id", .int(id)), ("resource_type", .string("Team")), ("name", .string(state.teams.record(id)?.name ?? ""))])
    }

    func guestMini(_ id: Int) -> JSONValue {
        let guest = state.guests.record(id)
        return .object([
            ("id", .int(id)), ("resource_type", .string("Guest")), ("name", .string(guest?.name ?? "")),
            ("email", .string(guest?.email)), ("phone_number", .string(guest?.phoneNumber)),
        ])
    }

    func assigneeMini(_ assignee: Assignee) -> JSONValue {
        switch assignee.kind {
        case .user: userMini(assignee.id)
        case .team: teamMini(assignee.id)
        case .guest: guestMini(assignee.id)
        }
    }

    /// A group role of a user, a team or a guest: the current fields and the deprecated ones
    /// (`user`, `assignee_team`, `guest` appear only for their kind of assignee).
    func roleAssignment(_ assignment: RoleAssignmentRecord) -> JSONValue {
        let assignee = assignment.assignee, group = groupMini(assignment.groupID)
        var members: [(String, JSONValue)] = [
            ("id", .int(assignment.id)), ("resource_type", .string("RoleAssignment")), ("created_at", .string(assignment.createdAt)),
            ("updated_at", .string(assignment.updatedAt)), ("role_id", .string(assignment.roleID)), ("notify", .bool(assignment.notify)),
            ("applies_to_type", .string("Group")), ("applies_to_id", .int(assignment.groupID)), ("applies_to", group),
            ("assignee_type", .string(assignee.kind.rawValue)), ("assignee_id", .int(assignee.id)), ("assignee", assigneeMini(assignee)),
            ("created_by_type", .string(assignment.createdBy?.kind.rawValue)), ("created_by_id", .int(assignment.createdBy?.id)),
            ("user_id", .int(assignment.userID)),
        ]
        switch assignee.kind {
        case .user: members.append(("user", userMini(assignee.id)))
        case .team: members.append(("assignee_team", teamMini(assignee.id)))
        case .guest: members.append(("guest", guestMini(assignee.id)))
        }
        members += [
            ("assignee_team_id", .int(assignee.kind == .team ? assignee.id : nil)), ("guest_id", .int(assignee.kind == .guest ? assignee.id : nil)),
            ("issued_by_id", .int(assignment.createdBy?.kind == .user ? assignment.createdBy?.id : nil)),
            ("type", .string("group")), ("scope", .string("group")),
            ("group_id", .int(assignment.groupID)), ("group", group),
            ("valid_from", .string(assignment.validFrom)), ("valid_until", .string(assignment.validUntil)),
        ]
        return .object(members)
    }

    func team(_ team: TeamRecord) -> JSONValue {
        .object([
            ("id", .int(team.id)), ("resource_type", .string("Team")), ("name", .string(team.name)),
            ("created_at", .string(team.createdAt)), ("updated_at", .string(team.updatedAt)),
        ])
    }

    func guest(_ guest: GuestRecord) -> JSONValue {
        .object([
            ("id", .int(guest.id)), ("resource_type", .string("Guest")), ("name", .string(guest.name)), ("email", .string(guest.email)),
            ("phone_number", .string(guest.phoneNumber)), ("created_at", .string(guest.createdAt)), ("updated_at", .string(guest.updatedAt)),
        ])
    }

    func teamMembership(_ membership: TeamMembershipRecord) -> JSONValue {
        let member = Assignee(kind: membership.memberType, id: membership.memberID)
        return .object([
            ("id", .int(membership.id)), ("resource_type", .string("TeamMembership")), ("created_at", .string(membership.createdAt)),
            ("updated_at", .string(membership.updatedAt)), ("team_id", .int(membership.teamID)), ("team", teamMini(membership.teamID)),
            ("member_type", .string(membership.memberType.rawValue)), ("member_id", .int(membership.memberID)), ("member", assigneeMini(member)),
        ])
    }

    /// A login, as `POST /logins` (with `secret: true`) and `GET /login` answer.
    func login(_ key: APIKeyRecord, secret: Bool) -> JSONValue {
        let user = state.users.record(key.userID)
        let login = key.login
        var members: [(String, JSONValue)] = [
            ("id", .int(login?.id ?? 0)), ("created_at", .string(login?.createdAt ?? user?.createdAt ?? "")),
            ("updated_at", .string(login?.updatedAt ?? user?.updatedAt ?? "")), ("type", .string(login?.type ?? "api")),
            ("name", .string(login?.name)), ("primary", .bool(false)), ("expire", .bool(true)), ("last_used_at", .null),
            ("device_brand", .null), ("device_model", .null), ("os_name", .null), ("user_id", .int(key.userID)), ("user", userMini(key.userID)),
            ("app", .object([("name", .null), ("version", .null)])), ("user_agent", .object([("name", .null), ("version", .null)])),
            ("device", .object([("brand", .null), ("model", .null)])), ("os", .object([("name", .null), ("version", .null)])),
            ("scram_credentials", .null),
        ]
        // Only the answer that creates a login carries its secret and the user's sign-in details.
        if secret {
            members += [
                ("secret", .string(key.key)), ("authentication_token", .string(key.key)), ("has_primary_device", .bool(false)),
                ("email", .string(user?.email ?? "")), ("notifications_unread_count", .int(0)), ("otp_required_for_login", .bool(false)),
                ("otp_enabled_at", .null), ("image", .null), ("primary_login_exists", .bool(false)),
            ]
        }
        return .object(members)
    }

    /// An API key's user's organization role, as `GET /role_assignments?applies_to_type=Organization`
    /// lists it, in the Organization variant of Kisi's RoleAssignment (no validity window).
    func organizationRole(_ key: APIKeyRecord) -> JSONValue {
        let user = userMini(key.userID), created = state.users.record(key.userID)?.createdAt ?? ""
        return .object([
            ("id", .int(Self.organizationRoleIDs + key.userID)), ("resource_type", .string("RoleAssignment")), ("created_at", .string(created)),
            ("updated_at", .string(created)), ("role_id", .string(key.role.rawValue)), ("notify", .bool(false)),
            ("applies_to_type", .string("Organization")), ("applies_to_id", .int(state.organization.id)), ("applies_to", organizationMini),
            ("assignee_type", .string("User")), ("assignee_id", .int(key.userID)), ("assignee", user),
            ("created_by_type", .null), ("created_by_id", .null), ("user_id", .int(key.userID)), ("user", user),
            ("assignee_team_id", .null), ("guest_id", .null), ("issued_by_id", .null), ("type", .string("organization")),
            ("scope", .string("organization")), ("organization_id", .int(state.organization.id)), ("organization", organizationMini),
        ])
    }

    /// Organization role ids live apart from group role ids.
    static let organizationRoleIDs = 1_000_000_000

    func integration(_ integration: IntegrationRecord) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .int(integration.id)), ("resource_type", .string("Integration")), ("name", .string(integration.name)),
            ("type", .string(integration.type)), ("enabled", .bool(integration.enabled)), ("disabled_due_to_error", .bool(false)),
            ("disabled_due_to_error_at", .null), ("created_at", .string(integration.createdAt)),
            ("updated_at", .string(integration.updatedAt)), ("organization_id", .int(state.organization.id)),
            ("organization", organizationMini), ("place_id", .int(integration.placeID)),
        ]
        if let place = integration.placeID { members.append(("place", placeMini(place))) }
        return .object(members)
    }

    func invite(id: Int, assignment: RoleAssignmentRecord, notify: Bool, at time: String, accessKey: JSONValue? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .int(id)), ("resource_type", .string("Invite")), ("notify", .bool(notify)), ("created_at", .string(time)),
            ("updated_at", .string(time)), ("invites_to_type", .string("Group")), ("invites_to_id", .int(assignment.groupID)),
            ("invitee_type", .string(assignment.assignee.kind.rawValue)), ("invitee_id", .int(assignment.assignee.id)),
            ("invitee", assigneeMini(assignment.assignee)),
        ]
        if let accessKey { members.append(("access_key", accessKey)) }
        members += [
            ("role_assignment_id", .int(assignment.id)),
            (
                "role_assignment",
                .object([
                    ("id", .int(assignment.id)), ("resource_type", .string("RoleAssignment")),
                    ("role_id", .string(assignment.roleID)), ("valid_from", .string(assignment.validFrom)),
                    ("valid_until", .string(assignment.validUntil)),
                ])
            ),
        ]
        return .object(members)
    }
}
