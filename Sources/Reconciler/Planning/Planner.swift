import AccessModel
import AccessRules
import Foundation
import KisiAPI
import PlanModel

/// Makes a plan: the desired and the live state of the managed groups, their diff, the reasons
/// of each change, then each policy in turn. A pure function of its inputs, the instant included.
public struct Planner: Sendable {
    public let evaluator: AccessEvaluator
    public let desired: DesiredAccess
    public let live: LiveState
    public let endpoint: String
    public let fingerprints: (config: String, data: String)
    public let mode: Plan.Mode
    /// How apply will change windows (what earlier applies learned of this Kisi).
    public let windowChanges: WindowChangeMethod
    public let targets: Targets

    public init(
        evaluator: AccessEvaluator, desired: DesiredAccess, live: LiveState, endpoint: String, fingerprints: (config: String, data: String),
        mode: Plan.Mode = .converge, windowChanges: WindowChangeMethod = .patch, targets: Targets = Targets()
    ) {
        self.evaluator = evaluator
        self.desired = desired
        self.live = live
        self.endpoint = endpoint
        self.fingerprints = fingerprints
        self.mode = mode
        self.windowChanges = windowChanges
        self.targets = targets
    }

    var config: SiteConfig { evaluator.config }
    var instant: Instant { desired.instant }

    /// The policies, in the order they apply.
    var policies: [any PlanPolicy] {
        var policies: [any PlanPolicy] = [
            IntegrationFedGroups(live: live, mode: mode), UntouchableRoles(), ExemptPeople(exempt: Set(config.policy.exempt)),
        ]
        policies.append(mode == .destroy ? Destroy(policy: config.policy.unexplainedMembers) : UnexplainedMembers(policy: config.policy.unexplainedMembers))
        policies.append(Targeting(targets: targets))
        return policies
    }

    public func plan(createdAt: Instant) -> Plan {
        let groups = config.managedGroups.filter { targets.covers(group: $0.address) }
        let (liveState, holders) = AccessStates.live(groups: groups, live: live, directory: evaluator.directory, instant: instant)
        let desiredState = mode == .destroy ? AccessStates.destroyed(liveState) : AccessStates.desired(groups: groups, access: desired, live: live)
        let diff = AccessState.changes(from: liveState, to: desiredState, names: holders)
        var changes = diff.changes
        Reasons.attach(to: &changes, evaluator: evaluator, instant: instant)

        let byAddress = Dictionary(uniqueKeysWithValues: groups.map { ($0.address, $0) })
        var draft = PlanDraft(changes: changes, groups: [:], problems: live.problems)
        for state in desiredState.groups {
            let group = byAddress[state.address]!
            draft.groups[state.address] = PlannedGroup(
                address: state.address, name: group.name,
                description: mode == .destroy ? liveState[state.address]?.description : group.description, place: group.place,
                placeID: state.placeID, kisiID: state.kisiID, unchanged: diff.unchanged[state.address] ?? [])
        }
        for policy in policies { policy.apply(to: &draft) }

        let planned = draft.groups.values.map { group in
            var group = group
            group.kept.sort { ($0.why.rawValue, EmailAddress.normalized($0.email), $0.name ?? "") < ($1.why.rawValue, EmailAddress.normalized($1.email), $1.name ?? "") }
            return group
        }
        let fingerprints = PlanFingerprints(config: fingerprints.config, data: fingerprints.data, live: live.fingerprints(for: groups))
        return Plan(
            mode: mode, instant: instant, timeZone: config.timeZone.identifier, createdAt: createdAt,
            organization: PlanOrganization(id: live.organization.id, name: live.organization.name), endpoint: endpoint,
            fingerprints: fingerprints, groups: planned, changes: draft.changes, problems: draft.problems, notices: live.notices,
            windowChanges: windowChanges, targets: targets.addresses)
    }
}
