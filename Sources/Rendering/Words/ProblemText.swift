import AccessModel
import PlanModel

/// Why a plan cannot be applied, in words an operator can act on.
public enum ProblemText {
    public static func sentence(_ problem: PlanProblem) -> String {
        switch problem {
        case .unknownPlace(let group, let place, let known):
            return "groups.\(group).place: Kisi has no place named \"\(place)\" (places: \(known.sorted().joined(separator: ", ")))"
        case .duplicateGroups(let group, let name, let place, let ids):
            return
                "groups.\(group): Kisi has \(ids.count) groups named \"\(name)\" in \(place ?? "the organization") (ids \(ids.map(String.init).joined(separator: ", "))); rename all but one in Kisi"
        case .unknownDoor(let group, let door, let place, let known):
            return
                "groups.\(group).doors: Kisi has no door named \"\(door)\" in \(place ?? "the organization") (doors: \(known.joined(separator: ", ")))"
        case .unknownLock(let door, let known):
            return "doors.\(door): Kisi has no door named \"\(door)\" (doors: \(known.joined(separator: ", ")))"
        case .ambiguousLock(let door, let count):
            return "doors.\(door): \(count) doors are named \"\(door)\" in different places; rename them apart in Kisi to give one its schedules"
        case .ambiguousDoor(let group, let door, let count):
            return "groups.\(group).doors: \(count) doors are named \"\(door)\" in different places; an organization group cannot tell them apart"
        case .integrationFed(let group, let name, let integration, let type):
            return
                "groups.\(group): Kisi group \"\(name)\" is fed by the integration \"\(integration)\" (\(type)); kisictl will not manage a group another integration writes to. Set managed: false, or give kisictl a group of its own."
        case .unexplainedMembers(let group, let emails):
            return
                "groups.\(group): \(emails.count) member\(emails.count == 1 ? "" : "s") no rule explains (\(emails.sorted().map(EmailAddress.masked).joined(separator: ", "))), and policy.unexplained_members is fail"
        case .placeChange(let group, let kisiID, let from, let to):
            return
                "groups.\(group).place: Kisi group \(kisiID) is in \(from ?? "the organization"), not \(to ?? "the organization"), and Kisi fixes a group's place when the group is made. Keep its place, or make a new group: remove kisi_id and previously, and give it another name."
        case .unknownKisiID(let group, let kisiID):
            return "groups.\(group).kisi_id: Kisi has no group \(kisiID); remove kisi_id, or correct it (kisictl import writes it)"
        case .sharedKisiGroup(let groups, let kisiID):
            return
                "\(groups.map { "groups.\($0)" }.joined(separator: ", ")): each names Kisi group \(kisiID) (by kisi_id, name or previously); one Kisi group is managed by one config group"
        }
    }
}
