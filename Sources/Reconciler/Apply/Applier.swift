import AccessModel
import Foundation
import JSONSupport
import KisiAPI
import PlanModel

/// What an apply did.
public struct ApplyReport: Sendable {
    /// The kinds of write an apply counts.
    public enum Count: String, Sendable, CaseIterable {
        case groupsCreated, groupsUpdated, groupsDeleted, doorsLinked, doorsUnlinked, schedulesCreated, schedulesUpdated, schedulesDeleted
        case usersCreated, guestsCreated, grants, windowChanges, revocations
    }

    public struct Failure: Sendable {
        public var group: String
        public var address: ResourceAddress
        public var action: ResourceChange.Action
        public var error: Problem
        /// What the failure leaves behind, when it is worse than "not done": a member without access.
        public var consequence: Consequence?

        /// What went wrong.
        public enum Problem: Sendable, Equatable, CustomStringConvertible {
            /// Kisi refused, failed or did not answer.
            case kisi(KisiError)
            /// The plan names one Kisi role twice: it was acted on once.
            case roleTwice(Int)
            /// Not attempted: the audit log could not record the intent to make it.
            case auditLog(AuditLog.Failure)
            /// Not attempted: a signal asked the apply to stop.
            case stopped(signal: Int32)
            /// Not attempted: Kisi stopped answering (this many writes in a row got no answer).
            case unreachable(Int)
            /// Not attempted: a group's hours were not all made (the restriction stays off), or
            /// its restriction could not be turned off (its hours stay): either would lock
            /// members out.
            case heldBack(restrictionOn: Bool)

            public var description: String {
                switch self {
                case .kisi(let error): return error.description
                case .roleTwice(let id): return "the plan holds Kisi role \(id) twice; it was acted on once"
                case .auditLog(let failure): return "not attempted: \(failure)"
                case .stopped(let signal): return "not attempted: \(ApplyStop.name(signal)) asked the apply to stop"
                case .unreachable(let count): return "not attempted: Kisi unreachable (\(count) writes in a row got no answer)"
                case .heldBack(true):
                    return "not attempted: the group's hours were not all made, so its time restriction stays off (members keep access at all hours)"
                case .heldBack(false):
                    return "not attempted: the group's time restriction could not be turned off, so its hours stay (members keep them)"
                }
            }
        }

        public enum Consequence: Sendable, Equatable {
            /// The role was revoked to change its window and the new grant failed.
            case lockedOut
        }
    }

    /// Completed writes by kind.
    public var completed: [Count: Int] = [:]
    public var failures: [Failure] = []
    /// Changes not attempted because something they needed failed (a group that was not created).
    public var skipped = 0
    /// How Kisi took the first window change, read back: nil when there was none to check.
    public var windowChanges: WindowChangeMethod?
    /// Set when the apply stopped starting writes because Kisi stopped answering.
    public var unreachable = false

    /// Failures whose write may have been applied all the same: Kisi's answer never came and
    /// no read-back could tell. The next plan shows what Kisi holds.
    public var unconfirmed: [Failure] {
        failures.filter { if case .kisi(let error) = $0.error { error.answerLost } else { false } }
    }

    public var succeeded: Bool { failures.isEmpty && skipped == 0 }
}

/// Reports progress as changes complete.
public protocol ApplyProgress: Sendable {
    func begin(total: Int) async
    func advance() async
    func finish() async
}

/// Executes a plan against Kisi: groups, their hours and doors first (and the doors' unlock
/// hours), then users and grants and window changes, then revocations, so a person moving between groups gains the new access before
/// losing the old. Every write is idempotent under faults: when an answer is lost, or Kisi
/// refuses a create (422), or a delete finds nothing (404), the applier reads back and decides
/// from what Kisi holds, never from an error's wording, so it never creates a duplicate user,
/// role or door link and never reports a write it did not see.
///
/// Window changes are checked: the first of a run is read back, and if Kisi kept the old window
/// (its spec does not document the validity fields of `PATCH /role_assignments/{id}`), every
/// window change of the run is made by revoking and granting again.
public struct Applier: Sendable {
    let writer: KisiWriter
    let audit: AuditLog?
    let notify: Bool
    let progress: (any ApplyProgress)?
    let stop: ApplyStop?
    /// How long a group whose create lost its answer is looked for before the apply gives up on
    /// it (it is never created twice in one run); Kisi's own answer may take 30 s.
    let groupDeadline: Duration
    let groupPoll: Duration
    /// After this many writes in a row without an answer from Kisi, no other write starts:
    /// with Kisi down, each would spend its retries (about 20 s) for nothing.
    let unreachableAfter: Int
    /// Writes in flight at once (the client's own concurrency).
    let parallelWrites: Int

