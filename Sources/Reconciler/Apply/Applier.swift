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
/// losing the old. Every write is idempotent under faults: when an answer is lost, or Kisi says
/// the thing already exists, the applier reads back before writing again, so it never creates
/// a duplicate user, role or door link.
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

        // Grants and window changes, person by person (so a new user is created once, by their
        // first grant, and their other groups' grants use the new user); then revocations.
        var chains: [String: [(GroupPlan, Int, AccessChange)]] = [:]
        for group in plan.groups {
            guard let groupID = groupIDs[group.address] else { continue }
            for change in group.access where change.action != .revoke {
                chains[change.normalizedEmail, default: []].append((group, groupID, change))
            }
        }
        await withTaskGroup(of: Void.self) { tasks in
            for chain in chains.values {
                tasks.addTask {
                    var userID: Int?
                    for (group, groupID, change) in chain {
                        var change = change
                        if change.action == .createUserAndGrant, let userID {
                            change.action = .grant
                            change.userID = userID
                        }
                        userID = await self.apply(change, in: group, groupID: groupID, instant: plan.instant, report) ?? userID
                    }
                }
            }
        }
        await withTaskGroup(of: Void.self) { tasks in
            for group in plan.groups {
                guard let groupID = groupIDs[group.address] else { continue }
                for change in group.access where change.action == .revoke {
                    tasks.addTask { _ = await self.apply(change, in: group, groupID: groupID, instant: plan.instant, report) }
                }
            }
        }
        await progress?.finish()
        return await report.report
    }

    // MARK: Groups and doors

    private func createGroup(_ group: GroupPlan, _ report: ReportBuilder) async -> Int? {
        let target: [(String, JSONValue)] = [("name", .string(group.name)), ("place_id", .int(group.placeID))]
        for _ in 1...Self.attempts {
            do {
                let created = try await writer.createGroup(name: group.name, description: group.description, placeID: group.placeID)
                await done("create_group", group, target + [("kisi_group_id", .int(created.id))], "groups created", report)
                return created.id
            } catch where error.answerLost {
                // The group may exist now: look before creating a second one.
                if let found = try? await writer.findGroup(name: group.name, placeID: group.placeID) {
                    await done("create_group", group, target + [("kisi_group_id", .int(found.id))], "groups created", report,
                               detail: "found after a lost answer")
                    return found.id
                }
            } catch {
                await failed("create_group", group, target, "create the group \"\(group.name)\"", error, report)
                return nil
            }
        }
        await failed("create_group", group, target, "create the group \"\(group.name)\"", KisiError.network("POST /groups", "no answer"), report)
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
            do {
                try await writer.unlinkLock(door.groupLockID ?? 0)
                await done("unlink_door", group, target, "doors unlinked", report)
            } catch .notFound {
                await done("unlink_door", group, target, "doors unlinked", report, detail: "already unlinked")
            } catch {
                await failed("unlink_door", group, target, "unlink \(door.door)", error, report)
            }
        case .link:
            for _ in 1...Self.attempts {
                do {
                    _ = try await writer.linkLock(group: groupID, lock: door.lockID)
                    await done("link_door", group, target, "doors linked", report)
                    return
                } catch where error.answerLost || error.isAlreadyTaken {
                    if let links = try? await writer.groupLocks(group: groupID), links.contains(where: { $0.lockID == door.lockID }) {
                        await done("link_door", group, target, "doors linked", report, detail: "found linked after a lost answer")
                        return
                    }
                } catch {
                    await failed("link_door", group, target, "link \(door.door)", error, report)
                    return
                }
            }
            await failed("link_door", group, target, "link \(door.door)", KisiError.network("POST /group_locks", "no answer"), report)
        }
    }

    // MARK: Access

    /// Applies one access change; for a grant, returns the user it went to.
    @discardableResult
    private func apply(_ change: AccessChange, in group: GroupPlan, groupID: Int, instant: Instant, _ report: ReportBuilder) async -> Int? {
        var target: [(String, JSONValue)] = [("kisi_group_id", .int(groupID)), ("person", .string(EmailAddress.masked(change.email)))]
        if let user = change.userID { target.append(("user_id", .int(user))) }
        let who = EmailAddress.masked(change.email)
        switch change.action {
        case .revoke:
            target.append(("role_assignment_id", .int(change.roleAssignmentID)))
            do {
                try await writer.revoke(change.roleAssignmentID ?? 0)
                await done("revoke", group, target, "revocations", report)
            } catch .notFound {
                await done("revoke", group, target, "revocations", report, detail: "already revoked")
            } catch {
                await failed("revoke", group, target, "revoke \(who)", error, report)
            }
        case .change:
            target.append(("role_assignment_id", .int(change.roleAssignmentID)))
            do {
                try await writer.changeWindow(change.roleAssignmentID ?? 0, validFrom: date(change.after?.from), validUntil: date(change.after?.until))
                await done("change_window", group, target, "window changes", report)
            } catch .notFound {
                await failed("change_window", group, target, "change \(who)'s window", KisiError.notFound("the role (removed from Kisi since the plan)"), report)
            } catch {
                await failed("change_window", group, target, "change \(who)'s window", error, report)
            }
        case .grant, .createUserAndGrant:
            return await grant(change, in: group, groupID: groupID, instant: instant, target: target, report)
        }
        return nil
    }

    /// Grants, creating the user in the same call when they have none. When the answer is lost
    /// or Kisi says the role exists, reads the user's roles back: an existing role with the right
    /// window is success, one with another window is corrected, none means try again.
    private func grant(_ change: AccessChange, in group: GroupPlan, groupID: Int, instant: Instant, target: [(String, JSONValue)],
                       _ report: ReportBuilder) async -> Int? {
        let wanted = change.after ?? PlanWindow(from: nil, until: nil)
        let kind = change.action == .createUserAndGrant ? "create_user_and_grant" : "grant"
        var userID = change.userID
        var lastError: any Error = KisiError.network("granting", "no answer")
        for _ in 1...Self.attempts {
            do {
                if let user = userID {
                    _ = try await writer.grant(group: groupID, user: user, validFrom: date(wanted.from), validUntil: date(wanted.until), notify: notify)
                } else {
                    let invite = try await writer.invite(group: groupID, email: change.email, name: change.name ?? EmailAddress.displayName(from: change.email),
                                                         validFrom: date(wanted.from), validUntil: date(wanted.until), notify: notify)
                    userID = invite.inviteeID
                    await count("users created", report)
                }
                await done(kind, group, target + [("user_id", .int(userID))], "grants", report)
                return userID
            } catch where error.answerLost || error.isAlreadyTaken {
                lastError = error
                do {
                    if userID == nil { userID = try await writer.user(email: change.email)?.id }
                    guard let user = userID else { continue }
                    guard let role = try await writer.roleAssignments(user: user).first(where: { $0.groupID == groupID }) else { continue }
                    let holds = PlanWindow(from: bound(role.validFrom, instant: instant, isStart: true),
                                           until: bound(role.validUntil, instant: instant, isStart: false))
                    if role.roleID == "group_basic", holds != wanted {
                        try await writer.changeWindow(role.id, validFrom: date(wanted.from), validUntil: date(wanted.until))
                    }
                    await done(kind, group, target + [("user_id", .int(user)), ("role_assignment_id", .int(role.id))], "grants", report,
                               detail: "found in place after \(error.answerLost ? "a lost answer" : "Kisi said it exists")")
                    return user
                } catch {
                    lastError = error
                }
            } catch {
                await failed(kind, group, target, "grant \(EmailAddress.masked(change.email))", error, report)
                return userID
            }
        }
        await failed(kind, group, target, "grant \(EmailAddress.masked(change.email))", lastError, report)
        return userID
    }

    // MARK: Helpers

    private func date(_ instant: Instant?) -> Date? {
        instant.map { Date(timeIntervalSince1970: TimeInterval($0.secondsSinceEpoch)) }
    }

    private func bound(_ date: Date?, instant: Instant, isStart: Bool) -> Instant? {
        guard let date else { return nil }
        let value = Instant(secondsSinceEpoch: Int64(date.timeIntervalSince1970.rounded(.down)))
        return isStart && value <= instant ? nil : value
    }

    private func count(_ kind: String, _ report: ReportBuilder) async {
        await report.count(kind)
    }

    private func done(_ action: String, _ group: GroupPlan, _ target: [(String, JSONValue)], _ kind: String, _ report: ReportBuilder,
                      detail: String? = nil) async {
        audit?.record(action: action, group: group.address, target: target, outcome: "ok", detail: detail)
        await report.count(kind)
        await progress?.advance(action)
    }

    private func failed(_ action: String, _ group: GroupPlan, _ target: [(String, JSONValue)], _ what: String, _ error: any Error,
                        _ report: ReportBuilder) async {
        audit?.record(action: action, group: group.address, target: target, outcome: "failed", detail: "\(error)")
        await report.fail(ApplyReport.Failure(group: group.address, what: what, error: "\(error)"))
        await progress?.advance(action)
    }
}

extension Error {
    /// The request may have been applied but its answer never came.
    var answerLost: Bool {
        guard let error = self as? KisiError else { return false }
        switch error {
        case .outcomeUnknown, .network: return true
        default: return false
        }
    }

    var isAlreadyTaken: Bool { (self as? KisiError)?.isAlreadyTaken ?? false }
}

actor ReportBuilder {
    private(set) var report = ApplyReport()

    func count(_ kind: String) { report.completed[kind, default: 0] += 1 }
    func fail(_ failure: ApplyReport.Failure) { report.failures.append(failure) }
    func skip(_ count: Int) { report.skipped += count }
}
