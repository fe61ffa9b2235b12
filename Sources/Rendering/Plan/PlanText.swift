import AccessModel

/// How a plan is shown.
public struct PlanStyle: Sendable {
    /// Local times in reasons and windows are the site's.
    public var zone: SiteTimeZone
    /// ANSI colour: only on a terminal, never with NO_COLOR or --no-color.
    public var color: Bool
    /// `alice@example.com` → `a***@example.com`.
    public var maskEmails: Bool
    /// A note for the header, e.g. "the embedded sandbox".
    public var target: String?

    public init(zone: SiteTimeZone, color: Bool = false, maskEmails: Bool = false, target: String? = nil) {
        self.zone = zone
        self.color = color
        self.maskEmails = maskEmails
        self.target = target
    }

    func email(_ address: String) -> String {
        maskEmails ? EmailAddress.masked(address) : address
    }

    /// A guest's name is personal data too: masked with the e-mails.
    func name(_ text: String) -> String {
        guard maskEmails, let first = text.first else { return text }
        return "\(first)***"
    }

    func local(_ instant: Instant) -> String { zone.localDateTime(for: instant).displayString }

    /// `from 2026-11-25 00:00 until 2027-11-27 00:00`, `now until …`, `from … (no end)`, `no end`.
    func window(_ window: PlanWindow?) -> String {
        let from = window?.from.map { "from \(local($0))" } ?? "from now"
        let until = window?.until.map { "until \(local($0))" } ?? "with no end"
        return "\(from) \(until)"
    }
}

/// The plan for a terminal or a CI log: Terraform-like `+ ~ -` lines grouped by group, each with
/// its reasons, then the `Plan:` line.
public enum PlanText {
    public static func render(_ plan: Plan, style: PlanStyle) -> String {
        var out = header(plan, style: style) + "\n"
        let notes = notices(plan, style: style)
        if !notes.isEmpty { out += "\n" + notes.map { paint("Warning: ", .yellow, style) + $0 + "\n" }.joined() }
        let changed = plan.groups.filter(\.hasChanges)
        for group in changed {
            out += "\n" + paint("# \(group.address): \"\(group.name)\"", .bold, style)
            out += group.create ? " (new group)" : group.kisiGroupID.map { " (Kisi group \($0))" } ?? ""
            out += "\n"
            out += lines(group, style: style, reissue: plan.windowChanges == .reissue).map { "  " + $0.text(style) + "\n" }.joined()
            let kept = keptNote(group, style: style)
            if !kept.isEmpty { out += "  " + paint("= " + kept, .dim, style) + "\n" }
        }
        let unchanged = plan.groups.filter { !$0.hasChanges }.map(\.address)
        if !unchanged.isEmpty {
            out += "\n" + paint("Unchanged: " + unchanged.joined(separator: ", "), .dim, style) + "\n"
        }
        out += "\n" + paint(plan.summary.line, .bold, style) + "\n"
        return out
    }

    public static func header(_ plan: Plan, style: PlanStyle) -> String {
        let local = style.zone.localDateTime(for: plan.instant).displayString
        var text = "kisictl plan\(plan.mode == .destroy ? " --destroy" : "") for \(plan.organization.name)"
        if let target = style.target { text += " (\(target))" }
        text += ", evaluated at \(plan.instant.rfc3339) (\(local) \(style.zone.identifier))"
        if plan.mode == .destroy {
            text += "\nDestroy: every grant kisictl manages is revoked; managers, exempt people, unmanaged groups and door links stay."
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

    static func lines(_ group: GroupPlan, style: PlanStyle, reissue: Bool = false) -> [Line] {
        var lines: [Line] = []
        if group.create {
            let scope = group.place.map { "in \($0)" } ?? "for the whole organization"
            lines.append(
                Line(kind: .add, summary: "create group \"\(group.name)\" \(scope)", reasons: group.description.map { ["description: \($0)"] } ?? []))
        }
        if let change = group.update?.description {
            lines.append(Line(kind: .change, summary: "description \"\(change.before ?? "")\" → \"\(change.after ?? "")\"", reasons: []))
        }
        for door in group.doors {
            lines.append(
                door.action == .link
                    ? Line(kind: .add, summary: "link door \(door.door)", reasons: [])
                    : Line(kind: .remove, summary: "unlink door \(door.door)", reasons: ["not among the config's doors"]))
        }
        for change in group.access {
            let who = style.email(change.email)
            switch change.action {
            case .grant:
                lines.append(Line(kind: .add, summary: "grant \(who), \(style.window(change.after))", reasons: change.reasons))
            case .createUserAndGrant:
                lines.append(Line(kind: .add, summary: "create user \(who) and grant, \(style.window(change.after))", reasons: change.reasons))
            case .change:
                let how = reissue ? " (by revoking and granting again)" : ""
                lines.append(
                    Line(
                        kind: .change, summary: "window of \(who): \(style.window(change.before)) → \(style.window(change.after))\(how)",
                        reasons: change.reasons))
            case .revoke:
                lines.append(Line(kind: .remove, summary: "revoke \(who)", reasons: change.reasons))
            }
        }
        return lines
    }

    static func keptNote(_ group: GroupPlan, style: PlanStyle) -> String {
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

    /// What a reviewer should know about the organization, one sentence each.
    public static func notices(_ plan: Plan, style: PlanStyle) -> [String] {
        var sentences: [String] = plan.notices.map { notice in
            switch notice {
            case .otherWriter(let writer):
                let who: String =
                    switch writer.kind {
                    case .user: "Kisi user \(writer.id.map(String.init) ?? "?")" + (writer.email.map { " (\(style.email($0)))" } ?? "")
                    case .marketplaceInstallation: "the marketplace installation \(writer.id.map(String.init) ?? "?")"
                    case .other: "another writer (\(writer.id.map(String.init) ?? "?"))"
                    }
                let roles = writer.roles == 1 ? "1 member's role" : "\(writer.roles) members' roles"
                return
                    "\(who) created \(roles) in \(writer.groups.joined(separator: ", ")) in the last 7 days, not this key's user: another tool may still be syncing these groups, and the two would undo each other. Turn its Kisi sync off for them."
            case .scimEnabled:
                return "SCIM is enabled for this organization: an identity provider may create users and change members of managed groups."
            }
        }
        if plan.windowChanges == .reissue, plan.summary.windowChanges > 0 {
            sentences.append(
                "this Kisi was seen to ignore new windows sent by PATCH, so each window change revokes the role and grants it again: the member is without access for those two requests."
            )
        }
        return sentences
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