    public init(
        writer: KisiWriter, audit: AuditLog?, notify: Bool, progress: (any ApplyProgress)?, stop: ApplyStop? = nil,
        groupDeadline: Duration = .seconds(120), groupPoll: Duration = .seconds(2), unreachableAfter: Int = 5, parallelWrites: Int = 4
    ) {
        self.parallelWrites = parallelWrites
        self.unreachableAfter = unreachableAfter
        self.groupDeadline = groupDeadline
        self.groupPoll = groupPoll
        self.writer = writer
        self.audit = audit
        self.notify = notify
        self.progress = progress
        self.stop = stop
    }

    /// How many times a write whose outcome is unknown is read back and tried again.
    static let attempts = 4

    public func apply(_ plan: Plan) async -> ApplyReport {
        let report = ReportBuilder()
        await progress?.begin(total: plan.changes.filter { $0.address.kind != .user }.count)

        // Groups, their hours and doors, group by group; then the doors' unlock hours.
        var groupIDs: [String: Int] = [:]
        for group in plan.groups {
            let changes = plan.changes(in: group.address)
            var id = group.kisiID
            if let create = changes.first(where: { $0.address.kind == .group && $0.action == .create }) {
                id = await createGroup(group, create, report)
                if id == nil {
                    await report.skip(changes.filter { $0.address.kind != .group && $0.address.kind != .user }.count)
                    continue
                }
            }
            guard let groupID = id else { continue }
            groupIDs[group.address] = groupID
            await changeGroupAndHours(group, groupID, changes, report)
            for door in changes where door.address.kind == .door { await changeDoor(group, groupID, door, report) }
        }
        for door in plan.doors {
            for change in plan.changes(atDoor: door.address) { await changeSchedule(change, on: ("Lock", door.lockID), report) }
        }

        // Each Kisi role is acted on once, whatever the plan holds.
        var seenRoles = Set<Int>()
        var steps: [Step] = []
        for change in plan.changes where change.address.kind == .role {
            guard let groupID = groupIDs[change.address.group] else { continue }
            if let role = change.before?.role?.kisiID, !seenRoles.insert(role).inserted {
                await report.fail(
                    ApplyReport.Failure(
                        group: change.address.group, address: change.address, action: change.action, error: .roleTwice(role)))
                continue
            }
            steps.append(Step(group: change.address.group, groupID: groupID, change: change))
        }

        // The first window changes are made one at a time and read back, until one shows how
        // Kisi takes them; the rest follow that way.
        var method = plan.windowChanges
        var probed = Set<Int>()
        for (index, step) in steps.enumerated() where step.change.action == .update {
            probed.insert(index)
            if let observed = await probeWindowChange(step, instant: plan.instant, report) {
                method = observed
                await report.observe(observed)
                break
            }
        }

        // Grants and window changes, person by person (so a new user is created once, by their
        // first grant, and their other groups' grants use the new user); then revocations.
        var chains: [String: [Step]] = [:]
        for (index, step) in steps.enumerated() where step.change.action != .delete && !probed.contains(index) {
            chains[step.change.address.index ?? "", default: []].append(step)
        }
        let windowMethod = method
        await Self.forEach(Array(chains.values), parallel: parallelWrites) { chain in
            var userID: Int?
            for step in chain {
                if step.change.action == .update {
                    if windowMethod == .reissue {
                        await self.reissue(step, knownUser: userID, instant: plan.instant, report)
                    } else {
                        await self.patchWindow(step, report)
                    }
                } else {
                    userID = await self.grant(step, knownUser: userID, instant: plan.instant, report) ?? userID
                }
            }
        }
        await Self.forEach(steps.filter { $0.change.action == .delete }, parallel: parallelWrites) { step in
            await self.revoke(step, report)
        }

        // Duplicate groups go last, and only once every role has moved out of them.
        for group in plan.groups {
            guard let original = group.duplicateOf, let copyID = group.kisiID,
                let change = plan.changes(in: group.address).first(where: { $0.address.kind == .group && $0.action == .delete })
            else { continue }
            let unfinished = await report.report.failures.contains { [group.address, original].contains($0.address.group) }
            if unfinished {
                await report.skip(1)
                continue
            }
            await deleteCopy(copyID, change, report)
        }
        await progress?.finish()
        return await report.report
    }

