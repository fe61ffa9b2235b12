import AccessModel
import KisiAPI
import PlanModel

/// The rules no plan kisictl makes ever breaks, checked again when a saved plan is applied: a
/// plan file is data from outside, and the signature proves who made it, not what the config
/// says now.
public enum NeverTouched {
    /// A change a plan must not hold.
    public enum Violation: Equatable, Sendable, CustomStringConvertible {
        case unmanagedGroup(ResourceAddress)
        case integrationFed(ResourceAddress)
        case notAMemberRole(ResourceAddress, role: String)
        case exemptPerson(ResourceAddress)
        /// A schedule of a group or door whose schedules the config leaves alone.
        case unmanagedSchedule(ResourceAddress)

        public var description: String {
            switch self {
            case .unmanagedGroup(let address): "\(address.masked) is in a group the config does not manage"
            case .integrationFed(let address): "\(address.masked) is in a group another integration feeds"
            case .notAMemberRole(let address, let role): "\(address.masked) is a \(role) role, not a member's group_basic"
            case .exemptPerson(let address): "\(address.masked) removes or narrows access of a person policy.exempt lists"
            case .unmanagedSchedule(let address): "\(address.masked) is a schedule the config leaves alone"
            }
        }
    }

    public static func violations(in plan: Plan, config: SiteConfig, live: LiveState) -> [Violation] {
        let managed = Set(config.managedGroups.map(\.address))
        let exempt = Set(config.policy.exempt)
        var violations: [Violation] = []
        let scheduled = Set(config.managedGroups.filter { $0.schedule != nil }.map(\.address))
        let doors = Set(config.doors.filter { $0.unlock != nil }.map(\.address))
        for change in plan.changes {
            let group = change.address.group
            if change.address.kind == .lockSchedule || change.address.kind == .schedule {
                let declared = change.address.kind == .lockSchedule ? doors.contains(group) : scheduled.contains(group)
                if !declared { violations.append(.unmanagedSchedule(change.address)) }
                if change.address.kind == .lockSchedule { continue }
            }
            guard managed.contains(group) else {
                violations.append(.unmanagedGroup(change.address))
                continue
            }
            if live.groups[group]?.integrations.isEmpty == false { violations.append(.integrationFed(change.address)) }
            guard change.address.kind == .role, let role = change.role else { continue }
            // The role as Kisi holds it, whatever the file claims.
            let held = role.kisiID.flatMap { id in live.groups[group]?.roles.first { $0.id == id } }
            let roleID = held?.roleID ?? role.role
            if roleID != Role.basicID || !role.holder.kind.isManaged {
                violations.append(.notAMemberRole(change.address, role: roleID))
            } else if change.action != .create, exempt.contains(role.normalizedEmail) {
                violations.append(.exemptPerson(change.address))
            }
        }
        return violations
    }
}

extension ResourceAddress {
    /// The address with its e-mail masked: refusals go to CI logs.
    var masked: String {
        var shown = self
        if kind == .role || kind == .user { shown.index = index.map(EmailAddress.masked) }
        return shown.description
    }
}
