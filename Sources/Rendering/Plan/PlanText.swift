import AccessModel
import PlanModel

/// The plan for a terminal or a CI log: Terraform-like `+ ~ -` lines grouped by group, each with
/// its reasons, then the `Plan:` line.
public enum PlanText {
    public static func render(_ plan: Plan, style: PlanStyle) -> String {
        let style = style.forPlan(plan)
        var out = header(plan, style: style) + "\n"
        let notes = NoticeText.sentences(plan, style: style)
        if !notes.isEmpty { out += "\n" + notes.map { paint("Warning: ", .yellow, style) + $0 + "\n" }.joined() }
        out += facts(plan, style: style)
        let views = GroupView.of(plan)
        if plan.baseline != nil {
            out += comparedWithBaseline(plan, style: style)
        } else {
            for view in views where view.hasChanges {
                out += groupBlock(view, plan: plan, style: style)
            }
            for door in DoorView.of(plan) { out += doorBlock(door, plan: plan, style: style) }
        }
        let unchanged = views.filter { !$0.hasChanges }.map(\.group.address)
        if !unchanged.isEmpty {
            out += "\n" + paint("Unchanged: " + unchanged.joined(separator: ", "), .dim, style) + "\n"
        }
        out += "\n" + paint(plan.summary.line, .bold, style) + "\n"
        return out
    }

    /// The guards the plan trips, the data warnings (the first few) and who Kisi will e-mail.
    static func facts(_ plan: Plan, style: PlanStyle) -> String {
        var out = ""
        if !plan.problems.isEmpty {
            out += "\n" + paint("This plan cannot be applied:", .red, style) + "\n"
            out += plan.problems.map { "  " + ProblemText.sentence($0) + "\n" }.joined()
        }
        if !plan.guards.isEmpty {
            out += "\n" + plan.guards.map { paint("Guard: ", .red, style) + GuardText.sentence($0) + "\n" }.joined()
            out += paint(GuardText.consequence(plan.guards) ?? "", .red, style) + "\n"
        }
        if !plan.warnings.isEmpty {
            out += "\n" + paint("Data warnings (\(plan.warnings.count)):", .yellow, style) + "\n"
            out += plan.warnings.prefix(DataText.shownWarnings).map { "  " + DataText.line($0) + "\n" }.joined()
            if plan.warnings.count > DataText.shownWarnings {
                out += "  … and \(plan.warnings.count - DataText.shownWarnings) more: `kisictl validate` lists them all.\n"
            }
        }
        if let notified = DataText.notified(plan, style: style) { out += "\n" + notified + "\n" }
        return out
    }

    /// The changes this config causes, those it prevents, and those pending anyway, each part
    /// group by group.
    static func comparedWithBaseline(_ plan: Plan, style: PlanStyle) -> String {
        var out = ""
        for part in BaselinePart.allCases {
            let changes = part.changes(of: plan)
            if part != .change, changes.isEmpty { continue }
            out += "\n" + paint("\(part.title(plan)): \(PlanSummary(changes).counts)", .bold, style) + "\n"
            for view in GroupView.of(plan, changes: changes) where view.hasChanges {
                out += groupBlock(view, plan: plan, style: style, kept: part != .prevented)
            }
            for door in DoorView.of(plan, changes: changes) { out += doorBlock(door, plan: plan, style: style) }
        }
        return out
    }

    /// One changed group: its heading, its change lines and who is left alone.
    static func groupBlock(_ view: GroupView, plan: Plan, style: PlanStyle, kept showKept: Bool = true) -> String {
        var out = "\n" + paint("# \(view.group.address): \"\(view.group.name)\"", .bold, style)
        out += view.create != nil ? " (new group)" : view.group.kisiID.map { " (Kisi group \($0))" } ?? ""
        out += "\n"
        out += lines(view, plan: plan, style: style).map { "  " + $0.text(style) + "\n" }.joined()
        let kept = keptNote(view.group, style: style)
        if showKept, !kept.isEmpty { out += "  " + paint("= " + kept, .dim, style) + "\n" }
        return out
    }

    /// A door whose unlock schedules change.
    static func doorBlock(_ view: DoorView, plan: Plan, style: PlanStyle) -> String {
        var out = "\n" + paint("# door \(view.door.address): \"\(view.door.name)\"", .bold, style) + " (Kisi lock \(view.door.lockID))\n"
        out += view.changes.map { "  " + scheduleLine($0, plan: plan, style: style).text(style) + "\n" }.joined()
        return out
    }