    /// Runs `body` for each element, at most `parallel` at once: a write starts (and checks the
    /// stop, the audit log and Kisi's reachability) only when the client could send it.
    static func forEach<T: Sendable>(_ items: [T], parallel: Int, _ body: @escaping @Sendable (T) async -> Void) async {
        await withTaskGroup(of: Void.self) { tasks in
            var next = items.makeIterator()
            for _ in 0..<max(1, parallel) {
                guard let item = next.next() else { break }
                tasks.addTask { await body(item) }
            }
            while await tasks.next() != nil {
                if let item = next.next() { tasks.addTask { await body(item) } }
            }
        }
    }

    /// One role change of the plan, with the Kisi group it applies to.
    struct Step: Sendable {
        var group: String
        var groupID: Int
        var change: ResourceChange

        var role: RoleValues { (change.after ?? change.before)!.role! }
    }

    // MARK: Groups and doors

    /// Creates a group at most once, whatever the timing. Another run (a second checkout, a
    /// runner) may have made it since the plan, so Kisi is read just before the create. A create
    /// whose answer is lost is never sent again: Kisi is read until `groupDeadline`, since a late
    /// create shows up after its answer timed out. Two runs that created at once both keep the
    /// oldest group and delete the copy they made (still empty: doors and roles come after).
    private func createGroup(_ group: PlannedGroup, _ change: ResourceChange, _ report: ReportBuilder) async -> Int? {
        guard await intend("create_group", change, report) else { return nil }
        let target: [(String, JSONValue)] = [("name", .string(group.name)), ("place_id", .int(group.placeID))]
        func found(_ kisi: KisiGroup, _ detail: String?) async -> Int {
            await done("create_group", change, target + [("kisi_group_id", .int(kisi.id))], .groupsCreated, report, detail: detail)
            return kisi.id
        }
        do {
            if let existing = try await writer.findGroup(name: group.name, placeID: group.placeID) {
                return await found(existing, "found in Kisi just before creating it (another run made it)")
            }
        } catch {
            await failed("create_group", change, target, error, report)
            return nil
        }
        let created: KisiGroup
        do {
            // Created without a time restriction: it is turned on once the group's hours exist.
            created = try await writer.createGroup(name: group.name, description: group.description, placeID: group.placeID)
        } catch  where error.answerLost || error.isRefusedValues {
            let deadline = ContinuousClock.now + (error.isRefusedValues ? .zero : groupDeadline)
            repeat {
                if let late = try? await writer.findGroup(name: group.name, placeID: group.placeID) {
                    return await found(late, "found in Kisi after \(Self.describe(error)); not created again")
                }
                if ContinuousClock.now >= deadline { break }
                try? await Task.sleep(for: groupPoll)
            } while true
            let unseen = KisiError.outcomeUnknown(
                "POST /groups",
                "no group \"\(group.name)\" appeared within \(groupDeadline) after \(Self.describe(error)); not created again: the next plan finds it or creates it"
            )
            await failed("create_group", change, target, error.isRefusedValues ? error : unseen, report)
            return nil
        } catch {
            await failed("create_group", change, target, error, report)
            return nil
        }
        guard let oldest = try? await writer.findGroup(name: group.name, placeID: group.placeID), oldest.id < created.id else {
            return await found(created, nil)
        }
        // Another run created the same group at the same moment: keep the oldest, delete our copy.
        var detail = "another run created it at the same time as Kisi group \(oldest.id); "
        let copy = target + [("kisi_group_id", .int(created.id))]
        if let audit, !audit.record(action: "delete_duplicate_group", change: change, target: copy, outcome: "intent") {
            detail += "the copy \(created.id) was kept: \(audit.failure.map { "\($0)" } ?? "the audit log failed")"
        } else {
            do {
                try await writer.deleteGroup(created.id)
                audit?.record(action: "delete_duplicate_group", change: change, target: copy, outcome: "ok")
                detail += "the copy \(created.id) was deleted"
            } catch {
                audit?.record(action: "delete_duplicate_group", change: change, target: copy, outcome: "failed", detail: "\(error)")
                detail += "deleting the copy \(created.id) failed (\(error)); the next plan merges it"
            }
        }
        return await found(oldest, detail)
    }

