import JSONSupport

/// Teams, their memberships and guests: role holders that are not (only) users. kisictl never
/// changes their roles; the sandbox holds them so that it can prove it.
extension Handlers {
    // MARK: Teams

    func listTeams() async throws -> SandboxResponse {
        let listing = try Listing(request, .standard)
        let ids = try filters.ids(), query = filters.query()
        _ = try filters.oneOf("scope", ["organization", "place"])
        return try await read { state throws(APIError) in
            let teams = try filters.sortByName(state.teams.filter { (ids?.contains($0.id) ?? true) && Filters.matches(query, $0.name) }, name: \.name)
            let resources = KisiResources(state: state)
            return listing.response(teams) { $0.map(resources.team) }
        }
    }

    func createTeam() async throws -> SandboxResponse {
        var attributes = try attributes("team")
        let name = attributes.string("name", required: true)
        try attributes.check()
        return try await write { state, now throws(APIError) in
            let team = TeamRecord(id: state.nextID("team"), name: name!!, createdAt: now, updatedAt: now)
            state.teams.append(team)
            return .json(KisiResources(state: state).team(team))
        }
    }

    func updateTeam(_ id: Int) async throws -> SandboxResponse {
        var attributes = try attributes("team")
        let name = attributes.has("name") ? attributes.string("name", required: true) : nil
        try attributes.check()
        return try await write { state, now throws(APIError) in
            guard let index = state.teams.index(of: id) else { throw .notFound("Team") }
            if let name = name ?? nil { state.teams[index].name = name }
            state.teams[index].updatedAt = now
            return .noContent
        }
    }

    func deleteTeam(_ id: Int) async throws -> SandboxResponse {
        try await write { state, _ throws(APIError) in
            guard let index = state.teams.index(of: id) else { throw .notFound("Team") }
            state.teams.remove(at: index)
            state.teamMemberships.removeAll { $0.teamID == id }
            state.roleAssignments.removeAll { $0.assignee == Assignee(kind: .team, id: id) }
            return .noContent
        }
    }

    // MARK: Team memberships

    func listTeamMemberships() async throws -> SandboxResponse {
        let listing = try Listing(request, .standard)
        let ids = try filters.ids(), teamID = try filters.integer("team_id")
        let memberType = try filters.oneOf("member_type", ["User", "Guest"]).flatMap(Assignee.Kind.init)
        let memberID = try filters.integer("member_id")
        if memberID != nil, memberType == nil { throw APIError.badRequest("member_id needs member_type") }
        return try await read { state throws(APIError) in
            let memberships = state.teamMemberships.filter {
                (ids?.contains($0.id) ?? true) && (teamID == nil || $0.teamID == teamID) && (memberType == nil || $0.memberType == memberType)
                    && (memberID == nil || $0.memberID == memberID)
            }
            let resources = KisiResources(state: state)
            return listing.response(memberships) { $0.map(resources.teamMembership) }
        }
    }

    func createTeamMembership() async throws -> SandboxResponse {
        var attributes = try attributes("team_membership")
        let teamID = attributes.id("team_id", required: true)
        let memberID = attributes.id("member_id", required: true)
        let memberType = attributes.string("member_type", required: true)
        let kind = (memberType ?? nil).flatMap(Assignee.Kind.init)
        if let type = memberType ?? nil, kind == nil || kind == .team { attributes.fail("member_type", "is not included in the list") }
        try attributes.check()
        return try await write { state, now throws(APIError) in
            guard state.teams.record(teamID!!) != nil else { throw .invalid("team", "must exist") }
            let member = Assignee(kind: kind!, id: memberID!!)
            guard state.holds(member) else { throw .invalid("member", "must exist") }
            if state.teamMemberships.contains(where: { $0.teamID == teamID!! && $0.memberType == member.kind && $0.memberID == member.id }) {
                throw .invalid("member_id", "has already been taken")
            }
            let membership = TeamMembershipRecord(
                id: state.nextID("team_membership"), teamID: teamID!!, memberType: member.kind,
                memberID: member.id, createdAt: now, updatedAt: now)
            state.teamMemberships.append(membership)
            return .json(KisiResources(state: state).teamMembership(membership))
        }
    }

    func deleteTeamMembership(_ id: Int) async throws -> SandboxResponse {
        try await write { state, _ throws(APIError) in
            guard let index = state.teamMemberships.index(of: id) else { throw .notFound("Team membership") }
            state.teamMemberships.remove(at: index)
            return .noContent
        }
    }

    // MARK: Guests

    func listGuests() async throws -> SandboxResponse {
        let listing = try Listing(request, .standard)
        let ids = try filters.ids(), query = filters.query()
        return try await read { state throws(APIError) in
            let guests = state.guests.filter { (ids?.contains($0.id) ?? true) && Filters.matches(query, $0.name) }
            let resources = KisiResources(state: state)
            return listing.response(guests) { $0.map(resources.guest) }
        }
    }

    func createGuest() async throws -> SandboxResponse {
        var attributes = try attributes("guest")
        let name = attributes.string("name", required: true)
        let email = attributes.string("email"), phone = attributes.string("phone_number")
        if let email = email ?? nil, !Self.isEmail(email) { attributes.fail("email", "is invalid") }
        if let phone = phone ?? nil, !Self.isPhoneNumber(phone) { attributes.fail("phone_number", "is invalid") }
        try attributes.check()
        return try await write { state, now throws(APIError) in
            let guest = GuestRecord(
                id: state.nextID("guest"), name: name!!, email: email ?? nil, phoneNumber: phone ?? nil,
                createdAt: now, updatedAt: now)
            state.guests.append(guest)
            return .json(KisiResources(state: state).guest(guest))
        }
    }

    func deleteGuest(_ id: Int) async throws -> SandboxResponse {
        try await write { state, _ throws(APIError) in
            guard let index = state.guests.index(of: id) else { throw .notFound("Guest") }
            state.guests.remove(at: index)
            state.teamMemberships.removeAll { $0.memberType == .guest && $0.memberID == id }
            state.roleAssignments.removeAll { $0.assignee == Assignee(kind: .guest, id: id) }
            return .noContent
        }
    }
}
