import AccessModel
import JSONSupport

/// The plan as a versioned JSON document modelled on Terraform's plan representation, so tools
/// that read Terraform plans (OPA/conftest, checkov) read it too: `format_version`,
/// `planned_values.root_module.resources[]` (the state after apply), and `resource_changes[]`
/// with Terraform's action words, `before`/`after`, plus kisictl's `reasons`.
/// Described by `schema/plan.schema.json`.
public enum PlanJSON {
    public static let formatVersion = "1.0"

    public static func render(_ plan: Plan, style: PlanStyle, problems: [String] = []) -> JSONValue {
        let summary = plan.summary
        return .object([
            ("format_version", .string(formatVersion)),
            ("kisictl_plan_version", .string(Plan.formatVersion)),
            ("evaluated_at", .string(plan.instant.rfc3339)),
            ("time_zone", .string(style.zone.identifier)),
            ("organization", .object([("id", .int(plan.organization.id)), ("name", .string(plan.organization.name))])),
            ("planned_values", .object([("root_module", .object([("resources", .array(plannedResources(plan, style)))]))])),
            ("resource_changes", .array(resourceChanges(plan, style))),
            (
                "summary",
                .object([
                    ("changes", .bool(plan.hasChanges)),
                    ("groups_to_create", .int(summary.groupsToCreate)), ("groups_to_update", .int(summary.groupsToUpdate)),
                    ("doors_to_link", .int(summary.doorsToLink)), ("doors_to_unlink", .int(summary.doorsToUnlink)),
                    ("users_to_create", .int(summary.usersToCreate)), ("grants", .int(summary.grants)),
                    ("window_changes", .int(summary.windowChanges)), ("revocations", .int(summary.revocations)),
                ])
            ),
            ("errors", .array(problems.map(JSONValue.string))),
            ("warnings", .array(PlanText.notices(plan, style: style).map { .object([("message", .string($0))]) })),
            ("window_changes", .string(plan.windowChanges.rawValue)),
        ])
    }

    static func groupValues(_ group: GroupPlan, description: String?) -> JSONValue {
        .object([("name", .string(group.name)), ("description", .string(description)), ("place", .string(group.place))])
    }

    static func windowValues(_ group: GroupPlan, email: String, role: String, window: PlanWindow?, style: PlanStyle) -> JSONValue {
        .object([
            ("group", .string(group.address)), ("email", .string(style.email(email))), ("role", .string(role)),
            ("valid_from", .string(window?.from?.rfc3339)), ("valid_until", .string(window?.until?.rfc3339)),
        ])
    }

    /// A role held by a team, a guest or another kind of assignee: kisictl never changes these.
    static func holderValues(
        _ group: GroupPlan, type: String, name: String?, email: String?, role: String, window: PlanWindow,
        style: PlanStyle
    ) -> JSONValue {
        .object([
            ("group", .string(group.address)), ("assignee_type", .string(type)), ("name", .string(name)),
            ("email", .string(email.map(style.email))), ("role", .string(role)),
            ("valid_from", .string(window.from?.rfc3339)), ("valid_until", .string(window.until?.rfc3339)),
        ])
    }