    /// Deletes a duplicate group once empty; gone already (404) is done.
    private func deleteCopy(_ id: Int, _ change: ResourceChange, _ report: ReportBuilder) async {
        guard await intend("delete_duplicate_group", change, report) else { return }
        let target: [(String, JSONValue)] = [("kisi_group_id", .int(id))]
        do {
            try await writer.deleteGroup(id)
            await done("delete_duplicate_group", change, target, .groupsDeleted, report)
        } catch .notFound {
            await done("delete_duplicate_group", change, target, .groupsDeleted, report, detail: "already deleted")
        } catch {
            await failed("delete_duplicate_group", change, target, error, report)
        }
    }

    /// A group's own changes and its hours, in the order that never locks members out: hours
    /// are made before the time restriction is turned on (a new group gets it only then), and
    /// the restriction is turned off before hours go; when a step fails, the one that depends
    /// on it is held back.
    private func changeGroupAndHours(_ group: PlannedGroup, _ groupID: Int, _ changes: [ResourceChange], _ report: ReportBuilder) async {
        let schedules = changes.filter { $0.address.kind == .schedule }
        var hoursMade = true
        for change in schedules where change.action != .delete {
            hoursMade = await changeSchedule(change, on: ("Group", groupID), report) && hoursMade
        }
        if let create = changes.first(where: { $0.address.kind == .group && $0.action == .create }), create.after?.group?.timeRestriction == true {
            if hoursMade { await restrict(groupID, create, report) } else { await holdBack(create, restrictionOn: true, report) }
        }
        var restrictionOff = true
        if let update = changes.first(where: { $0.address.kind == .group && $0.action == .update }) {
            let restriction = update.after?.group?.timeRestriction
            if restriction == true, !hoursMade {
                await holdBack(update, restrictionOn: true, report)
            } else {
                let updated = await updateGroup(group, groupID, update, report)
                if restriction == false { restrictionOff = updated }
            }
        }
        for change in schedules where change.action == .delete {
            if restrictionOff {
                await changeSchedule(change, on: ("Group", groupID), report)
            } else {
                await holdBack(change, restrictionOn: false, report)
            }
        }
    }

    /// Turns a new group's time restriction on, its hours made.
    private func restrict(_ groupID: Int, _ change: ResourceChange, _ report: ReportBuilder) async {
        let target: [(String, JSONValue)] = [("kisi_group_id", .int(groupID)), ("time_restriction_enabled", .bool(true))]
        do {
            try await writer.updateGroup(groupID, name: nil, description: nil, timeRestriction: true)
            audit?.record(action: "restrict_group", change: change, target: target, outcome: "ok")
        } catch {
            await failed("restrict_group", change, target, error, report)
        }
    }

    /// A change not made because making it would lock members out.
    private func holdBack(_ change: ResourceChange, restrictionOn: Bool, _ report: ReportBuilder) async {
        audit?.record(
            action: "hold_back", change: change, target: [], outcome: "skipped",
            detail: "\(ApplyReport.Failure.Problem.heldBack(restrictionOn: restrictionOn))")
        await report.fail(
            ApplyReport.Failure(
                group: change.address.group, address: change.address, action: change.action, error: .heldBack(restrictionOn: restrictionOn)))
    }

    @discardableResult
    private func updateGroup(_ group: PlannedGroup, _ groupID: Int, _ change: ResourceChange, _ report: ReportBuilder) async -> Bool {
        guard await intend("update_group", change, report) else { return false }
        let before = change.before?.group, after = change.after?.group
        let target: [(String, JSONValue)] = [("kisi_group_id", .int(groupID))]
        let name = after?.name != before?.name ? after?.name : nil
        let description = after?.description != before?.description ? after?.description : nil
        do {
            try await writer.updateGroup(groupID, name: name, description: description, timeRestriction: after?.timeRestriction)
            await done(name != nil ? "rename_group" : "update_group", change, target, .groupsUpdated, report)
            return true
        } catch {
            await failed("update_group", change, target, error, report)
            return false
        }
    }