    /// A schedule's change: `+ unlock mon-fri 07:00-09:00`, `~ hours mon-fri: 09:00-16:00 → 10:00-16:00`.
    static func scheduleLine(_ change: ResourceChange, plan: Plan, style: PlanStyle) -> Line {
        let noun = change.address.kind == .lockSchedule ? "unlock" : "schedule"
        let reasons = change.reasons.map { ReasonText.sentence($0, at: plan.instant, zone: style.zone) }
        switch change.action {
        case .create:
            return Line(kind: .add, summary: "\(noun) \(change.after!.schedule!.entry.description(in: style.zone))", reasons: reasons)
        case .update:
            let before = change.before!.schedule!.entry, after = change.after!.schedule!.entry
            var was = before.description(in: style.zone)
            if !before.enabled { was += " (disabled)" }
            return Line(kind: .change, summary: "\(noun) \(was) → \(after.description(in: style.zone))", reasons: reasons)
        case .delete:
            var text = change.before!.schedule!.entry.description(in: style.zone)
            if !change.before!.schedule!.entry.enabled { text += " (disabled)" }
            return Line(kind: .remove, summary: "\(noun) \(text)", reasons: reasons)
        }
    }

    public static func header(_ plan: Plan, style: PlanStyle) -> String {
        let local = style.zone.localDateTime(for: plan.instant).displayString
        var text = "kisictl plan\(plan.mode == .destroy ? " --destroy" : "") for \(plan.organization.name)"
        if let target = style.target { text += " (\(target))" }
        text += ", evaluated at \(plan.instant.rfc3339) (\(local) \(style.zone.identifier))"
        if plan.mode == .destroy {
            text += "\nDestroy: every grant kisictl manages is revoked; managers, exempt people, unmanaged groups and door links stay."
        }
        if let baseline = plan.baseline { text += "\nCompared with \(baseline): the same member data, instant and Kisi, planned with that config." }
        if !plan.targets.isEmpty {
            text +=
                "\nTargeted: only " + plan.targets.map { style.address($0) }.joined(separator: ", ")
                + " (--target): the rest of Kisi was not read, and is not changed."
        }
        return text
    }

    /// One change and its reasons.
    struct Line {
        enum Kind { case add, change, remove }

        var kind: Kind
        var summary: String
        var reasons: [String]

        func text(_ style: PlanStyle) -> String {
            let (symbol, color): (String, Color) =
                switch kind {
                case .add: ("+", .green)
                case .change: ("~", .yellow)
                case .remove: ("-", .red)
                }
            var text = paint("\(symbol) \(summary)", color, style)
            for reason in reasons { text += "\n      " + reason }
            return text
        }
    }

    static func lines(_ view: GroupView, plan: Plan, style: PlanStyle) -> [Line] {
        var lines: [Line] = []
        if view.create != nil {
            let scope = view.group.place.map { "in \($0)" } ?? "for the whole organization"
            lines.append(
                Line(
                    kind: .add, summary: "create group \"\(view.group.name)\" \(scope)",
                    reasons: view.group.description.map { ["description: \($0)"] } ?? []))
        }
        if let update = view.update, let before = update.before?.group, let after = update.after?.group {
            if before.name != after.name {
                lines.append(Line(kind: .change, summary: "rename group \"\(before.name)\" → \"\(after.name)\"", reasons: ["renamed in the config"]))
            }
            if before.description != after.description {
                lines.append(
                    Line(kind: .change, summary: "description \"\(before.description ?? "")\" → \"\(after.description ?? "")\"", reasons: []))
            }
            if let restricted = after.timeRestriction, restricted != (before.timeRestriction ?? false) {
                lines.append(
                    Line(
                        kind: .change, summary: "time restriction \(restricted ? "off → on" : "on → off")",
                        reasons: update.reasons.map { ReasonText.sentence($0, at: plan.instant, zone: style.zone) }))
            }
        }
        if let delete = view.delete, let copy = delete.before?.group {
            lines.append(
                Line(
                    kind: .remove, summary: "delete duplicate group \"\(copy.name)\" (Kisi group \(copy.kisiID ?? 0))",
                    reasons: delete.reasons.map { ReasonText.sentence($0, at: plan.instant, zone: style.zone) }))
        }
        for door in view.doors {
            lines.append(
                door.action == .create
                    ? Line(kind: .add, summary: "link door \(door.address.index ?? "")", reasons: [])
                    : Line(kind: .remove, summary: "unlink door \(door.address.index ?? "")", reasons: ["not among the config's doors"]))
        }
        for change in view.schedules { lines.append(scheduleLine(change, plan: plan, style: style)) }
        for change in view.roles { lines.append(line(change, plan: plan, style: style)) }
        return lines
    }

