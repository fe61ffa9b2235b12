import AccessModel
import KisiAPI
import PlanModel

/// Every group of an organization with its door links and the integrations feeding it: what
/// `import` writes a config from and `doctor` checks against. Roles are not read (groups carry
/// Kisi's member count), so a snapshot costs a few requests per group.
public struct KisiSnapshot: Sendable {
    public var organization: KisiOrganization
    public var places: [KisiPlace]
    public var locks: [KisiLock]
    /// Sorted by place, then name, then id.
    public var groups: [KisiGroup]
    public var doorLinks: [Int: [KisiGroupLock]]
    public var integrations: [Int: [KisiIntegration]]
    /// Every schedule: groups' and locks'.
    public var schedules: [KisiSchedule] = []

    public static func read(_ reader: any KisiReading) async throws(KisiError) -> KisiSnapshot {
        do {
            async let organization = reader.organization()
            async let places = reader.places()
            async let locks = reader.locks()
            async let groups = reader.groups()
            async let anyIntegrations = reader.integrations(group: nil)
            async let schedules = reader.schedules()
            let placeList = try await places
            let placeNames = Dictionary(placeList.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            let groupList = try await groups.sorted {
                (placeNames[$0.placeID ?? -1] ?? "", $0.name, $0.id) < (placeNames[$1.placeID ?? -1] ?? "", $1.name, $1.id)
            }
            let readIntegrations = try await !anyIntegrations.isEmpty
            var doorLinks: [Int: [KisiGroupLock]] = [:], integrations: [Int: [KisiIntegration]] = [:]
            try await withThrowingTaskGroup(of: (Int, [KisiGroupLock], [KisiIntegration]).self) { tasks in
                for group in groupList {
                    tasks.addTask {
                        (
                            group.id, try await reader.groupLocks(group: group.id),
                            readIntegrations ? try await reader.integrations(group: group.id) : []
                        )
                    }
                }
                for try await (id, links, feeding) in tasks {
                    doorLinks[id] = links
                    integrations[id] = feeding
                }
            }
            var snapshot = KisiSnapshot(
                organization: try await organization, places: placeList, locks: try await locks, groups: groupList,
                doorLinks: doorLinks, integrations: integrations)
            snapshot.schedules = try await schedules
            return snapshot
        } catch let error as KisiError {
            throw error
        } catch {
            throw .unexpectedResponse("reading Kisi", "\(error)")
        }
    }

    public func place(_ id: Int?) -> KisiPlace? { id.flatMap { id in places.first { $0.id == id } } }

    /// The names of the doors linked to a group, sorted.
    public func doors(of group: KisiGroup) -> [String] {
        (doorLinks[group.id] ?? []).compactMap { link in locks.first { $0.id == link.lockID }?.name }.sorted()
    }
}