    /// Creates, changes or deletes one schedule of a group or a lock. A create whose answer is
    /// lost, or that Kisi refuses, is read back: a schedule of the scheduleable meaning the same
    /// is the one made. A created schedule is checked against what was asked: Kisi's spec does
    /// not list a recurring event's hours among the fields it takes.
    /// - Returns: whether Kisi holds the schedule as planned.
    @discardableResult
    private func changeSchedule(_ change: ResourceChange, on scheduleable: (type: String, id: Int), _ report: ReportBuilder) async -> Bool {
        let action = ["create": "create_schedule", "update": "update_schedule", "delete": "delete_schedule"][change.action.rawValue]!
        guard await intend(action, change, report) else { return false }
        let values = (change.after ?? change.before)!.schedule!
        var target: [(String, JSONValue)] = [("scheduleable_type", .string(scheduleable.type)), ("scheduleable_id", .int(scheduleable.id))]
        if let id = change.before?.schedule?.kisiID { target.append(("kisi_schedule_id", .int(id))) }
        let fields = KisiSchedules.fields(values.entry)
        switch change.action {
        case .delete:
            do {
                try await writer.deleteSchedule(values.kisiID ?? 0)
                await done(action, change, target, .schedulesDeleted, report)
            } catch .notFound {
                await done(action, change, target, .schedulesDeleted, report, detail: "already deleted")
            } catch {
                await failed(action, change, target, error, report)
                return false
            }
            return true
        case .update:
            do {
                try await writer.updateSchedule(values.kisiID ?? 0, fields)
                await done(action, change, target, .schedulesUpdated, report)
                return true
            } catch {
                await failed(action, change, target, error, report)
                return false
            }
        case .create:
            func held() async -> ScheduledEntry? {
                let live = try? await writer.schedules(of: scheduleable.type, id: scheduleable.id)
                return KisiSchedules.entries(live ?? [], values.entry.consequence).first { $0.entry == values.entry }
            }
            do {
                let created = try await writer.createSchedule(
                    fields + [
                        ("consequence", .string(values.entry.consequence.rawValue)), ("scheduleable_type", .string(scheduleable.type)),
                        ("scheduleable_id", .int(scheduleable.id)),
                    ])
                guard KisiSchedules.entry(created) == values.entry else {
                    let kept = [created.type, created.startsAtTime, created.endsAtTime, created.startsAtDate, created.startsAt].compactMap { $0 }
                    await failed(
                        action, change, target + [("kisi_schedule_id", .int(created.id))],
                        KisiError.unexpectedResponse(
                            "POST /schedules",
                            "Kisi made another schedule (\(kept.joined(separator: " "))) than the one asked for; the next plan shows it"),
                        report)
                    return false
                }
                await done(action, change, target + [("kisi_schedule_id", .int(created.id))], .schedulesCreated, report)
                return true
            } catch  where error.answerLost || error.isRefusedValues {
                if let found = await held() {
                    await done(
                        action, change, target + [("kisi_schedule_id", .int(found.kisiID ?? 0))], .schedulesCreated, report,
                        detail: "found in Kisi after \(Self.describe(error))")
                    return true
                }
                await failed(action, change, target, error, report)
                return false
            } catch {
                await failed(action, change, target, error, report)
                return false
            }
        }
    }

    private func changeDoor(_ group: PlannedGroup, _ groupID: Int, _ change: ResourceChange, _ report: ReportBuilder) async {
        guard await intend(change.action == .delete ? "unlink_door" : "link_door", change, report) else { return }
        let door = (change.after ?? change.before)!.door!
        let target: [(String, JSONValue)] = [("kisi_group_id", .int(groupID)), ("lock_id", .int(door.lockID)), ("door", .string(door.door))]
        switch change.action {
        case .delete:
            let link = door.linkID ?? 0
            do {
                try await writer.unlinkLock(link)
                await done("unlink_door", change, target, .doorsUnlinked, report)
            } catch .notFound {
                // Gone already, or never visible to this key: only a read tells.
                do {
                    if try await writer.groupLock(id: link) == nil {
                        await done("unlink_door", change, target, .doorsUnlinked, report, detail: "already unlinked (read back)")
                    } else {
                        await failed("unlink_door", change, target, KisiError.notFound("DELETE /group_locks/\(link)"), report)
                    }
                } catch {
                    await failed("unlink_door", change, target, error, report)
                }
            } catch {
                await failed("unlink_door", change, target, error, report)
            }
        case .create, .update:
            var lastError: KisiError = .network("POST /group_locks", "no answer")
            for attempt in 1...Self.attempts {
                // With Kisi gone, another attempt would only wait for nothing.
                if attempt > 1, await report.unreachable != nil { break }
                do {
                    _ = try await writer.linkLock(group: groupID, lock: door.lockID)
                    await done("link_door", change, target, .doorsLinked, report)
                    return
                } catch  where error.answerLost || error.isRefusedValues {
                    lastError = error
                    if let links = try? await writer.groupLocks(group: groupID), links.contains(where: { $0.lockID == door.lockID }) {
                        await done("link_door", change, target, .doorsLinked, report, detail: "found linked after \(Self.describe(error))")
                        return
                    }
                    if error.isRefusedValues { break }
                } catch {
                    lastError = error
                    break
                }
            }
            await failed("link_door", change, target, lastError, report)
        }
    }

