import AccessModel
import Foundation

/// The plan as a pull-request comment: a summary table, then one collapsed `<details>` per
/// changed group holding its `diff` lines. With `--mask-emails`, addresses show as `a***@example.com`.
public enum PlanMarkdown {
    /// GitHub refuses comments longer than 65,536 characters; longer plans are cut with a note.
    public static let maximumLength = 60_000

    public static func render(_ plan: Plan, style: PlanStyle, problems: [String] = []) -> String {
        var style = style
        style.color = false
        let local = style.zone.localDateTime(for: plan.instant).displayString
        var out = "### kisictl plan\(plan.mode == .destroy ? " --destroy" : ""): \(plan.organization.name)\n\n"
        out += "Evaluated at \(plan.instant.rfc3339) (\(local) \(style.zone.identifier)).\n\n"
        if !problems.isEmpty {
            out += "**This plan cannot be applied:**\n\n" + problems.map { "- \($0)\n" }.joined() + "\n"
        }
        let notes = PlanText.notices(plan, style: style)
        if !notes.isEmpty {
            out += "**Warnings:**\n\n" + notes.map { "- \(escape($0))\n" }.joined() + "\n"
        }
        out += "**\(plan.summary.line)**\n\n"
        let changed = plan.groups.filter(\.hasChanges)
        if !changed.isEmpty {
            out += "| group | change | grants | window changes | revocations | doors |\n|---|---|---:|---:|---:|---|\n"
            for group in changed {
                let grants = group.access.filter { $0.action == .grant || $0.action == .createUserAndGrant }.count
                let windows = group.access.filter { $0.action == .change }.count
                let revocations = group.access.filter { $0.action == .revoke }.count
                let doors = group.doors.map { ($0.action == .link ? "+" : "−") + $0.door }.joined(separator: ", ")
                let change = group.create ? "create" : group.update != nil ? "update" : ""
                out += "| `\(group.address)` \(escape(group.name)) | \(change) | \(grants) | \(windows) | \(revocations) | \(escape(doors)) |\n"
            }
            out += "\n"
        }
        var body = ""
        for group in changed {
            let lines = PlanText.lines(group, style: style, reissue: plan.windowChanges == .reissue)
            body +=
                "<details><summary><code>\(group.address)</code> \(escape(group.name)): \(lines.count) change\(lines.count == 1 ? "" : "s")</summary>\n\n"
            body += "```diff\n" + lines.map { $0.text(style) + "\n" }.joined()
            let kept = PlanText.keptNote(group, style: style)
            if !kept.isEmpty { body += "  " + kept + "\n" }
            body += "```\n\n</details>\n\n"
        }
        if out.count + body.count > maximumLength {
            body = String(body.prefix(maximumLength - out.count)) + "\n\n…the plan is too long for one comment; run `kisictl plan` for all of it.\n"
        }
        return out + body
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;")
    }
}
