import AccessModel
import JSONSupport
import PlanModel

/// The plan as a versioned JSON document modelled on Terraform's plan representation, so tools
/// that read Terraform plans (OPA/conftest, checkov) read it too: `format_version`,
/// `planned_values.root_module.resources[]` (the state after apply), and `resource_changes[]`
/// with Terraform's action words, `before`/`after`, plus kisictl's `reasons`.
/// Described by `schema/plan.schema.json`.
public enum PlanJSON {
    public static let formatVersion = "1.0"
    /// Terraform writes `terraform_version` in its plan JSON, and policy tools (checkov's
    /// `terraform_plan` framework) recognise a plan by it: kisictl writes the Terraform version
    /// whose plan representation it follows.
    public static let terraformVersion = "1.9.0"

    public static func render(_ plan: Plan, style: PlanStyle) -> JSONValue {
        let style = style.forPlan(plan)
        let summary = plan.summary
        var members: [(String, JSONValue)] = [
            ("format_version", .string(formatVersion)),
            ("terraform_version", .string(terraformVersion)),
            ("kisictl_plan_version", .string(Plan.formatVersion)),
            ("evaluated_at", .string(plan.instant.rfc3339)),
            ("time_zone", .string(style.zone.identifier)),
            ("organization", .object([("id", .int(plan.organization.id)), ("name", .string(plan.organization.name))])),
            ("planned_values", .object([("root_module", .object([("resources", .array(plannedResources(plan, style)))]))])),
            ("resource_changes", .array(resourceChanges(plan, plan.changes, style))),
        ]
        if let baseline = plan.baseline {
            members.append(("baseline", .string(baseline)))
            members.append(("prevented_changes", .array(resourceChanges(plan, plan.prevented, style, groupNoOps: false))))
        }
        if !plan.targets.isEmpty { members.append(("targets", .array(plan.targets.map { .string(style.address($0)) }))) }
        members += [
            (
                "summary",
                .object([
                    ("changes", .bool(plan.hasChanges)),
                    ("groups_to_create", .int(summary.groupsToCreate)), ("groups_to_update", .int(summary.groupsToUpdate)),
                    ("groups_to_delete", .int(summary.groupsToDelete)),
                    ("doors_to_link", .int(summary.doorsToLink)), ("doors_to_unlink", .int(summary.doorsToUnlink)),
                    ("users_to_create", .int(summary.usersToCreate)), ("grants", .int(summary.grants)),
                    ("window_changes", .int(summary.windowChanges)), ("revocations", .int(summary.revocations)),
                    ("schedules_to_create", .int(summary.schedulesToCreate)), ("schedules_to_update", .int(summary.schedulesToUpdate)),
                    ("schedules_to_delete", .int(summary.schedulesToDelete)),
                ])
            ),
            ("errors", .array(plan.problems.map { .string(ProblemText.sentence($0)) })),
            ("warnings", .array(warnings(plan, style: style))),
            ("guards", .array(plan.guards.map(guardTrip))),
            ("applyable", .bool(plan.problems.isEmpty && !plan.guards.contains { $0.kind.distrustsData })),
            // Terraform's words: a targeted plan is not complete; a plan that was made did not error.
            ("complete", .bool(plan.targets.isEmpty)),
            ("errored", .bool(false)),
            (
                "notify",
                .object([("enabled", .bool(plan.notify)), ("recipients", .array(plan.notified.map { .string(style.email($0)) }))])
            ),
            ("window_changes", .string(plan.windowChanges.rawValue)),
        ]
        return .object(members)
    }

    /// The data's warnings where they were found, then what a reviewer should know about Kisi.
    static func warnings(_ plan: Plan, style: PlanStyle) -> [JSONValue] {
        dataWarnings(plan.warnings) + NoticeText.sentences(plan, style: style).map { .object([("message", .string($0))]) }
    }

    static func dataWarnings(_ warnings: [PlanWarning]) -> [JSONValue] {
        warnings.map { warning in
            var members: [(String, JSONValue)] = []
            if let location = warning.location {
                members += [("file", .string(location.file)), ("line", .int(location.line))]
                if let column = location.column { members.append(("column", .int(column))) }
            }
            members.append(("message", .string(warning.message)))
            return .object(members)
        }
    }