    // MARK: Access

    private func target(_ step: Step, user: Int? = nil) -> [(String, JSONValue)] {
        let role = step.role
        var target: [(String, JSONValue)] = [("kisi_group_id", .int(step.groupID))]
        if let user = user ?? role.holder.kisiID { target.append((role.holder.kind == .memberGuest ? "guest_id" : "user_id", .int(user))) }
        if let id = step.change.before?.role?.kisiID { target.append(("role_assignment_id", .int(id))) }
        return target
    }

    private func revoke(_ step: Step, _ report: ReportBuilder) async {
        guard await intend("revoke", step.change, report) else { return }
        let target = target(step), role = step.change.before?.role?.kisiID ?? 0
        do {
            try await writer.revoke(role)
            await done("revoke", step.change, target, .revocations, report)
        } catch .notFound {
            // A 404 may mean gone, or not this key's to see: read it back.
            do {
                if try await writer.roleAssignment(id: role) == nil {
                    await done("revoke", step.change, target, .revocations, report, detail: "already revoked (read back)")
                } else {
                    await failed(
                        "revoke", step.change, target, KisiError.notFound("DELETE /role_assignments/\(role), though the role is still there"),
                        report)
                }
            } catch {
                await failed("revoke", step.change, target, error, report)
            }
        } catch {
            await failed("revoke", step.change, target, error, report)
        }
    }

    /// A window change by PATCH, read back: the method Kisi's behaviour calls for, or nil when the
    /// change failed and said nothing about it.
    private func probeWindowChange(_ step: Step, instant: Instant, _ report: ReportBuilder) async -> WindowChangeMethod? {
        guard await intend("change_window", step.change, report) else { return nil }
        let target = target(step), role = step.change.before?.role?.kisiID ?? 0
        let wanted = step.change.after?.role?.window ?? PlanWindow(from: nil, until: nil)
        do {
            try await writer.changeWindow(role, validFrom: wanted.from?.date, validUntil: wanted.until?.date, notify: notify)
            guard let held = try await writer.roleAssignment(id: role) else {
                await failed("change_window", step.change, target, KisiError.notFound("the role (removed from Kisi since the plan)"), report)
                return nil
            }
            if window(of: held, instant: instant) == wanted {
                await done("change_window", step.change, target, .windowChanges, report, detail: "read back: Kisi holds the new window")
                return .patch
            }
            // Kisi answered the PATCH but kept the old window.
            audit?.record(
                action: "change_window", change: step.change, target: target, outcome: "ignored",
                detail: "Kisi answered the PATCH but kept the old window; window changes of this run revoke and grant again")
            await reissue(step, knownUser: nil, instant: instant, report)
            return .reissue
        } catch .notFound {
            await failed("change_window", step.change, target, KisiError.notFound("the role (removed from Kisi since the plan)"), report)
        } catch {
            await failed("change_window", step.change, target, error, report)
        }
        return nil
    }

    private func patchWindow(_ step: Step, _ report: ReportBuilder) async {
        guard await intend("change_window", step.change, report) else { return }
        let target = target(step), role = step.change.before?.role?.kisiID ?? 0
        let wanted = step.change.after?.role?.window
        do {
            try await writer.changeWindow(role, validFrom: wanted?.from?.date, validUntil: wanted?.until?.date, notify: notify)
            await done("change_window", step.change, target, .windowChanges, report)
        } catch .notFound {
            await failed("change_window", step.change, target, KisiError.notFound("the role (removed from Kisi since the plan)"), report)
        } catch {
            await failed("change_window", step.change, target, error, report)
        }
    }

