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
        policies.append(
            mode == .destroy ? Destroy(policy: config.policy.unexplainedMembers) : UnexplainedMembers(policy: config.policy.unexplainedMembers))
        policies.append(Targeting(targets: targets))
        return policies
    }

    /// The config's doors' unlock schedules against Kisi's (`--destroy` leaves them alone).
    var doorChanges: [ResourceChange] {
        guard mode == .converge else { return [] }
        return live.doors.flatMap { door -> [ResourceChange] in
            guard let setting = config.doors.first(where: { $0.address == door.address })?.unlock,
                KisiSchedules.unreadable(live.doorSchedules[door.lockID] ?? [], .unlock).isEmpty
            else { return [] }
            let desired = (setting.schedule?.entries(.unlock, in: config.timeZone) ?? []).map { ScheduledEntry($0) }
            return ScheduleDiff.changes(
                live: KisiSchedules.entries(live.doorSchedules[door.lockID] ?? [], .unlock), desired: desired, zone: config.timeZone,
                removing: desired.isEmpty, address: { ResourceAddress(.lockSchedule, group: door.address, index: $0) })
        }
    }

    /// The doors whose schedules the config manages, with their unlock hours after apply.
    var plannedDoors: [PlannedDoor] {
        live.doors.map { door in
            var planned = door
            if mode == .converge {
                planned.unlock = config.doors.first { $0.address == door.address }?.unlock?.schedule?.entries(.unlock, in: config.timeZone) ?? []
            }
            return planned
        }
    }

    /// A notice for each group or door whose declared schedules Kisi holds in a form kisictl
    /// cannot read.
    func unreadableSchedules(_ groups: [GroupConfig]) -> [KisiNotice] {
        guard mode == .converge else { return [] }
        let ofGroups = groups.filter { $0.schedule != nil }.compactMap { group -> KisiNotice? in
            let ids = KisiSchedules.unreadable(live.groups[group.address]?.schedules ?? [], .allow)
            return ids.isEmpty ? nil : .unreadableSchedules(owner: "groups.\(group.address).schedule", ids: ids)
        }
        let ofDoors = live.doors.compactMap { door -> KisiNotice? in
            let ids = KisiSchedules.unreadable(live.doorSchedules[door.lockID] ?? [], .unlock)
            return ids.isEmpty ? nil : .unreadableSchedules(owner: "doors.\(door.name).unlock", ids: ids)
        }
        return ofGroups + ofDoors
    }

    public func plan(createdAt: Instant) -> Plan {
        let groups = config.managedGroups.filter { targets.covers(group: $0.address) }
        let holders = Holders(directory: evaluator.directory, live: live)
        let skipped = Reasons.skippedByEmail(evaluator)
        // Group by group on every core: each group's two states are built, compared and let go,
        // so a large site never holds both states of every group at once.
        var diffs = groups.parallelMap { group -> (PlannedGroup, [ResourceChange])? in
            let liveState = AccessStates.live(group, live: live, holders: holders, instant: instant)
            var desiredState =
                mode == .destroy
                ? liveState.map(AccessStates.destroyed) : AccessStates.desired(group, access: desired, live: live, zone: config.timeZone)
            // Schedules kisictl cannot read are not planned over.
            if !KisiSchedules.unreadable(live.groups[group.address]?.schedules ?? [], .allow).isEmpty {
                desiredState?.schedules = nil
                desiredState?.timeRestriction = nil
            }
            guard let desiredState else { return nil }
            var (changes, unchanged) = AccessState.diff(liveState, desiredState, names: holders, zone: config.timeZone)
            Reasons.attach(to: &changes, evaluator: evaluator, instant: instant, skipped: skipped)
            var planned = PlannedGroup(
                address: group.address, name: group.name, description: mode == .destroy ? liveState?.description : group.description,
                place: group.place, placeID: desiredState.placeID, kisiID: desiredState.kisiID, unchanged: unchanged)
            if mode == .converge { planned.schedules = desiredState.schedules?.map(\.entry) }
            return (planned, changes)
        }

        var draft = PlanDraft(changes: diffs.flatMap { $0?.1 ?? [] } + doorChanges, groups: [:], problems: live.problems)
        for case (let group, _)? in diffs { draft.groups[group.address] = group }
        // Let go of the diffs, so that the policies change the groups' role lists in place
        // instead of copying them.
        diffs.removeAll()
        for policy in policies { policy.apply(to: &draft) }
        if mode == .converge {
            DuplicateMerges.add(to: &draft, groups: groups, live: live, instant: instant, targets: targets)
        }

        let planned = draft.groups.values.map { group in
            var group = group
            group.kept.sort {
                ($0.why.rawValue, EmailAddress.normalized($0.email), $0.name ?? "") < (
                    $1.why.rawValue, EmailAddress.normalized($1.email), $1.name ?? ""
                )
            }
            return group
        }
        let fingerprints = PlanFingerprints(config: fingerprints.config, data: fingerprints.data, live: live.fingerprints(for: groups))
        return Plan(
            mode: mode, instant: instant, timeZone: config.timeZone.identifier, createdAt: createdAt,
            organization: PlanOrganization(id: live.organization.id, name: live.organization.name), endpoint: endpoint,
            fingerprints: fingerprints, groups: planned, doors: plannedDoors, changes: draft.changes, problems: draft.problems,
            notices: live.notices + unreadableSchedules(groups),
            windowChanges: windowChanges, targets: targets.addresses)
    }
}
