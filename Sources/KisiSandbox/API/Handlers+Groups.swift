import JSONSupport

extension Handlers {
    // MARK: Groups

    func listGroups() async throws -> SandboxResponse {
        let listing = try Listing(request, .standard)
        let ids = try filters.ids(), query = filters.query()
        let scope = try filters.oneOf("scope", ["organization", "place"])
        let placeID = try filters.integer("place_id"), lockID = try filters.integer("lock_id")
        return try await read { state throws(APIError) in
            let withLock = lockID.map { lock in Set(state.groupLocks.filter { $0.lockID == lock }.map(\.groupID)) }
            let groups = try filters.sortByName(
                state.groups.filter { group in
                    (ids?.contains(group.id) ?? true) && Filters.matches(query, group.name)
                        && (scope == nil || (scope == "place") == (group.placeID != nil))
                        && (placeID == nil || group.placeID == placeID)
                        && (withLock?.contains(group.id) ?? true)
                }, name: \.name)
            let resources = KisiResources(state: state)
            let counters = resources.groupCounters()
            return listing.response(groups) { page in
                page.map { resources.group($0, users: counters.users[$0.id] ?? 0, locks: counters.locks[$0.id] ?? 0) }
            }
        }
    }

    func createGroup() async throws -> SandboxResponse {
        var attributes = try attributes("group")
        let name = attributes.string("name", required: true)
        let description = attributes.string("description")
        let placeID = attributes.id("place_id")
        let flags = groupFlags(&attributes)
        try attributes.check()
        return try await write { state, now throws(APIError) in
            if let place = placeID ?? nil, state.places.record(place) == nil {
                throw .invalid("place", "must exist")
            }
            var group = GroupRecord(
                id: state.nextID("group"), name: name!!, description: description ?? nil,
                placeID: placeID ?? nil, at: now)
            apply(flags, to: &group)
            state.groups.append(group)
            return .json(KisiResources(state: state).group(group))
        }
    }

    func updateGroup(_ id: Int) async throws -> SandboxResponse {
        var attributes = try attributes("group")
        // A group's scope is fixed at creation: Kisi's update body has no place_id, so one sent
        // anyway is ignored, as Rails' strong parameters ignore what they do not permit.
        let name = attributes.has("name") ? attributes.string("name", required: true) : nil
        let description = attributes.string("description")
        let flags = groupFlags(&attributes)
        try attributes.check()
        return try await write { state, now throws(APIError) in
            guard let index = state.groups.index(of: id) else { throw .notFound("Group") }
            if let name = name ?? nil { state.groups[index].name = name }
            if let description { state.groups[index].description = description }
            apply(flags, to: &state.groups[index])
            state.groups[index].updatedAt = now
            return .noContent
        }
    }

    func deleteGroup(_ id: Int) async throws -> SandboxResponse {
        try await write { state, _ throws(APIError) in
            guard let index = state.groups.index(of: id) else { throw .notFound("Group") }
            state.groups.remove(at: index)
            state.groupLocks.removeAll { $0.groupID == id }
            state.roleAssignments.removeAll { $0.groupID == id }
            state.schedules.removeAll { $0.scheduleableType == "Group" && $0.scheduleableID == id }
            for integration in state.integrations.indices where state.integrations[integration].groupID == id {
                state.integrations[integration].groupID = nil
            }
            return .noContent
        }
    }

    /// The group's on/off settings a client may write.
    private static let flagKeys = [
        "login_enabled", "geofence_restriction_enabled", "primary_device_restriction_enabled", "managed_device_restriction_enabled",
        "reader_restriction_enabled", "time_restriction_enabled", "tap_to_access_restriction_enabled",
    ]

    private func groupFlags(_ attributes: inout Attributes) -> [(String, Bool)] {
        Self.flagKeys.compactMap { key in attributes.bool(key).map { (key, $0) } }
    }

    private func apply(_ flags: [(String, Bool)], to group: inout GroupRecord) {
        for (key, value) in flags {
            switch key {
            case "login_enabled": group.loginEnabled = value
            case "geofence_restriction_enabled": group.geofenceRestrictionEnabled = value
            case "primary_device_restriction_enabled": group.primaryDeviceRestrictionEnabled = value
            case "managed_device_restriction_enabled": group.managedDeviceRestrictionEnabled = value
            case "reader_restriction_enabled": group.readerRestrictionEnabled = value
            case "time_restriction_enabled": group.timeRestrictionEnabled = value
            default: group.tapToAccessRestrictionEnabled = value
            }
        }
    }

    // MARK: Group locks

