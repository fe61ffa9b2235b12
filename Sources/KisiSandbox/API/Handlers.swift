import JSONSupport

/// One authenticated request's work: each endpoint reads or writes the store and renders Kisi's
/// response. Writes validate everything before changing anything, so a 4xx changes nothing.
struct Handlers {
    let store: SandboxStore
    let request: SandboxRequest
    let caller: SandboxAPI.Caller

    var filters: Filters { Filters(request: request) }

    func handle(_ route: Route) async throws -> SandboxResponse {
        switch (route.endpoint, route.method) {
        case (.organization, _): return try await read { .json(KisiResources(state: $0).organization) }
        case (.currentUser, _):
            return try await read { state throws(APIError) in
                guard let user = state.users.record(caller.userID) else { throw .unauthorized }
                return .json(KisiResources(state: state).currentUser(user))
            }
        case (.places, _): return try await listPlaces()
        case (.place, _): return try await show(\.places, route.id!, "Place") { $0.place($1) }
        case (.locks, _): return try await listLocks()
        case (.lock, _): return try await show(\.locks, route.id!, "Lock") { $0.lock($1) }
        case (.groups, "POST"): return try await createGroup()
        case (.groups, _): return try await listGroups()
        case (.group, "PATCH"): return try await updateGroup(route.id!)
        case (.group, "DELETE"): return try await deleteGroup(route.id!)
        case (.group, _): return try await show(\.groups, route.id!, "Group") { $0.group($1) }
        case (.groupLocks, "POST"): return try await createGroupLock()
        case (.groupLocks, _): return try await listGroupLocks()
        case (.groupLock, "DELETE"): return try await deleteGroupLock(route.id!)
        case (.groupLock, _): return try await show(\.groupLocks, route.id!, "Group lock") { $0.groupLock($1) }
        case (.users, "POST"): return try await createUser()
        case (.users, _): return try await listUsers()
        case (.user, "PATCH"): return try await updateUser(route.id!)
        case (.user, "DELETE"): return try await deleteUser(route.id!)
        case (.user, _): return try await show(\.users, route.id!, "User") { $0.user($1) }
        case (.roleAssignments, "POST"): return try await createRoleAssignment()
        case (.roleAssignments, _): return try await listRoleAssignments()
        case (.roleAssignment, "PATCH"): return try await updateRoleAssignment(route.id!)
        case (.roleAssignment, "DELETE"): return try await deleteRoleAssignment(route.id!)
        case (.roleAssignment, _): return try await show(\.roleAssignments, route.id!, "Role assignment") { $0.roleAssignment($1) }
        case (.invites, _): return try await createInvite()
        case (.integrations, _): return try await listIntegrations()
        case (.teams, "POST"): return try await createTeam()
        case (.teams, _): return try await listTeams()
        case (.team, "PATCH"): return try await updateTeam(route.id!)
        case (.team, "DELETE"): return try await deleteTeam(route.id!)
        case (.team, _): return try await show(\.teams, route.id!, "Team") { $0.team($1) }
        case (.teamMemberships, "POST"): return try await createTeamMembership()
        case (.teamMemberships, _): return try await listTeamMemberships()
        case (.teamMembership, "DELETE"): return try await deleteTeamMembership(route.id!)
        case (.teamMembership, _): return try await show(\.teamMemberships, route.id!, "Team membership") { $0.teamMembership($1) }
        case (.guests, "POST"): return try await createGuest()
        case (.guests, _): return try await listGuests()
        case (.guest, "DELETE"): return try await deleteGuest(route.id!)
        case (.guest, _): return try await show(\.guests, route.id!, "Guest") { $0.guest($1) }
        case (.logins, _): return try await Handlers.signIn(store: store, request: request)
        case (.login, "PUT"): return try await renameLogin()
        case (.login, "DELETE"): return try await signOut()
        case (.login, _): return try await currentLogin()
        case (.schedules, "POST"): return try await createSchedule()
        case (.schedules, _): return try await listSchedules()
        case (.schedule, "PATCH"): return try await updateSchedule(route.id!)
        case (.schedule, "DELETE"): return try await deleteSchedule(route.id!)
        case (.schedule, _): return try await showSchedule(route.id!)
        case (.calendarSummary, _): return try await calendarSummary()
        case (.holidayRegions, _): return try await holidayRegions()
        case (.holidays, _): return try await holidays(region: route.region!)
        }
    }

    // MARK: Shared shapes

    func read(_ body: @Sendable (SandboxState) throws(APIError) -> SandboxResponse) async throws(APIError) -> SandboxResponse {
        let result = await store.read { state in Result { () throws(APIError) in try body(state) } }
        return try result.get()
    }

    /// `GET /things/{id}`.
    func show<Record: IdentifiedRecord & Sendable>(
        _ records: KeyPath<SandboxState, [Record]> & Sendable, _ id: Int, _ name: String,
        render: @Sendable @escaping (KisiResources, Record) -> JSONValue
    ) async throws(APIError) -> SandboxResponse {
        try await read { state throws(APIError) in
            guard let record = state[keyPath: records].record(id) else { throw .notFound(name) }
            return .json(render(KisiResources(state: state), record))
        }
    }

    /// Runs a write. The body sees a copy of the state: if it throws, nothing changes.
    func write(_ body: @Sendable (inout SandboxState, String) throws(APIError) -> SandboxResponse) async throws -> SandboxResponse {
        try await store.write { state, now in try body(&state, now) }
    }

    /// The request's envelope, e.g. `{"group": {…}}`.
    func attributes(_ envelope: String) throws(APIError) -> Attributes {
        try Attributes(body: request.body, envelope: envelope)
    }
}