    static func line(_ change: ResourceChange, plan: Plan, style: PlanStyle) -> Line {
        let reissue = plan.windowChanges == .reissue
        let zone = style.zone
        let guest = change.isGuests ? "guest " : ""
        func words(revoking: Bool) -> [String] {
            change.reasons.map { ReasonText.sentence($0, at: plan.instant, zone: zone, revoking: revoking) }
        }
        switch change.action {
        case .create:
            let role = change.after!.role!
            let who = guest + style.email(role.email) + (role.role == "group_basic" ? "" : " as \(role.role)")
            if change.isGuests, role.holder.kisiID == nil {
                return Line(kind: .add, summary: "create \(who) and grant, \(style.window(role.window))", reasons: words(revoking: false))
            }
            return change.createsUser
                ? Line(kind: .add, summary: "create user \(who) and grant, \(style.window(role.window))", reasons: words(revoking: false))
                : Line(kind: .add, summary: "grant \(who), \(style.window(role.window))", reasons: words(revoking: false))
        case .update:
            let before = change.before!.role!, after = change.after!.role!
            let how = reissue ? " (by revoking and granting again)" : ""
            return Line(
                kind: .change,
                summary: "window of \(guest)\(style.email(before.email)): \(style.window(before.window)) → \(style.window(after.window))\(how)",
                reasons: words(revoking: false))
        case .delete:
            let who = guest + style.email(change.before!.role!.email)
            let merging = change.cause == .mergedDuplicate
            return Line(kind: .remove, summary: merging ? "remove \(who) from the duplicate" : "revoke \(who)", reasons: words(revoking: !merging))
        }
    }

    static func keptNote(_ group: PlannedGroup, style: PlanStyle) -> String {
        guard !group.kept.isEmpty else { return "" }
        return "left alone: "
            + group.kept.map { kept in
                switch kept.why {
                case .exempt: "\(style.email(kept.email)) (exempt)"
                case .manager: "\(style.email(kept.email)) (group manager)"
                case .unexplained: "\(style.email(kept.email)) (unexplained, kept by policy)"
                case .team: "team \"\(kept.name ?? "")\" (a team's role)"
                case .guest: "guest \"\(style.name(kept.name ?? ""))\" (a guest's role)"
                case .otherAssignee: "\(kept.name ?? "an assignee") (not a user)"
                }
            }.joined(separator: ", ")
    }

    enum Color: String {
        case green = "32"
        case yellow = "33"
        case red = "31"
        case bold = "1"
        case dim = "2"
    }

    static func paint(_ text: String, _ color: Color, _ style: PlanStyle) -> String {
        style.color ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }
}

/// The parts of a plan compared with a baseline.
enum BaselinePart: CaseIterable {
    case change, prevented, pending

    func changes(of plan: Plan) -> [ResourceChange] {
        switch self {
        case .change: plan.changes.filter { $0.origin == .change }
        case .prevented: plan.prevented
        case .pending: plan.changes.filter { $0.origin == .pending }
        }
    }

    func title(_ plan: Plan) -> String {
        switch self {
        case .change: "This change"
        case .prevented: "Prevented by this change"
        case .pending: "Pending regardless (\(plan.baseline ?? "the baseline") would make these too)"
        }
    }
}

extension PlanSummary {
    /// `1 group to create, 12 grants`, or `no changes`.
    public var counts: String {
        let line = self.line
        guard line.hasPrefix("Plan: ") else { return "no changes" }
        return String(line.dropFirst("Plan: ".count).dropLast())
    }

    /// `Plan: 1 group to create, 2 doors to link, 3 users to create, 12 grants, 2 window changes, 4 revocations.`
    public var line: String {
        func count(_ n: Int, _ singular: String, _ plural: String) -> String? { n == 0 ? nil : "\(n) \(n == 1 ? singular : plural)" }
        let parts = [
            count(groupsToCreate, "group to create", "groups to create"), count(groupsToUpdate, "group to update", "groups to update"),
            count(groupsToDelete, "duplicate group to delete", "duplicate groups to delete"),
            count(doorsToLink, "door to link", "doors to link"), count(doorsToUnlink, "door to unlink", "doors to unlink"),
            count(schedulesToCreate, "schedule to create", "schedules to create"),
            count(schedulesToUpdate, "schedule to change", "schedules to change"),
            count(schedulesToDelete, "schedule to delete", "schedules to delete"),
            count(usersToCreate, "user to create", "users to create"), count(grants, "grant", "grants"),
            count(windowChanges, "window change", "window changes"), count(revocations, "revocation", "revocations"),
        ].compactMap { $0 }
        return parts.isEmpty ? "No changes. Kisi matches the configuration." : "Plan: " + parts.joined(separator: ", ") + "."
    }
}
