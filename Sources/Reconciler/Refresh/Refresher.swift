import AccessModel
import AccessRules
import Foundation
import KisiAPI

/// Reads what the plan needs from Kisi, with as few requests as possible: the organization,
/// places, locks, groups and integrations once each; per managed group its roles (which carry
/// members' e-mails), its door links if the config manages them, and the integrations feeding
/// it if there are any; and Kisi users only for people about to be granted whose user is not
/// known yet, by the cheaper of per-person lookups or listing all users.
public struct Refresher: Sendable {
    let reader: any KisiReading

    public init(reader: any KisiReading) {
        self.reader = reader
    }

    /// With no desired access (checking a saved plan) no users are looked up.
    public func refresh(config: SiteConfig, desired: DesiredAccess?, directory: PeopleDirectory?) async throws(KisiError) -> LiveState {
        do {
            return try await read(config: config, desired: desired, directory: directory)
        } catch let error as KisiError {
            throw error
        } catch {
            throw .unexpectedResponse("reading Kisi", "\(error)")
        }
    }

    private func read(config: SiteConfig, desired: DesiredAccess?, directory: PeopleDirectory?) async throws -> LiveState {
        async let organization = reader.organization()
        async let places = reader.places()
        async let locks = reader.locks()
        async let groups = reader.groups()
        async let anyIntegrations = reader.integrations(group: nil)
        let org = try await organization, placeList = try await places, lockList = try await locks
        let groupList = try await groups, integrationList = try await anyIntegrations

        var problems: [String] = []
        var matched: [(GroupConfig, KisiGroup)] = []
        for group in config.managedGroups {
            var placeID: Int?
            if let place = group.place {
                guard let found = placeList.named(place) else {
                    problems.append("groups.\(group.address).place: Kisi has no place named \"\(place)\" (places: \(placeList.map(\.name).sorted().joined(separator: ", ")))")
                    continue
                }
                placeID = found.id
            }
            let candidates = groupList.filter { $0.name == group.name && $0.placeID == placeID }
            if candidates.count > 1 {
                problems.append("groups.\(group.address): Kisi has \(candidates.count) groups named \"\(group.name)\" in \(group.place ?? "the organization") (ids \(candidates.map { String($0.id) }.joined(separator: ", "))); rename all but one in Kisi")
            } else if let existing = candidates.first {
                matched.append((group, existing))
            }
        }

        let readIntegrations = !integrationList.isEmpty
        let reader = self.reader
        let liveGroups = try await withThrowingTaskGroup(of: (String, LiveGroup).self) { tasks in
            for (config, group) in matched {
                let readDoors = config.doors != nil
                tasks.addTask {
                    async let roles = reader.roleAssignments(group: group.id)
                    async let doors: [KisiGroupLock]? = readDoors ? reader.groupLocks(group: group.id) : nil
                    async let integrations: [KisiIntegration] = readIntegrations ? reader.integrations(group: group.id) : []
                    return (config.address, LiveGroup(group: group, roles: try await roles, doors: try await doors,
                                                       integrations: try await integrations))
                }
            }
            return try await tasks.reduce(into: [String: LiveGroup]()) { $0[$1.0] = $1.1 }
        }

        var users: [String: KisiUser] = [:]
        for group in liveGroups.values {
            for role in group.roles {
                users[EmailAddress.normalized(role.email)] = KisiUser(id: role.userID, name: nil, email: role.email)
            }
        }
        var wanted = Set<String>()
        if let desired, let directory {
            wanted = Self.peopleToLookUp(desired: desired, directory: directory, live: liveGroups, known: users)
        }
        for user in try await lookUp(wanted) { users[EmailAddress.normalized(user.email)] = user }
        return LiveState(organization: org, places: placeList, locks: lockList, groups: liveGroups, users: users, problems: problems)
    }

    /// People who should hold a role in a managed group where they have none, and whose Kisi
    /// user has not been seen: only for them must Kisi say whether a user exists.
    static func peopleToLookUp(desired: DesiredAccess, directory: PeopleDirectory, live: [String: LiveGroup],
                               known: [String: KisiUser]) -> Set<String> {
        var wanted = Set<String>()
        for group in desired.groups {
            let members = Set(live[group.address]?.roles.map { EmailAddress.normalized($0.email) } ?? [])
            for grant in group.grants {
                let email = directory.person(grant.person).normalizedEmail
                if !members.contains(email), known[email] == nil { wanted.insert(email) }
            }
        }
        return wanted
    }

    /// Looks people up one by one, or lists every user when that takes fewer requests.
    func lookUp(_ emails: Set<String>) async throws -> [KisiUser] {
        guard !emails.isEmpty else { return [] }
        if emails.count == 1 { return try await perPerson(emails) }
        let first = try await reader.usersPage(offset: 0)
        var found = first.users.filter { emails.contains(EmailAddress.normalized($0.email)) }
        var missing = emails.subtracting(found.map { EmailAddress.normalized($0.email) })
        let pagesLeft = max(0, (first.total + 99) / 100 - 1)
        // Kisi pages no further than offset 20000: beyond it, only per-person lookups reach everyone.
        if pagesLeft <= missing.count, first.total <= 20_100 {
            var offset = 100
            while offset < first.total, !missing.isEmpty {
                let page = try await reader.usersPage(offset: offset)
                let hits = page.users.filter { missing.contains(EmailAddress.normalized($0.email)) }
                found += hits
                missing.subtract(hits.map { EmailAddress.normalized($0.email) })
                if page.users.isEmpty { break }
                offset += 100
            }
            return found
        }
        return found + (try await perPerson(missing))
    }

    private func perPerson(_ emails: Set<String>) async throws -> [KisiUser] {
        let reader = self.reader
        return try await withThrowingTaskGroup(of: KisiUser?.self) { tasks in
            for email in emails.sorted() { tasks.addTask { try await reader.user(email: email) } }
            return try await tasks.reduce(into: [KisiUser]()) { if let user = $1 { $0.append(user) } }
        }
    }
}
