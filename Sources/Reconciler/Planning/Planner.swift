import AccessModel
import AccessRules
import Foundation
import KisiAPI

/// A plan, or why there can be none.
public struct PlanOutcome: Sendable {
    public var plan: Plan
    /// Reasons the plan must not be applied (a door Kisi lacks, a group another integration feeds,
    /// members no rule explains under `unexplained_members: fail`).
    public var problems: [String]
}

/// Diffs desired access against live Kisi: a pure function of its inputs, including the instant.
public struct Planner: Sendable {
    public let evaluator: AccessEvaluator
    public let desired: DesiredAccess
    public let live: LiveState
    public let endpoint: String
    public let fingerprints: (config: String, data: String)
    public let mode: Plan.Mode
    /// How apply will change windows (what earlier applies learned of this Kisi).
    public let windowChanges: WindowChangeMethod
    /// Kisi user id → the person in the member data with that address.
    let personByUser: [Int: Int32]

    public init(
        evaluator: AccessEvaluator, desired: DesiredAccess, live: LiveState, endpoint: String,
        fingerprints: (config: String, data: String), mode: Plan.Mode = .converge, windowChanges: WindowChangeMethod = .patch
    ) {
        self.mode = mode
        self.windowChanges = windowChanges
        self.evaluator = evaluator
        self.desired = desired
        self.live = live
        self.endpoint = endpoint
        self.fingerprints = fingerprints
        var personByUser: [Int: Int32] = [:]
        personByUser.reserveCapacity(live.users.count)
        for (email, user) in live.users {
            if let person = evaluator.directory.personID(normalizedEmail: email) { personByUser[user.id] = person.index }
        }
        self.personByUser = personByUser
    }

    var config: SiteConfig { evaluator.config }
    var instant: Instant { desired.instant }

    public func plan(createdAt: Instant) -> PlanOutcome {
        var problems = live.problems
        var groups: [GroupPlan] = []
        // Groups are planned independently, on every core; results keep the config's order.
        for (plan, groupProblems) in config.managedGroups.parallelMap(planGroup) {
            problems += groupProblems
            if let plan { groups.append(plan) }
        }
        let fingerprints = PlanFingerprints(config: fingerprints.config, data: fingerprints.data, live: live.fingerprints(for: config))
        let plan = Plan(
            mode: mode, instant: instant, timeZone: config.timeZone.identifier, createdAt: createdAt,
            organization: PlanOrganization(id: live.organization.id, name: live.organization.name), endpoint: endpoint,
            fingerprints: fingerprints, groups: groups, notices: live.notices, windowChanges: windowChanges)
        return PlanOutcome(plan: plan, problems: problems)
    }

    private func planGroup(_ group: GroupConfig) -> (GroupPlan?, [String]) {
        let path = "groups.\(group.address)"
        let existing = live.groups[group.address]
        if mode == .destroy {
            // Only access kisictl granted is taken back: no group is created or changed, doors stay
            // linked, and a group another integration feeds was never kisictl's.
            guard let existing, existing.integrations.isEmpty else { return (nil, []) }
            let (access, kept, unchanged, _) = planAccess(group, existing: existing)
            return (
                GroupPlan(
                    address: group.address, name: group.name, description: existing.group.description, place: group.place,
                    placeID: existing.group.placeID, kisiGroupID: existing.group.id, create: false, update: nil, doors: [],
                    access: access, kept: kept, unchanged: unchanged), []
            )
        }
        if let integration = existing?.integrations.first {
            return (
                nil,
                [
                    "\(path): Kisi group \"\(group.name)\" is fed by the integration \"\(integration.name)\" (\(integration.type)); kisictl will not manage a group another integration writes to. Set managed: false, or give kisictl a group of its own."
                ]
            )
        }
        var problems: [String] = []
        let placeID = group.place.flatMap { live.place(named: $0)?.id }
        if group.place != nil, placeID == nil { return (nil, []) }  // reported by the refresh

        var update: GroupUpdate?
        if let existing, let description = group.description, description != (existing.group.description ?? "") {
            update = GroupUpdate(description: FieldChange(before: existing.group.description, after: description))
        }

        var doors: [DoorChange] = []
        if let wanted = group.doors {
            var wantedLocks: [(String, KisiLock)] = []
            for door in wanted {
                let candidates = live.locks.filter { $0.name == door && (placeID == nil || $0.placeID == placeID) }
                switch candidates.count {
                case 1: wantedLocks.append((door, candidates[0]))
                case 0:
                    let known = live.locks.filter { placeID == nil || $0.placeID == placeID }.map(\.name).sorted()
                    problems.append(
                        "\(path).doors: Kisi has no door named \"\(door)\" in \(group.place ?? "the organization") (doors: \(known.joined(separator: ", ")))"
                    )
                default:
                    problems.append(
                        "\(path).doors: \(candidates.count) doors are named \"\(door)\" in different places; an organization group cannot tell them apart"
                    )
                }
            }
            let linked = existing?.doors ?? []
            for (name, lock) in wantedLocks where !linked.contains(where: { $0.lockID == lock.id }) {
                doors.append(DoorChange(action: .link, door: name, lockID: lock.id))
            }
            for link in linked where !wantedLocks.contains(where: { $0.1.id == link.lockID }) {
                let name = live.locks.first { $0.id == link.lockID }?.name ?? "lock \(link.lockID)"
                doors.append(DoorChange(action: .unlink, door: name, lockID: link.lockID, groupLockID: link.id))
            }
            doors.sort { ($0.action.rawValue, $0.door) < ($1.action.rawValue, $1.door) }
        }

        let (access, kept, unchanged, accessProblems) = planAccess(group, existing: existing)
        problems += accessProblems
        let plan = GroupPlan(
            address: group.address, name: group.name, description: group.description, place: group.place, placeID: placeID,
            kisiGroupID: existing?.group.id, create: existing == nil, update: update, doors: doors,
            access: access, kept: kept, unchanged: unchanged)
        return (plan, problems)
    }

