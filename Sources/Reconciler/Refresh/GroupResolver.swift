import AccessModel
import KisiAPI
import PlanModel

/// The one way config groups are matched to Kisi: places by name, groups by identity, doors by
/// name. Refresh, plan, doctor, explain and import all resolve through it, so they never disagree
/// about which Kisi group a config group is.
///
/// A group's identity is its config address. It is found in Kisi, in this order, by its pinned
/// `kisi_id`; by its name in its place; by that name ignoring case and surrounding spaces (a
/// rename Kisi would not tell apart); by a name it had before (`previously`). Anything else is a
/// group to create. When Kisi holds several groups of exactly one name in the place (a race, or
/// a copy made by hand), a managed group is the oldest of them and the others are its copies,
/// which the plan merges into it; an unmanaged group is left to the operator to sort out.
public struct GroupResolver: Sendable {
    public let places: [KisiPlace]
    public let locks: [KisiLock]
    public let groups: [KisiGroup]

    public init(places: [KisiPlace], locks: [KisiLock], groups: [KisiGroup]) {
        self.places = places
        self.locks = locks
        self.groups = groups
    }

    /// Config groups resolved to Kisi.
    public struct Resolution: Sendable {
        /// Config address → its Kisi group, for groups Kisi has.
        public var matches: [String: KisiGroup] = [:]
        /// Config address → the Kisi place id (nil for an organization group); absent when the
        /// place is unknown (a problem).
        public var placeIDs: [String: Int?] = [:]
        /// Config address → the doors the config lists, resolved to locks; absent when the config
        /// leaves the doors alone.
        public var doors: [String: [DoorLink]] = [:]
        /// Config address → newer Kisi groups with the name of its group, to merge into it.
        public var copies: [String: [KisiGroup]] = [:]
        public var problems: [PlanProblem] = []
    }

    public func resolve(_ configGroups: [GroupConfig]) -> Resolution {
        var resolution = Resolution()
        var claimed: [Int: [String]] = [:]
        for group in configGroups {
            var placeID: Int?
            if let place = group.place {
                guard let found = places.named(place) else {
                    resolution.problems.append(.unknownPlace(group: group.address, place: place, known: places.map(\.name)))
                    continue
                }
                placeID = found.id
            }
            resolution.placeIDs[group.address] = .some(placeID)
            if let doors = group.doors {
                resolution.doors[group.address] = resolveDoors(doors, of: group, placeID: placeID, problems: &resolution.problems)
            }
            switch match(group, placeID: placeID) {
            case .found(let kisi):
                resolution.matches[group.address] = kisi
                claimed[kisi.id, default: []].append(group.address)
            case .duplicated(let kisi, let copies):
                resolution.matches[group.address] = kisi
                resolution.copies[group.address] = copies
                claimed[kisi.id, default: []].append(group.address)
            case .none: break
            case .problem(let problem): resolution.problems.append(problem)
            }
        }
        for (id, addresses) in claimed.sorted(by: { $0.key < $1.key }) where addresses.count > 1 {
            resolution.problems.append(.sharedKisiGroup(groups: addresses.sorted(), kisiID: id))
            for address in addresses {
                resolution.matches[address] = nil
                resolution.copies[address] = nil
            }
        }
        // A copy another config group claims (by kisi_id, or as its own) is no copy to delete.
        let matched = Set(resolution.matches.values.map(\.id))
        for (address, copies) in resolution.copies {
            let free = copies.filter { !matched.contains($0.id) }
            resolution.copies[address] = free.isEmpty ? nil : free
        }
        return resolution
    }

    enum Match {
        case found(KisiGroup)
        /// The oldest of several groups of one name, and the newer ones.
        case duplicated(KisiGroup, copies: [KisiGroup])
        case none
        case problem(PlanProblem)
    }

    func match(_ group: GroupConfig, placeID: Int?) -> Match {
        if let id = group.kisiID {
            guard let pinned = groups.first(where: { $0.id == id }) else { return .problem(.unknownKisiID(group: group.address, kisiID: id)) }
            guard pinned.placeID == placeID else {
                return .problem(
                    .placeChange(group: group.address, kisiID: id, from: places.first { $0.id == pinned.placeID }?.name, to: group.place))
            }
            return .found(pinned)
        }
        let inPlace = groups.filter { $0.placeID == placeID }
        for names in [[group.name], group.previously] {
            for matches in [Self.exact, Self.loose] {
                let candidates = inPlace.filter { kisi in names.contains { matches($0, kisi.name) } }
                if candidates.count > 1, group.managed, Set(candidates.map(\.name)).count == 1 {
                    let oldestFirst = candidates.sorted { $0.id < $1.id }
                    return .duplicated(oldestFirst[0], copies: Array(oldestFirst.dropFirst()))
                }
                if candidates.count > 1 {
                    return .problem(.duplicateGroups(group: group.address, name: candidates[0].name, place: group.place, ids: candidates.map(\.id)))
                }
                if let found = candidates.first { return .found(found) }
            }
        }
        return .none
    }

    static func exact(_ a: String, _ b: String) -> Bool { a == b }

    /// Whether a Kisi group is called what a config group is, or was (`previously`), as Kisi
    /// shows names.
    static func isNamed(_ kisi: KisiGroup, as group: GroupConfig) -> Bool {
        ([group.name] + group.previously).contains { loose($0, kisi.name) }
    }

    /// Names Kisi shows alike: equal but for case and surrounding white space.
    static func loose(_ a: String, _ b: String) -> Bool {
        a.trimmingWhitespace().lowercased() == b.trimmingWhitespace().lowercased()
    }

    private func resolveDoors(_ names: [String], of group: GroupConfig, placeID: Int?, problems: inout [PlanProblem]) -> [DoorLink] {
        var doors: [DoorLink] = []
        for door in names {
            let candidates = locks.filter { $0.name == door && (placeID == nil || $0.placeID == placeID) }
            switch candidates.count {
            case 1: doors.append(DoorLink(name: door, lockID: candidates[0].id))
            case 0:
                let known = locks.filter { placeID == nil || $0.placeID == placeID }.map(\.name).sorted()
                problems.append(.unknownDoor(group: group.address, door: door, place: group.place, known: known))
            default:
                problems.append(.ambiguousDoor(group: group.address, door: door, count: candidates.count))
            }
        }
        return doors
    }

    /// The config's top-level doors (`doors:`), each one lock by its name in the organization.
    public func resolve(doors: [DoorConfig]) -> (doors: [PlannedDoor], problems: [PlanProblem]) {
        var found: [PlannedDoor] = [], problems: [PlanProblem] = []
        for door in doors {
            let candidates = locks.filter { $0.name == door.name }
            switch candidates.count {
            case 1: found.append(PlannedDoor(address: door.address, name: door.name, lockID: candidates[0].id))
            case 0: problems.append(.unknownLock(door: door.name, known: locks.map(\.name).sorted()))
            default: problems.append(.ambiguousLock(door: door.name, count: candidates.count))
            }
        }
        return (found, problems)
    }
}