    func listGroupLocks() async throws -> SandboxResponse {
        let listing = try Listing(request, .standard)
        guard let groupID = try filters.integer("group_id") else {
            throw APIError.badRequest("param is missing or the value is empty: group_id")
        }
        let ids = try filters.ids(), lockID = try filters.integer("lock_id"), query = filters.query()
        return try await read { state throws(APIError) in
            guard state.groups.record(groupID) != nil else { throw .notFound("Group") }
            let links = state.groupLocks.filter { link in
                link.groupID == groupID && (ids?.contains(link.id) ?? true) && (lockID == nil || link.lockID == lockID)
                    && Filters.matches(query, state.locks.record(link.lockID)?.name)
            }
            let resources = KisiResources(state: state)
            return listing.response(links) { $0.map(resources.groupLock) }
        }
    }

    func createGroupLock() async throws -> SandboxResponse {
        var attributes = try attributes("group_lock")
        let groupID = attributes.id("group_id", required: true)
        let lockID = attributes.id("lock_id", required: true)
        try attributes.check()
        return try await write { state, now throws(APIError) in
            guard let group = state.groups.record(groupID!!) else { throw .invalid("group", "must exist") }
            guard let lock = state.locks.record(lockID!!) else { throw .invalid("lock", "must exist") }
            if state.groupLocks.contains(where: { $0.groupID == group.id && $0.lockID == lock.id }) {
                throw .invalid("lock_id", "has already been taken")
            }
            if let place = group.placeID, place != lock.placeID {
                throw .invalid("lock", "must belong to the group's place")
            }
            let link = GroupLockRecord(id: state.nextID("group_lock"), groupID: group.id, lockID: lock.id, createdAt: now, updatedAt: now)
            state.groupLocks.append(link)
            return .json(KisiResources(state: state).groupLock(link))
        }
    }

    func deleteGroupLock(_ id: Int) async throws -> SandboxResponse {
        try await write { state, _ throws(APIError) in
            guard let index = state.groupLocks.index(of: id) else { throw .notFound("Group lock") }
            state.groupLocks.remove(at: index)
            return .noContent
        }
    }

    // MARK: Places, locks, integrations, organization

    func listPlaces() async throws -> SandboxResponse {
        let listing = try Listing(request, .placesAndLocks)
        let ids = try filters.ids(), query = filters.query(), favorite = try filters.favorite()
        return try await read { state throws(APIError) in
            // `query` searches names only; `favorite` filters by (and shows) the caller's
            // favourites, of which the sandbox has none.
            let places = try filters.sorted(
                state.places.filter {
                    (ids?.contains($0.id) ?? true) && Filters.matches(query, $0.name) && favorite.admits(false)
                }, allowed: ["favorite", "name", "-name"],
                by: ["name": { $0.name.lowercased() < $1.name.lowercased() }, "favorite": { _, _ in false }])
            let resources = KisiResources(state: state)
            return listing.response(places) { $0.map { favorite.show(resources.place($0)) } }
        }
    }

    func listLocks() async throws -> SandboxResponse {
        let listing = try Listing(request, .placesAndLocks)
        let ids = try filters.ids(), query = filters.query(), placeID = try filters.integer("place_id"), favorite = try filters.favorite()
        return try await read { state throws(APIError) in
            let locks = try filters.sorted(
                state.locks.filter {
                    (ids?.contains($0.id) ?? true) && (placeID == nil || $0.placeID == placeID) && Filters.matches(query, $0.name)
                        && favorite.admits(false)
                }, allowed: ["favorite", "name", "-name"],
                by: ["name": { $0.name.lowercased() < $1.name.lowercased() }, "favorite": { _, _ in false }])
            let resources = KisiResources(state: state)
            return listing.response(locks) { $0.map { favorite.show(resources.lock($0)) } }
        }
    }

    func listIntegrations() async throws -> SandboxResponse {
        let listing = try Listing(request, .standard)
        let ids = try filters.ids(), query = filters.query()
        let groupID = try filters.integer("group_id"), placeID = try filters.integer("place_id")
        let enabled = try filters.boolean("enabled"), scope = try filters.oneOf("scope", ["organization", "place"])
        return try await read { state throws(APIError) in
            let integrations = state.integrations.filter { integration in
                (ids?.contains(integration.id) ?? true) && Filters.matches(query, integration.name)
                    && (groupID == nil || integration.groupID == groupID) && (placeID == nil || integration.placeID == placeID)
                    && (enabled == nil || integration.enabled == enabled)
                    && (scope == nil || (scope == "place") == (integration.placeID != nil))
            }
            let resources = KisiResources(state: state)
            return listing.response(integrations) { $0.map(resources.integration) }
        }
    }
}