    /// A window change for a Kisi that ignores the validity fields of a PATCH: revoke the role,
    /// then grant with the new window. The person is without access for those two requests.
    private func reissue(_ step: Step, knownUser: Int?, instant: Instant, _ report: ReportBuilder) async {
        guard await intend("change_window", step.change, report) else { return }
        let target = target(step), role = step.change.before?.role?.kisiID ?? 0
        do {
            try await writer.revoke(role)
        } catch .notFound {
            // Gone already: granting below restores the person's access with the new window.
        } catch {
            await failed("change_window", step.change, target, error, report)
            return
        }
        await grant(
            step, knownUser: knownUser ?? step.role.holder.kisiID, instant: instant, report, action: "change_window", counted: .windowChanges,
            detail: "by revoking role \(role) and granting again: Kisi ignores the validity fields of PATCH", revoked: true)
    }

    /// Grants, creating the user (or the guest) first when they have none. When an answer is lost
    /// or Kisi refuses the create, reads back: an existing role with the right window is success,
    /// one with another window is corrected, none means try again. A guest is always notified:
    /// Kisi's e-mail carries the link that opens the door.
    @discardableResult
    private func grant(
        _ step: Step, knownUser: Int?, instant: Instant, _ report: ReportBuilder, action: String? = nil, counted: ApplyReport.Count = .grants,
        detail: String? = nil, revoked: Bool = false
    ) async -> Int? {
        let role = step.role
        let wanted = role.window
        let isGuest = role.holder.kind == .memberGuest
        let action = action ?? (role.holder.kisiID == nil ? (isGuest ? "create_guest_and_grant" : "create_user_and_grant") : "grant")
        guard await intend(action, step.change, report) else { return nil }
        var userID = knownUser ?? role.holder.kisiID
        if userID == nil {
            do {
                userID = try await ensureHolder(role, report)
            } catch {
                let create =
                    isGuest
                    ? step.change
                    : ResourceChange(ResourceAddress(.user, group: step.group, index: step.change.address.index), .create, after: step.change.after)
                await failed(action, create, target(step), error, report)
                return nil
            }
        }
        guard let user = userID else { return nil }
        let target = target(step, user: user)
        var lastError: KisiError = .network("POST /role_assignments", "no answer")
        for attempt in 1...Self.attempts {
            // With Kisi gone, another attempt would only wait for nothing.
            if attempt > 1, await report.unreachable != nil { break }
            do {
                let created = try await writer.grant(
                    group: step.groupID, user: user, as: isGuest ? .guest : .user, validFrom: wanted.from?.date, validUntil: wanted.until?.date,
                    notify: notify || isGuest, role: role.role)
                await done(action, step.change, target + [("new_role_assignment_id", .int(created.id))], counted, report, detail: detail)
                return user
            } catch  where error.answerLost || error.isRefusedValues {
                lastError = error
                do {
                    let held =
                        isGuest
                        ? try await writer.roleAssignments(group: step.groupID).filter {
                            if case .guest(let id, _, _) = $0.assignee { id == user } else { false }
                        }
                        : try await writer.roleAssignments(user: user).filter { $0.groupID == step.groupID }
                    guard let found = held.first else {
                        if error.isRefusedValues { break }
                        continue
                    }
                    if found.roleID == Role.basicID, window(of: found, instant: instant) != wanted {
                        try await writer.changeWindow(found.id, validFrom: wanted.from?.date, validUntil: wanted.until?.date, notify: notify)
                    }
                    await done(
                        action, step.change, target + [("new_role_assignment_id", .int(found.id))], counted, report,
                        detail: [detail, "found in Kisi after \(Self.describe(error))"].compactMap { $0 }.joined(separator: "; "))
                    return user
                } catch {
                    lastError = error
                }
            } catch {
                lastError = error
                break
            }
        }
        await failed(action, step.change, target, lastError, report, consequence: revoked ? .lockedOut : nil)
        return nil
    }

