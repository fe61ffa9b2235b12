/// Why a plan cannot be applied, as data: the renderers put it into words.
public enum PlanProblem: Codable, Sendable, Hashable {
    /// A group's `place` is not a Kisi place.
    case unknownPlace(group: String, place: String, known: [String])
    /// Several Kisi groups match one config group.
    case duplicateGroups(group: String, name: String, place: String?, ids: [Int])
    /// A door name is not a lock of the group's place.
    case unknownDoor(group: String, door: String, place: String?, known: [String])
    /// An organization group names a door several places have.
    case ambiguousDoor(group: String, door: String, count: Int)
    /// A door of the top-level `doors:` is no Kisi lock, or several locks have its name.
    case unknownLock(door: String, known: [String])
    case ambiguousLock(door: String, count: Int)
    /// Another integration feeds the group.
    case integrationFed(group: String, name: String, integration: String, type: String)
    /// Members no rule explains, under `unexplained_members: fail`.
    case unexplainedMembers(group: String, emails: [String])
    /// The config moves a group to another place, which Kisi does not allow.
    case placeChange(group: String, kisiID: Int, from: String?, to: String?)
    /// `kisi_id` names no Kisi group.
    case unknownKisiID(group: String, kisiID: Int)
    /// Two config groups claim one Kisi group.
    case sharedKisiGroup(groups: [String], kisiID: Int)

    /// The config path the problem is about, for sorting.
    public var path: String {
        switch self {
        case .unknownPlace(let group, _, _), .duplicateGroups(let group, _, _, _), .unknownDoor(let group, _, _, _),
            .ambiguousDoor(let group, _, _), .integrationFed(let group, _, _, _), .unexplainedMembers(let group, _),
            .placeChange(let group, _, _, _), .unknownKisiID(let group, _):
            return group
        case .sharedKisiGroup(let groups, _): return groups.first ?? ""
        case .unknownLock(let door, _), .ambiguousLock(let door, _): return "doors.\(door)"
        }
    }
}