    private func planAccess(_ group: GroupConfig, existing: LiveGroup?) -> ([AccessChange], [KeptMember], [MemberState], [String]) {
        let directory = evaluator.directory
        // Live roles ordered by the person they belong to (desired grants come in person order,
        // so the two lists are walked together); roles of people the data does not know apart.
        let roles = existing?.roles ?? []
        var known: [(person: Int32, role: Int32)] = []
        known.reserveCapacity(roles.count)
        var strangers: [KisiRoleAssignment] = []
        var kept: [KeptMember] = []
        var unchanged: [MemberState] = []
        unchanged.reserveCapacity(roles.count)
        for (position, role) in roles.enumerated() {
            guard let user = role.user else {
                // Teams and guests hold roles too; kisictl manages people, never these.
                let (holder, member) = Self.nonUser(role)
                kept.append(member)
                unchanged.append(MemberState(holder: holder, role: role.roleID, window: liveWindow(role)))
                continue
            }
            if let person = personByUser[user.id] { known.append((person, Int32(position))) } else { strangers.append(role) }
        }
        known.sort { $0.person < $1.person }
        var changes: [AccessChange] = []
        var unexplained: [String] = []
        var leftover: [(PersonID?, KisiRoleAssignment)] = []

        var next = 0
        for grant in mode == .destroy ? [] : desired.grants(in: group.address) {
            while next < known.count, known[next].person < grant.person.index {
                leftover.append((PersonID(index: known[next].person), roles[Int(known[next].role)]))
                next += 1
            }
            let after = window(grant.window)
            guard next < known.count, known[next].person == grant.person.index else {
                let user = live.users[directory.normalizedEmail(of: grant.person)]
                changes.append(
                    AccessChange(
                        action: user == nil ? .createUserAndGrant : .grant, email: directory.email(of: grant.person),
                        name: directory.name(of: grant.person), userID: user?.id, after: after,
                        reasons: reasons(grant.person, group)))
                continue
            }
            let role = roles[Int(known[next].role)], user = role.user!
            next += 1
            let before = liveWindow(role)
            if role.roleID != "group_basic" {
                kept.append(KeptMember(email: user.email, why: .manager))
                unchanged.append(MemberState(email: user.email, role: role.roleID, window: before))
            } else if before == after {
                unchanged.append(MemberState(email: user.email, role: role.roleID, window: before))
            } else {
                changes.append(
                    AccessChange(
                        action: .change, email: user.email, name: directory.name(of: grant.person), userID: user.id,
                        roleAssignmentID: role.id, before: before, after: after, reasons: reasons(grant.person, group)))
            }
        }
        while next < known.count {
            leftover.append((PersonID(index: known[next].person), roles[Int(known[next].role)]))
            next += 1
        }
        leftover += strangers.sorted { $0.id < $1.id }.map { (PersonID?.none, $0) }

        // Roles no grant asked for: managers and exempt people stay; the rest are revoked,
        // or follow policy.unexplained_members when no record explains them.
        for (person, role) in leftover {
            let before = liveWindow(role)
            let user = role.user!
            if role.roleID != "group_basic" || config.policy.exempt.contains(EmailAddress.normalized(user.email)) {
                kept.append(KeptMember(email: user.email, why: role.roleID != "group_basic" ? .manager : .exempt))
                unchanged.append(MemberState(email: user.email, role: role.roleID, window: before))
                continue
            }
            let decision = person.flatMap { evaluator.decision(for: $0, in: group.address, at: instant) }
            if mode == .destroy {
                // Members no rule explains were never kisictl's, unless policy says it revokes them.
                let explained = decision.map { !$0.evidence.isEmpty } ?? false
                guard explained || config.policy.unexplainedMembers == .revoke else {
                    kept.append(KeptMember(email: user.email, why: .unexplained))
                    unchanged.append(MemberState(email: user.email, role: role.roleID, window: before))
                    continue
                }
                changes.append(
                    AccessChange(
                        action: .revoke, email: user.email, userID: user.id, roleAssignmentID: role.id, before: before,
                        reasons: ["kisictl plan --destroy: every grant kisictl manages is revoked"], cause: "destroy"))
                continue
            }
            guard let decision, !decision.evidence.isEmpty else {
                switch config.policy.unexplainedMembers {
                case .keep:
                    kept.append(KeptMember(email: user.email, why: .unexplained))
                    unchanged.append(MemberState(email: user.email, role: role.roleID, window: before))
                case .fail:
                    unexplained.append(user.email)
                    unchanged.append(MemberState(email: user.email, role: role.roleID, window: before))
                case .revoke:
                    let why = decision == nil ? "not in the member data" : "no membership, registration or booking matches this group's rules"
                    changes.append(
                        AccessChange(
                            action: .revoke, email: user.email, userID: user.id, roleAssignmentID: role.id,
                            before: before, reasons: ["no rule explains this member: \(why)"],
                            cause: "no rule explains the member"))
                }
                continue
            }
            changes.append(
                AccessChange(
                    action: .revoke, email: user.email, userID: user.id, roleAssignmentID: role.id, before: before,
                    reasons: decision.evidence.map { "no rule grants: " + evaluator.describe($0, at: instant) },
                    cause: Self.cause(decision.evidence)))
        }

        var problems: [String] = []
        if !unexplained.isEmpty {
            problems.append(
                "groups.\(group.address): \(unexplained.count) member\(unexplained.count == 1 ? "" : "s") no rule explains (\(unexplained.sorted().map(EmailAddress.masked).joined(separator: ", "))), and policy.unexplained_members is fail"
            )
        }
        let order: [AccessChange.Action: Int] = [.createUserAndGrant: 0, .grant: 0, .change: 1, .revoke: 2]
        changes.sort { (order[$0.action]!, $0.normalizedEmail) < (order[$1.action]!, $1.normalizedEmail) }
        kept.sort {
            ($0.why.rawValue, EmailAddress.normalized($0.email), $0.name ?? "") < ($1.why.rawValue, EmailAddress.normalized($1.email), $1.name ?? "")
        }
        return (changes, kept, unchanged, problems)
    }

