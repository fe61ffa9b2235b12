import AccessModel
import Foundation
import JSONSupport
import KisiAPI

/// What an apply did.
public struct ApplyReport: Sendable {
    public struct Failure: Sendable {
        public var group: String
        public var what: String
        public var error: String
    }

    /// Completed writes by kind ("grants", "revocations", …).
    public var completed: [String: Int] = [:]
    public var failures: [Failure] = []
    /// Changes not attempted because something they needed failed (a group that was not created).
    public var skipped = 0
    /// How Kisi took the first window change, read back: nil when there was none to check.
    public var windowChanges: WindowChangeMethod?

    public var succeeded: Bool { failures.isEmpty && skipped == 0 }
}

/// Reports progress as changes complete.
public protocol ApplyProgress: Sendable {
    func begin(total: Int) async
    func advance(_ step: String) async
    func finish() async
}

/// Executes a plan against Kisi: groups and doors first, then users and grants and window
/// changes, then revocations, so a person moving between groups gains the new access before
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

    public init(writer: KisiWriter, audit: AuditLog?, notify: Bool, progress: (any ApplyProgress)?) {
        self.writer = writer
        self.audit = audit
        self.notify = notify
        self.progress = progress
    }

    /// How many times a write whose outcome is unknown is read back and tried again.
    static let attempts = 4

    public func apply(_ plan: Plan) async -> ApplyReport {
        let report = ReportBuilder()
        let total = plan.groups.reduce(0) { $0 + ($1.create ? 1 : 0) + ($1.update == nil ? 0 : 1) + $1.doors.count + $1.access.count }
        await progress?.begin(total: total)

        // Groups and doors, group by group.
        var groupIDs: [String: Int] = [:]
        for group in plan.groups {
            var id = group.kisiGroupID
            if group.create {
                id = await createGroup(group, report)
                if id == nil {
                    await report.skip(group.doors.count + group.access.count)
                    continue
                }
            }
            guard let groupID = id else { continue }
            groupIDs[group.address] = groupID
            if let update = group.update { await updateGroup(group, groupID, update, report) }
            for door in group.doors { await changeDoor(group, groupID, door, report) }
        }

        // Each Kisi role is acted on once, whatever the plan holds.
        var seenRoles = Set<Int>()
        var steps: [Step] = []
        for group in plan.groups {
            guard let groupID = groupIDs[group.address] else { continue }
            for change in group.access {
                if let role = change.roleAssignmentID, !seenRoles.insert(role).inserted {
                    await report.fail(
                        ApplyReport.Failure(
                            group: group.address, what: "\(change.action.rawValue) \(EmailAddress.masked(change.email))",
                            error: "the plan holds Kisi role \(role) twice; it was acted on once"))
                    continue
                }
                steps.append(Step(group: group, groupID: groupID, change: change))
            }
        }

        // The first window changes are made one at a time and read back, until one shows how
        // Kisi takes them; the rest follow that way.
        var method = plan.windowChanges
        var probed = Set<Int>()
        for (index, step) in steps.enumerated() where step.change.action == .change {
            probed.insert(index)
            if let observed = await probeWindowChange(step, planned: plan.windowChanges, instant: plan.instant, report) {
                method = observed
                await report.observe(observed)
                break
            }
        }

        // Grants and window changes, person by person (so a new user is created once, by their
        // first grant, and their other groups' grants use the new user); then revocations.
        var chains: [String: [Step]] = [:]
        for (index, step) in steps.enumerated() where step.change.action != .revoke && !probed.contains(index) {
            chains[step.change.normalizedEmail, default: []].append(step)
        }
        let windowMethod = method
        await withTaskGroup(of: Void.self) { tasks in
            for chain in chains.values {
                tasks.addTask {
                    var userID: Int?
                    for step in chain {
                        var change = step.change
                        if change.action == .createUserAndGrant, let userID {
                            change.action = .grant
                            change.userID = userID
                        }
                        let applied = await self.apply(change, step, method: windowMethod, instant: plan.instant, report)
                        userID = applied ?? userID
                    }
                }
            }
        }
        await withTaskGroup(of: Void.self) { tasks in
            for step in steps where step.change.action == .revoke {
                tasks.addTask { await self.revoke(step.change, step, report) }
            }
        }
        await progress?.finish()
        return await report.report
    }

    /// One access change of the plan, with the Kisi group it applies to.
    struct Step: Sendable {
        var group: GroupPlan
        var groupID: Int
        var change: AccessChange
    }

    // MARK: Groups and doors

    private func createGroup(_ group: GroupPlan, _ report: ReportBuilder) async -> Int? {
        let target: [(String, JSONValue)] = [("name", .string(group.name)), ("place_id", .int(group.placeID))]
        var lastError: KisiError = .network("POST /groups", "no answer")
        for _ in 1...Self.attempts {
            do {
                let created = try await writer.createGroup(name: group.name, description: group.description, placeID: group.placeID)
                await done("create_group", group, target + [("kisi_group_id", .int(created.id))], "groups created", report)
                return created.id
            } catch  where error.answerLost || error.isRefusedValues {
                // The group may exist now: look before creating a second one.
                lastError = error
                if let found = try? await writer.findGroup(name: group.name, placeID: group.placeID) {
                    await done(
                        "create_group", group, target + [("kisi_group_id", .int(found.id))], "groups created", report,
                        detail: "found in Kisi after \(Self.describe(error))")
                    return found.id
                }
                if error.isRefusedValues { break }
            } catch {
                lastError = error
                break
            }
        }
        await failed("create_group", group, target, "create the group \"\(group.name)\"", lastError, report)
        return nil
    }

    private func updateGroup(_ group: GroupPlan, _ groupID: Int, _ update: GroupUpdate, _ report: ReportBuilder) async {
        let target: [(String, JSONValue)] = [("kisi_group_id", .int(groupID))]
        do {
            try await writer.updateGroup(groupID, name: nil, description: update.description?.after)
            await done("update_group", group, target, "groups updated", report)
        } catch {
            await failed("update_group", group, target, "update the group's description", error, report)
        }
    }

    private func changeDoor(_ group: GroupPlan, _ groupID: Int, _ door: DoorChange, _ report: ReportBuilder) async {
        let target: [(String, JSONValue)] = [("kisi_group_id", .int(groupID)), ("lock_id", .int(door.lockID)), ("door", .string(door.door))]
        switch door.action {
        case .unlink:
            let link = door.groupLockID ?? 0
            do {
                try await writer.unlinkLock(link)
                await done("unlink_door", group, target, "doors unlinked", report)
            } catch .notFound {
                // Gone already, or never visible to this key: only a read tells.
                do {
                    if try await writer.groupLock(id: link) == nil {
                        await done("unlink_door", group, target, "doors unlinked", report, detail: "already unlinked (read back)")
                    } else {
                        await failed("unlink_door", group, target, "unlink \(door.door)", KisiError.notFound("DELETE /group_locks/\(link)"), report)
                    }
                } catch {
                    await failed("unlink_door", group, target, "unlink \(door.door)", error, report)
                }
            } catch {
                await failed("unlink_door", group, target, "unlink \(door.door)", error, report)
            }
        case .link:
            var lastError: KisiError = .network("POST /group_locks", "no answer")
            for _ in 1...Self.attempts {
                do {
                    _ = try await writer.linkLock(group: groupID, lock: door.lockID)
                    await done("link_door", group, target, "doors linked", report)
                    return
                } catch  where error.answerLost || error.isRefusedValues {
                    lastError = error
                    if let links = try? await writer.groupLocks(group: groupID), links.contains(where: { $0.lockID == door.lockID }) {
                        await done("link_door", group, target, "doors linked", report, detail: "found linked after \(Self.describe(error))")
                        return
                    }
                    if error.isRefusedValues { break }
                } catch {
                    lastError = error
                    break
                }
            }
            await failed("link_door", group, target, "link \(door.door)", lastError, report)
        }
    }

    // MARK: Access

    /// Applies a grant or a window change; for a grant, returns the user it went to.
    private func apply(_ change: AccessChange, _ step: Step, method: WindowChangeMethod, instant: Instant, _ report: ReportBuilder) async -> Int? {
        switch change.action {
        case .change:
            if method == .reissue {
                await reissue(change, step, instant: instant, report)
            } else {
                await patchWindow(change, step, report)
            }
            return nil
        case .grant, .createUserAndGrant:
            return await grant(change, step, instant: instant, report)
        case .revoke:
            await revoke(change, step, report)
            return nil
        }
    }

    private func target(_ change: AccessChange, _ step: Step) -> [(String, JSONValue)] {
        var target: [(String, JSONValue)] = [("kisi_group_id", .int(step.groupID)), ("person", .string(EmailAddress.masked(change.email)))]
        if let user = change.userID { target.append(("user_id", .int(user))) }
        if let role = change.roleAssignmentID { target.append(("role_assignment_id", .int(role))) }
        return target
    }

    private func revoke(_ change: AccessChange, _ step: Step, _ report: ReportBuilder) async {
        let target = target(change, step), role = change.roleAssignmentID ?? 0
        do {
            try await writer.revoke(role)
            await done("revoke", step.group, target, "revocations", report)
        } catch .notFound {
            // A 404 may mean gone, or not this key's to see: read it back.
            do {
                if try await writer.roleAssignment(id: role) == nil {
                    await done("revoke", step.group, target, "revocations", report, detail: "already revoked (read back)")
                } else {
                    await failed(
                        "revoke", step.group, target, "revoke \(EmailAddress.masked(change.email))",
                        KisiError.notFound("DELETE /role_assignments/\(role), though the role is still there"), report)
                }
            } catch {
                await failed("revoke", step.group, target, "revoke \(EmailAddress.masked(change.email))", error, report)
            }
        } catch {
            await failed("revoke", step.group, target, "revoke \(EmailAddress.masked(change.email))", error, report)
        }
    }

    /// A window change by PATCH, read back: the method Kisi's behaviour calls for, or nil when the
    /// change failed and said nothing about it.
    private func probeWindowChange(_ step: Step, planned: WindowChangeMethod, instant: Instant, _ report: ReportBuilder) async -> WindowChangeMethod?
    {
        let change = step.change, target = target(change, step), role = change.roleAssignmentID ?? 0
        let wanted = change.after ?? PlanWindow(from: nil, until: nil)
        let what = "change \(EmailAddress.masked(change.email))'s window"
        do {
            try await writer.changeWindow(role, validFrom: date(wanted.from), validUntil: date(wanted.until), notify: notify)
            guard let held = try await writer.roleAssignment(id: role) else {
                await failed("change_window", step.group, target, what, KisiError.notFound("the role (removed from Kisi since the plan)"), report)
                return nil
            }
            if window(of: held, instant: instant) == wanted {
                await done("change_window", step.group, target, "window changes", report, detail: "read back: Kisi holds the new window")
                return .patch
            }
            // Kisi answered the PATCH but kept the old window.
            audit?.record(
                action: "change_window", group: step.group.address, target: target, outcome: "ignored",
                detail: "Kisi answered the PATCH but kept the old window; window changes of this run revoke and grant again")
            await reissue(change, step, instant: instant, report)
            return .reissue
        } catch .notFound {
            await failed("change_window", step.group, target, what, KisiError.notFound("the role (removed from Kisi since the plan)"), report)
        } catch {
            await failed("change_window", step.group, target, what, error, report)
        }
        return nil
    }

    private func patchWindow(_ change: AccessChange, _ step: Step, _ report: ReportBuilder) async {
        let target = target(change, step), role = change.roleAssignmentID ?? 0
        let what = "change \(EmailAddress.masked(change.email))'s window"
        do {
            try await writer.changeWindow(role, validFrom: date(change.after?.from), validUntil: date(change.after?.until), notify: notify)
            await done("change_window", step.group, target, "window changes", report)
        } catch .notFound {
            await failed("change_window", step.group, target, what, KisiError.notFound("the role (removed from Kisi since the plan)"), report)
        } catch {
            await failed("change_window", step.group, target, what, error, report)
        }
    }

    /// A window change for a Kisi that ignores the validity fields of a PATCH: revoke the role,
    /// then grant with the new window. The person is without access for those two requests.
    private func reissue(_ change: AccessChange, _ step: Step, instant: Instant, _ report: ReportBuilder) async {
        let target = target(change, step), role = change.roleAssignmentID ?? 0
        let who = EmailAddress.masked(change.email)
        do {
            try await writer.revoke(role)
        } catch .notFound {
            // Gone already: granting below restores the person's access with the new window.
        } catch {
            await failed("change_window", step.group, target, "change \(who)'s window (by revoking and granting again)", error, report)
            return
        }
        var regrant = change
        regrant.action = .grant
        await grant(
            regrant, step, instant: instant, report, kind: "change_window", counted: "window changes",
            detail: "by revoking role \(role) and granting again: Kisi ignores the validity fields of PATCH")
    }

    /// Grants, creating the user first when they have none. When an answer is lost or Kisi
    /// refuses the create, reads back: an existing role with the right window is success, one
    /// with another window is corrected, none means try again.
    @discardableResult
    private func grant(
        _ change: AccessChange, _ step: Step, instant: Instant, _ report: ReportBuilder, kind: String? = nil,
        counted: String = "grants", detail: String? = nil
    ) async -> Int? {
        let wanted = change.after ?? PlanWindow(from: nil, until: nil)
        let action = kind ?? (change.action == .createUserAndGrant ? "create_user_and_grant" : "grant")
        let what =
            kind == nil
            ? "grant \(EmailAddress.masked(change.email))"
            : "grant \(EmailAddress.masked(change.email)) again with the new window (their old role is revoked: no access in this group until the next apply)"
        var target = target(change, step)
        var userID = change.userID
        if userID == nil {
            do {
                userID = try await ensureUser(change, report)
                target.append(("user_id", .int(userID)))
            } catch {
                await failed(action, step.group, target, "create the Kisi user \(EmailAddress.masked(change.email))", error, report)
                return nil
            }
        }
        guard let user = userID else { return nil }
        var lastError: KisiError = .network("POST /role_assignments", "no answer")
        for _ in 1...Self.attempts {
            do {
                let role = try await writer.grant(
                    group: step.groupID, user: user, validFrom: date(wanted.from), validUntil: date(wanted.until),
                    notify: notify)
                await done(action, step.group, target + [("new_role_assignment_id", .int(role.id))], counted, report, detail: detail)
                return user
            } catch  where error.answerLost || error.isRefusedValues {
                lastError = error
                do {
                    guard let role = try await writer.roleAssignments(user: user).first(where: { $0.groupID == step.groupID }) else {
                        if error.isRefusedValues { break }
                        continue
                    }
                    if role.roleID == "group_basic", window(of: role, instant: instant) != wanted {
                        try await writer.changeWindow(role.id, validFrom: date(wanted.from), validUntil: date(wanted.until), notify: notify)
                    }
                    await done(
                        action, step.group, target + [("new_role_assignment_id", .int(role.id))], counted, report,
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
        await failed(action, step.group, target, what, lastError, report)
        return nil
    }

    /// The person's Kisi user: created confirmed and, unless `policy.notify`, with Kisi's e-mails
    /// off; when the create's answer is lost or Kisi refuses it, the user is read back by e-mail.
    private func ensureUser(_ change: AccessChange, _ report: ReportBuilder) async throws(KisiError) -> Int {
        var lastError: KisiError = .network("POST /users", "no answer")
        for _ in 1...Self.attempts {
            do {
                let user = try await writer.createUser(
                    email: change.email, name: change.name ?? EmailAddress.displayName(from: change.email),
                    sendEmails: notify)
                await report.count("users created")
                return user.id
            } catch  where error.answerLost || error.isRefusedValues {
                lastError = error
                if let found = try await writer.user(email: change.email) {
                    if error.answerLost { await report.count("users created") }
                    return found.id
                }
                if error.isRefusedValues { throw error }
            }
        }
        throw lastError
    }

    // MARK: Helpers

    /// A role's window as the plan writes it: whole seconds, a start already past is open.
    private func window(of role: KisiRoleAssignment, instant: Instant) -> PlanWindow {
        PlanWindow(from: bound(role.validFrom, instant: instant, isStart: true), until: bound(role.validUntil, instant: instant, isStart: false))
    }

    private func date(_ instant: Instant?) -> Date? {
        instant.map { $0.date }
    }

    private func bound(_ date: Date?, instant: Instant, isStart: Bool) -> Instant? {
        guard let date else { return nil }
        let value = Instant(date)
        return isStart && value <= instant ? nil : value
    }

    static func describe(_ error: KisiError) -> String {
        error.answerLost ? "a lost answer" : "Kisi refused the create"
    }

    private func done(
        _ action: String, _ group: GroupPlan, _ target: [(String, JSONValue)], _ kind: String, _ report: ReportBuilder,
        detail: String? = nil
    ) async {
        audit?.record(action: action, group: group.address, target: target, outcome: "ok", detail: detail)
        await report.count(kind)
        await progress?.advance(action)
    }

    private func failed(
        _ action: String, _ group: GroupPlan, _ target: [(String, JSONValue)], _ what: String, _ error: any Error,
        _ report: ReportBuilder
    ) async {
        audit?.record(action: action, group: group.address, target: target, outcome: "failed", detail: "\(error)")
        await report.fail(ApplyReport.Failure(group: group.address, what: what, error: "\(error)"))
        await progress?.advance(action)
    }
}

actor ReportBuilder {
    private(set) var report = ApplyReport()

    func count(_ kind: String) { report.completed[kind, default: 0] += 1 }
    func fail(_ failure: ApplyReport.Failure) { report.failures.append(failure) }
    func skip(_ count: Int) { report.skipped += count }
    func observe(_ method: WindowChangeMethod) { report.windowChanges = method }
}