    static func resource(_ type: String, _ group: String, index: String?, values: JSONValue) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("address", .string(address(type, group, index))), ("mode", .string("managed")),
            ("type", .string(type)), ("name", .string(group)),
        ]
        if let index { members.append(("index", .string(index))) }
        members.append(("values", values))
        return .object(members)
    }

    static func address(_ type: String, _ group: String, _ index: String?) -> String {
        "\(type).\(group)" + (index.map { "[\"\($0)\"]" } ?? "")
    }

    /// Every managed group, its doors where the plan knows them, and every role, as after apply.
    static func plannedResources(_ plan: Plan, _ style: PlanStyle) -> [JSONValue] {
        var resources: [JSONValue] = []
        for group in plan.groups {
            resources.append(
                resource(
                    "kisi_group", group.address, index: nil,
                    values: groupValues(group, description: group.update?.description?.after ?? group.description)))
            for door in group.doors where door.action == .link {
                resources.append(
                    resource(
                        "kisi_group_lock", group.address, index: door.door,
                        values: .object([("group", .string(group.address)), ("door", .string(door.door))])))
            }
            var members: [(String, JSONValue)] = group.unchanged.map { member in
                switch member.holder {
                case .user(let email):
                    (EmailAddress.normalized(email), windowValues(group, email: email, role: member.role, window: member.window, style: style))
                case .team(let id, let name):
                    ("team:\(id)", holderValues(group, type: "Team", name: name, email: nil, role: member.role, window: member.window, style: style))
                case .guest(let id, let name, let email):
                    (
                        "guest:\(id)",
                        holderValues(
                            group, type: "Guest", name: style.name(name), email: email, role: member.role, window: member.window,
                            style: style)
                    )
                case .other(let kind, let id):
                    (
                        "\(kind.lowercased()):\(id.map(String.init) ?? "?")",
                        holderValues(group, type: kind, name: nil, email: nil, role: member.role, window: member.window, style: style)
                    )
                }
            }
            for change in group.access where change.action != .revoke {
                members.append(
                    (change.normalizedEmail, windowValues(group, email: change.email, role: "group_basic", window: change.after, style: style)))
            }
            for (key, values) in members.sorted(by: { $0.0 < $1.0 }) {
                resources.append(resource("kisi_role_assignment", group.address, index: style.email(key), values: values))
            }
        }
        return resources
    }

    static func change(_ actions: [String], before: JSONValue?, after: JSONValue?) -> JSONValue {
        .object([("actions", .array(actions.map(JSONValue.string))), ("before", before ?? .null), ("after", after ?? .null)])
    }

    static func resourceChanges(_ plan: Plan, _ style: PlanStyle) -> [JSONValue] {
        var changes: [JSONValue] = []
        func add(_ type: String, _ group: String, _ index: String?, _ change: JSONValue, reasons: [String], cause: String? = nil) {
            var members: [(String, JSONValue)] = [
                ("address", .string(address(type, group, index))), ("mode", .string("managed")),
                ("type", .string(type)), ("name", .string(group)),
            ]
            if let index { members.append(("index", .string(index))) }
            members += [("change", change), ("reasons", .array(reasons.map(JSONValue.string)))]
            if let cause { members.append(("cause", .string(cause))) }
            changes.append(.object(members))
        }
        for group in plan.groups {
            if group.create {
                add(
                    "kisi_group", group.address, nil, change(["create"], before: nil, after: groupValues(group, description: group.description)),
                    reasons: ["declared in the config and not in Kisi"])
            } else if let update = group.update {
                add(
                    "kisi_group", group.address, nil,
                    change(
                        ["update"], before: groupValues(group, description: update.description?.before),
                        after: groupValues(group, description: update.description?.after)),
                    reasons: ["the description differs from the config"])
            } else {
                let values = groupValues(group, description: group.description)
                add("kisi_group", group.address, nil, change(["no-op"], before: values, after: values), reasons: [])
            }
            for door in group.doors {
                let values = JSONValue.object([("group", .string(group.address)), ("door", .string(door.door))])
                add(
                    "kisi_group_lock", group.address, door.door,
                    door.action == .link ? change(["create"], before: nil, after: values) : change(["delete"], before: values, after: nil),
                    reasons: [door.action == .link ? "listed in the group's doors" : "not among the group's doors"])
            }
            let users = Set(group.access.filter { $0.action == .createUserAndGrant }.map(\.normalizedEmail))
            for email in users.sorted() {
                let person = group.access.first { $0.normalizedEmail == email }!
                add(
                    "kisi_user", group.address, style.email(email),
                    change(["create"], before: nil, after: .object([("email", .string(style.email(person.email))), ("name", .string(person.name))])),
                    reasons: ["no Kisi user has this e-mail address"])
            }
            for access in group.access {
                let index = style.email(access.normalizedEmail)
                let before = access.before.map { windowValues(group, email: access.email, role: "group_basic", window: $0, style: style) }
                let after = access.after.map { windowValues(group, email: access.email, role: "group_basic", window: $0, style: style) }
                let actions: [String] =
                    switch access.action {
                    case .grant, .createUserAndGrant: ["create"]
                    case .change: ["update"]
                    case .revoke: ["delete"]
                    }
                add(
                    "kisi_role_assignment", group.address, index,
                    change(
                        actions, before: access.action == .grant || access.action == .createUserAndGrant ? nil : before,
                        after: access.action == .revoke ? nil : after),
                    reasons: access.reasons, cause: access.cause)
            }
        }
        return changes
    }
}