    /// A role whose holder is not a user, as left alone.
    static func nonUser(_ role: KisiRoleAssignment) -> (MemberState.Holder, KeptMember) {
        switch role.assignee {
        case .team(let id, let name): return (.team(id: id, name: name), KeptMember(email: "", name: name, why: .team))
        case .guest(let id, let name, let email):
            return (.guest(id: id, name: name, email: email), KeptMember(email: email ?? "", name: name, why: .guest))
        case .other(let type, let id):
            return (.other(kind: type, id: id), KeptMember(email: "", name: "\(type) \(id.map(String.init) ?? "?")", why: .otherAssignee))
        case .user(let user): return (.user(email: user.email), KeptMember(email: user.email, why: .manager))
        }
    }

    func liveWindow(_ role: KisiRoleAssignment) -> PlanWindow {
        PlanWindow(from: bound(role.validFrom, isStart: true), until: bound(role.validUntil, isStart: false))
    }

    /// Why a person is granted: the records behind their window (evaluated again for this one
    /// person, so a large site's evaluation carries no evidence).
    private func reasons(_ person: PersonID, _ group: GroupConfig) -> [String] {
        (evaluator.decision(for: person, in: group.address, at: instant)?.evidence ?? []).map { evaluator.describe($0, at: instant) }
    }

    /// The window Kisi should hold: a start already past is open, as Kisi treats both alike.
    func window(_ window: AccessWindow) -> PlanWindow {
        PlanWindow(from: window.from <= instant ? nil : window.from, until: window.until)
    }

    /// A live bound in whole seconds; a start already past reads as open.
    func bound(_ date: Date?, isStart: Bool) -> Instant? {
        guard let date else { return nil }
        let instant = Instant(date)
        return isStart && instant <= self.instant ? nil : instant
    }

    /// The short cause of a revocation, from its first piece of evidence.
    static func cause(_ evidence: [Evidence]) -> String {
        guard let first = evidence.first else { return "no rule explains the member" }
        let record: String =
            switch first.record {
            case .membership: "membership"
            case .registration: "registration"
            case .booking: "booking"
            case .invitation: "booking invitation"
            }
        let finding: String =
            switch first.finding {
            case .ended, .expired: record == "membership" ? "expired" : "ended"
            case .startsBeyondLookahead: "not started yet"
            case .paused: "paused"
            case .cancelled: "cancelled"
            case .blocked: "blocked"
            case .usedUp: "used up"
            case .notConfirmed: "not confirmed"
            case .grants, .grantsWhileBlocked, .grantsInRenewalGrace: "granting"
            }
        return "\(record) \(finding)"
    }
}