    static func guardTrip(_ trip: GuardTrip) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("guard", .string(trip.kind.rawValue)), ("count", .int(trip.count)), ("allowed", .int(trip.allowed)),
            ("limit", .string(trip.limit.description)), ("base", .int(trip.base)),
        ]
        if let entity = trip.entity { members.append(("entity", .string(entity.rawValue))) }
        members += [
            ("holds_back", .string(trip.kind.distrustsData ? "everything" : "narrowing")),
            ("override", .string(GuardText.override(trip.kind))), ("message", .string(GuardText.sentence(trip))),
        ]
        return .object(members)
    }

    /// A group as after apply, with what this plan does to it: policy tools read only planned
    /// values, and a revoked role has none.
    static func plannedGroupValues(_ view: GroupView, style: PlanStyle) -> JSONValue {
        guard case .object(var members, _) = groupValues(view.group, description: view.description) else { return .null }
        let granted = view.roles.filter { $0.action == .create }.compactMap { $0.role.map { style.email($0.normalizedEmail) } }
        let revoked = view.roles.filter { $0.action == .delete }.compactMap { $0.role.map { style.email($0.normalizedEmail) } }
        let counts: [(String, JSONValue)] = [
            ("grants", .int(granted.count)), ("window_changes", .int(view.roles.filter { $0.action == .update }.count)),
            ("revocations", .int(revoked.count)), ("granted", .array(granted.map(JSONValue.string))),
            ("revoked", .array(revoked.map(JSONValue.string))),
        ]
        return .object(members.map { ($0.key, $0.value) } + counts)
    }

    static func groupValues(_ group: PlannedGroup, name: String? = nil, description: String?) -> JSONValue {
        .object([("name", .string(name ?? group.name)), ("description", .string(description)), ("place", .string(group.place))])
    }

    static func roleValues(_ group: PlannedGroup, _ values: RoleValues, style: PlanStyle) -> JSONValue {
        switch values.holder.kind {
        case .user:
            return .object([
                ("group", .string(group.address)), ("email", .string(style.email(values.email))), ("role", .string(values.role)),
                ("valid_from", .string(values.window.from?.rfc3339)), ("valid_until", .string(values.window.until?.rfc3339)),
            ])
        case .team, .guest, .other, .memberGuest:
            // A role held by a team, a guest or another kind of assignee: kisictl never changes
            // these, apart from its own guests'.
            let type =
                switch values.holder.kind {
                case .team: "Team"
                case .guest, .memberGuest: "Guest"
                default: "Other"
                }
            let name =
                values.holder.kind == .guest || values.holder.kind == .memberGuest
                ? values.holder.name.map(style.name) : values.holder.kind == .team ? values.holder.name : nil
            return .object([
                ("group", .string(group.address)), ("assignee_type", .string(type)), ("name", .string(name)),
                ("email", .string(values.holder.email.map(style.email))), ("role", .string(values.role)),
                ("valid_from", .string(values.window.from?.rfc3339)), ("valid_until", .string(values.window.until?.rfc3339)),
            ])
        }
    }

    static func resource(_ type: ResourceAddress.Kind, _ group: String, index: String?, values: JSONValue) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("address", .string(ResourceAddress(type, group: group, index: index).description)), ("mode", .string("managed")),
            ("type", .string(type.rawValue)), ("name", .string(group)),
        ]
        if let index { members.append(("index", .string(index))) }
        members.append(("values", values))
        return members
    }

    /// Every managed group, its doors where the plan knows them, its schedules where the config
    /// declares them, every role, and the doors' unlock schedules, as after apply.
    static func plannedResources(_ plan: Plan, _ style: PlanStyle) -> [JSONValue] {
        var resources: [JSONValue] = []
        for view in GroupView.of(plan) {
            let group = view.group
            resources.append(.object(resource(.group, group.address, index: nil, values: plannedGroupValues(view, style: style))))
            for door in view.doors where door.action == .create {
                resources.append(
                    .object(
                        resource(
                            .door, group.address, index: door.address.index,
                            values: .object([("group", .string(group.address)), ("door", .string(door.address.index))]))))
            }
            for (label, entry) in (group.schedules ?? []).labelled(in: style.zone) {
                resources.append(
                    .object(resource(.schedule, group.address, index: label, values: scheduleValues(entry, owner: group.address, zone: style.zone))))
            }
            var members: [(String, JSONValue)] = group.unchanged.map { member in
                let holder: HolderValues =
                    switch member.holder {
                    case .user(let email): HolderValues(kind: .user, email: email, name: nil, kisiID: nil)
                    case .team(let id, let name): HolderValues(kind: .team, email: nil, name: name, kisiID: id)
                    case .guest(let guest): HolderValues(kind: .guest, email: guest.email, name: guest.name, kisiID: guest.id)
                    case .other(let id): HolderValues(kind: .other, email: nil, name: nil, kisiID: id)
                    }
                let values = RoleValues(holder: holder, role: member.role, window: member.window, kisiID: nil)
                return (key(values), roleValues(group, values, style: style))
            }
            for change in view.roles where change.action != .delete {
                let role = change.after!.role!
                members.append((key(role), roleValues(group, role, style: style)))
            }
            for (key, values) in members.sorted(by: { $0.0 < $1.0 }) {
                resources.append(.object(resource(.role, group.address, index: masked(key, style), values: values)))
            }
        }
        for door in plan.doors {
            for (label, entry) in door.unlock.labelled(in: style.zone) {
                resources.append(
                    .object(resource(.lockSchedule, door.address, index: label, values: scheduleValues(entry, owner: door.name, zone: style.zone))))
            }
        }
        return resources
    }

    /// A role's key with its e-mail masked as the style asks: `a***@example.com`, `guest:a***@…`.
    static func masked(_ key: String, _ style: PlanStyle) -> String {
        key.hasPrefix("guest:") && key.contains("@") ? "guest:" + style.email(String(key.dropFirst(6))) : style.email(key)
    }

    /// A role's key in planned values: a user's e-mail, `guest:` and the e-mail of a person as a
    /// guest, or `team:ID`, `guest:ID`.
    static func key(_ values: RoleValues) -> String {
        switch values.holder.kind {
        case .user: return values.normalizedEmail
        case .team: return "team:\(values.holder.kisiID ?? 0)"
        case .guest: return "guest:\(values.holder.kisiID ?? 0)"
        case .memberGuest: return "guest:" + values.normalizedEmail
        case .other: return "other:\(values.holder.kisiID ?? 0)"
        }
    }

    static func change(_ actions: [String], before: JSONValue?, after: JSONValue?) -> JSONValue {
        .object([("actions", .array(actions.map(JSONValue.string))), ("before", before ?? .null), ("after", after ?? .null)])
    }

    static func resourceChanges(_ plan: Plan, _ changes: [ResourceChange], _ style: PlanStyle, groupNoOps: Bool = true) -> [JSONValue] {
        var out: [JSONValue] = []
        func add(
            _ type: ResourceAddress.Kind, _ group: String, _ index: String?, _ change: JSONValue, reasons: [String], cause: String? = nil,
            origin: ResourceChange.Origin? = nil
        ) {
            var members: [(String, JSONValue)] = [
                ("address", .string(ResourceAddress(type, group: group, index: index).description)), ("mode", .string("managed")),
                ("type", .string(type.rawValue)), ("name", .string(group)),
            ]
            if let index { members.append(("index", .string(index))) }
            members += [("change", change), ("reasons", .array(reasons.map(JSONValue.string)))]
            if let cause { members.append(("cause", .string(cause))) }
            if let origin { members.append(("origin", .string(origin.rawValue))) }
            out.append(.object(members))
        }
        for view in GroupView.of(plan, changes: changes) {
            let group = view.group
            if let create = view.create {
                add(
                    .group, group.address, nil, change(["create"], before: nil, after: groupValues(group, description: group.description)),
                    reasons: ["declared in the config and not in Kisi"], origin: create.origin)
            } else if let update = view.update, let before = update.before?.group, let after = update.after?.group {
                var reasons: [String] = []
                if before.name != after.name { reasons.append("renamed in the config, from \"\(before.name)\"") }
                if before.description != after.description { reasons.append("the description differs from the config") }
                if after.timeRestriction != nil { reasons += update.reasons.map { ReasonText.sentence($0, at: plan.instant, zone: style.zone) } }
                add(
                    .group, group.address, nil,
                    change(
                        ["update"], before: groupValues(group, name: before.name, description: before.description),
                        after: groupValues(group, name: after.name, description: after.description)),
                    reasons: reasons, origin: update.origin)
            } else if let delete = view.delete, let copy = delete.before?.group {
                add(
                    .group, group.address, nil,
                    change(["delete"], before: groupValues(group, name: copy.name, description: copy.description), after: nil),
                    reasons: delete.reasons.map { ReasonText.sentence($0, at: plan.instant, zone: style.zone) },
                    cause: delete.cause.map(ReasonText.cause), origin: delete.origin)
            } else if groupNoOps {
                let values = groupValues(group, description: group.description)
                add(.group, group.address, nil, change(["no-op"], before: values, after: values), reasons: [])
            }
            for door in view.doors {
                let values = JSONValue.object([("group", .string(group.address)), ("door", .string(door.address.index))])
                add(
                    .door, group.address, door.address.index,
                    door.action == .create ? change(["create"], before: nil, after: values) : change(["delete"], before: values, after: nil),
                    reasons: [door.action == .create ? "listed in the group's doors" : "not among the group's doors"], origin: door.origin)
            }
            for schedule in view.schedules { addSchedule(schedule, owner: group.address) }
            for user in view.users {
                let values = user.after!.user!
                add(
                    .user, group.address, style.email(user.address.index ?? ""),
                    change(
                        ["create"], before: nil,
                        after: .object([("email", .string(style.email(values.email))), ("name", .string(values.name.map(style.name)))])),
                    reasons: ["no Kisi user has this e-mail address"], origin: user.origin)
            }
            for role in view.roles {
                let values = (role.after ?? role.before)!.role!
                let actions: [String] =
                    switch role.action {
                    case .create: ["create"]
                    case .update: ["update"]
                    case .delete: ["delete"]
                    }
                let before = role.action == .create ? nil : role.before?.role.map { roleValues(group, $0, style: style) }
                let after = role.action == .delete ? nil : role.after?.role.map { roleValues(group, $0, style: style) }
                add(
                    .role, group.address, masked(key(values), style), change(actions, before: before, after: after),
                    reasons: role.reasons.map { ReasonText.sentence($0, at: plan.instant, zone: style.zone, revoking: role.action == .delete) },
                    cause: role.cause.map(ReasonText.cause), origin: role.origin)
            }
        }
        for view in DoorView.of(plan, changes: changes) {
            for schedule in view.changes { addSchedule(schedule, owner: view.door.name) }
        }
        func addSchedule(_ schedule: ResourceChange, owner: String) {
            let before = schedule.action == .create ? nil : schedule.before?.schedule.map { scheduleValues($0.entry, owner: owner, zone: style.zone) }
            let after = schedule.action == .delete ? nil : schedule.after?.schedule.map { scheduleValues($0.entry, owner: owner, zone: style.zone) }
            add(
                schedule.address.kind, schedule.address.group, schedule.address.index,
                change([schedule.action.rawValue], before: before, after: after),
                reasons: schedule.reasons.map { ReasonText.sentence($0, at: plan.instant, zone: style.zone) }, origin: schedule.origin)
        }
        return out
    }

    /// A schedule's values: Kisi's type and fields, and the schedule in words.
    static func scheduleValues(_ entry: ScheduleEntry, owner: String, zone: SiteTimeZone) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("scheduleable", .string(owner)), ("type", .string(entry.kisiType)), ("consequence", .string(entry.consequence.rawValue)),
            ("override", .bool(entry.override)), ("enabled", .bool(entry.enabled)), ("description", .string(entry.description(in: zone))),
        ]
        switch entry.kind {
        case .weekly(let days, let hours): members += [("days", .string(days.description)), ("hours", .string(hours.description))]
        case .holidays(let calendar):
            members += [
                ("region", .string(calendar.region)), ("observed", .bool(calendar.observed)),
                ("ignored_holidays", .array(calendar.ignored.map(JSONValue.string))),
            ]
        case .days(let first, let last): members += [("starts_on", .string(first.isoString)), ("ends_on", .string(last.isoString))]
        case .span(let start, let end): members += [("starts_at", .string(start.rfc3339)), ("ends_at", .string(end.rfc3339))]
        }
        return .object(members)
    }
}
