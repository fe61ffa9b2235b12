import AccessModel
import Foundation
import KisiAPI
import PlanModel

/// Finds who else writes members' roles in managed groups: another API user (a platform's Kisi
/// sync) or a marketplace installation. kisictl and such a writer would undo each other's work.
public struct OtherWriters: Sendable {
    let reader: any KisiReading
    /// The wall clock, for "lately".
    let now: Date

    public init(reader: any KisiReading, now: Date) {
        self.reader = reader
        self.now = now
    }

    /// Roles another writer created this recently mean it is still writing (a sync left on);
    /// older ones are history, such as the roles an integration made before kisictl took over.
    public static let recentWrites: TimeInterval = 7 * 86_400

    /// Writers other than the key's user that created `group_basic` roles of users lately, each
    /// once (a user writer named by e-mail: one read per writer).
    /// - Parameter roles: the roles of each managed group, by config address.
    public func find(in roles: [String: [KisiRoleAssignment]], keyUser: KisiUser) async throws(KisiError) -> [OtherWriter] {
        var found: [KisiCreator: (roles: Int, groups: Set<String>)] = [:]
        for (address, groupRoles) in roles {
            for role in groupRoles where role.roleID == "group_basic" && role.user != nil {
                guard let creator = role.createdBy, creator != .user(keyUser.id),
                    let created = role.createdAt, now.timeIntervalSince(created) <= Self.recentWrites
                else { continue }
                found[creator, default: (0, [])].roles += 1
                found[creator, default: (0, [])].groups.insert(address)
            }
        }
        var writers: [OtherWriter] = []
        for (creator, seen) in found {
            let groups = seen.groups.sorted()
            switch creator {
            case .user(let id):
                writers.append(OtherWriter(kind: .user, id: id, email: try await reader.user(id: id)?.email, roles: seen.roles, groups: groups))
            case .marketplaceInstallation(let id):
                writers.append(OtherWriter(kind: .marketplaceInstallation, id: id, email: nil, roles: seen.roles, groups: groups))
            case .other(let id):
                writers.append(OtherWriter(kind: .other, id: id, email: nil, roles: seen.roles, groups: groups))
            }
        }
        return writers.sorted { ($0.kind.rawValue, $0.id ?? -1) < ($1.kind.rawValue, $1.id ?? -1) }
    }
}