    /// The person's Kisi user (created confirmed and, unless `policy.notify`, with Kisi's e-mails
    /// off) or Kisi guest; when the create's answer is lost or Kisi refuses it, it is read back
    /// by e-mail (a guest by name and e-mail: Kisi searches guests by name only).
    private func ensureHolder(_ role: RoleValues, _ report: ReportBuilder) async throws(KisiError) -> Int {
        let isGuest = role.holder.kind == .memberGuest
        let name = role.holder.name ?? EmailAddress.displayName(from: role.email)
        var lastError: KisiError = .network(isGuest ? "POST /guests" : "POST /users", "no answer")
        // Once a create's answer is lost, the one found later is this apply's, even when a later
        // attempt is refused because the first one had made it.
        var mayHaveCreated = false
        for attempt in 1...Self.attempts {
            // With Kisi gone, another attempt would only wait for nothing.
            if attempt > 1, await report.unreachable != nil { break }
            do {
                let id =
                    isGuest
                    ? try await writer.createGuest(email: role.email, name: name).id
                    : try await writer.createUser(email: role.email, name: name, sendEmails: notify).id
                await report.count(isGuest ? .guestsCreated : .usersCreated)
                return id
            } catch  where error.answerLost || error.isRefusedValues {
                lastError = error
                mayHaveCreated = mayHaveCreated || error.answerLost
                let found =
                    isGuest
                    ? try await writer.guests(named: name, email: role.email).first?.id : try await writer.user(email: role.email)?.id
                if let found {
                    if mayHaveCreated { await report.count(isGuest ? .guestsCreated : .usersCreated) }
                    return found
                }
                if error.isRefusedValues { throw error }
            }
        }
        throw lastError
    }

    // MARK: Helpers

    /// A role's window as the plan writes it: whole seconds, a start already past is open.
    private func window(of role: KisiRoleAssignment, instant: Instant) -> PlanWindow {
        StateWindow(
            from: AccessStates.bound(role.validFrom, instant: instant, isStart: true),
            until: AccessStates.bound(role.validUntil, instant: instant, isStart: false)
        ).planWindow
    }

    static func describe(_ error: KisiError) -> String {
        error.answerLost ? "a lost answer" : "Kisi refused the create"
    }

    /// Writes the intent line before a write to Kisi; when the log cannot take it, the write is
    /// not made (nor any later one), and the change is reported as not attempted.
    /// After a stop request, no write starts at all.
    private func intend(_ action: String, _ change: ResourceChange, _ report: ReportBuilder) async -> Bool {
        let problem: ApplyReport.Failure.Problem
        if let signal = stop?.requested {
            problem = .stopped(signal: signal)
        } else if let silent = await report.unreachable {
            problem = .unreachable(silent)
        } else if let audit, !audit.record(action: action, change: change, target: [], outcome: "intent") {
            problem = .auditLog(audit.failure ?? AuditLog.Failure(path: audit.path, reason: "unknown"))
        } else {
            return true
        }
        await report.fail(ApplyReport.Failure(group: change.address.group, address: change.address, action: change.action, error: problem))
        await progress?.advance()
        return false
    }

    private func done(
        _ action: String, _ change: ResourceChange, _ target: [(String, JSONValue)], _ kind: ApplyReport.Count, _ report: ReportBuilder,
        detail: String? = nil
    ) async {
        audit?.record(action: action, change: change, target: target, outcome: "ok", detail: detail)
        await report.answered()
        await report.count(kind)
        await progress?.advance()
    }

    private func failed(
        _ action: String, _ change: ResourceChange, _ target: [(String, JSONValue)], _ error: any Error, _ report: ReportBuilder,
        consequence: ApplyReport.Failure.Consequence? = nil
    ) async {
        let kisiError = error as? KisiError ?? .unexpectedResponse(action, "\(error)")
        audit?.record(action: action, change: change, target: target, outcome: "failed", detail: "\(kisiError)")
        if kisiError.answerLost { await report.noAnswer(giveUpAfter: unreachableAfter) } else { await report.answered() }
        await report.fail(
            ApplyReport.Failure(
                group: change.address.group, address: change.address, action: change.action, error: .kisi(kisiError), consequence: consequence))
        await progress?.advance()
    }
}

actor ReportBuilder {
    private(set) var report = ApplyReport()

    func count(_ kind: ApplyReport.Count) { report.completed[kind, default: 0] += 1 }
    func fail(_ failure: ApplyReport.Failure) { report.failures.append(failure) }
    func skip(_ count: Int) { report.skipped += count }
    func observe(_ method: WindowChangeMethod) { report.windowChanges = method }

    /// Writes in a row that got no answer, whatever else ran between them.
    private var silentInARow = 0

    func answered() { if !report.unreachable { silentInARow = 0 } }

    func noAnswer(giveUpAfter limit: Int) {
        silentInARow += 1
        if silentInARow >= limit { report.unreachable = true }
    }

    /// How many writes in a row got no answer, once that made the apply give up.
    var unreachable: Int? { report.unreachable ? silentInARow : nil }
}
