import AccessModel
import Foundation
import PlanModel

/// The plan as a pull-request comment: a summary table, then one collapsed `<details>` per
/// changed group holding its `diff` lines. With `--mask-emails`, addresses show as `a***@example.com`.
public enum PlanMarkdown {
    /// GitHub refuses comments longer than 65,536 characters; longer plans are cut with a note.
    public static let maximumLength = 60_000

    public static func render(_ plan: Plan, style: PlanStyle) -> String {
        var style = style.forPlan(plan)
        style.color = false
        let local = style.zone.localDateTime(for: plan.instant).displayString
        var out = "### kisictl plan\(plan.mode == .destroy ? " --destroy" : ""): \(plan.organization.name)\n\n"
        out += "Evaluated at \(plan.instant.rfc3339) (\(local) \(style.zone.identifier)).\n\n"
        if !plan.problems.isEmpty {
            out += "**This plan cannot be applied:**\n\n" + plan.problems.map { "- \(ProblemText.sentence($0))\n" }.joined() + "\n"
        }
        let notes = NoticeText.sentences(plan, style: style)
        if !notes.isEmpty {
            out += "**Warnings:**\n\n" + notes.map { "- \(escape($0))\n" }.joined() + "\n"
        }
        out += facts(plan, style: style)
        if plan.baseline != nil { return out + comparedWithBaseline(plan, style: style) }
        out += "**\(plan.summary.line)**\n\n"
        let changed = GroupView.of(plan).filter(\.hasChanges)
        out += table(changed)
        var body = details(changed, plan: plan, style: style)
        if out.count + body.count > maximumLength {
            body = String(body.prefix(maximumLength - out.count)) + "\n\n…the plan is too long for one comment; run `kisictl plan` for all of it.\n"
        }
        return out + body
    }

    /// The guards, the data warnings (collapsed, the first fifty) and who Kisi will e-mail.
    static func facts(_ plan: Plan, style: PlanStyle) -> String {
        var out = ""
        if !plan.guards.isEmpty {
            out += "**Guards tripped.** \(escape(GuardText.consequence(plan.guards) ?? ""))\n\n"
            out += plan.guards.map { "- \(escape(GuardText.sentence($0)))\n" }.joined() + "\n"
        }
        if !plan.warnings.isEmpty {
            let shown = 50
            out += "<details><summary><b>Data warnings (\(plan.warnings.count))</b></summary>\n\n"
            out += plan.warnings.prefix(shown).map { "- \(escape(DataText.line($0)))\n" }.joined()
            if plan.warnings.count > shown { out += "- … and \(plan.warnings.count - shown) more: `kisictl validate` lists them all.\n" }
            out += "\n</details>\n\n"
        }
        if let notified = DataText.notified(plan, style: style) { out += "\(escape(notified))\n\n" }
        return out
    }

    /// This change, what it prevents, then what is pending anyway (collapsed).
    static func comparedWithBaseline(_ plan: Plan, style: PlanStyle) -> String {
        var out = "Compared with `\(plan.baseline ?? "")`: the same member data, instant and Kisi, planned with that config.\n\n"
        for part in BaselinePart.allCases {
            let changes = part.changes(of: plan)
            if part != .change, changes.isEmpty { continue }
            let changed = GroupView.of(plan, changes: changes).filter(\.hasChanges)
            let heading = "\(part.title(plan)): \(PlanSummary(changes).counts)"
            if part == .pending {
                out +=
                    "<details><summary><b>\(escape(heading))</b></summary>\n\n" + table(changed) + details(changed, plan: plan, style: style)
                    + "</details>\n\n"
            } else {
                // What the pull request does is what the reviewer reads: its groups start open.
                out += "**\(escape(heading))**\n\n" + table(changed) + details(changed, plan: plan, style: style, open: true)
            }
        }
        out += "**\(plan.summary.line)**\n"
        if out.count > maximumLength {
            out = String(out.prefix(maximumLength)) + "\n\n…the plan is too long for one comment; run `kisictl plan` for all of it.\n"
        }
        return out
    }

    static func table(_ changed: [GroupView]) -> String {
        var out = ""
        if !changed.isEmpty {
            out += "| group | change | grants | window changes | revocations | doors |\n|---|---|---:|---:|---:|---|\n"
            for view in changed {
                let grants = view.roles.filter { $0.action == .create }.count
                let windows = view.roles.filter { $0.action == .update }.count
                let revocations = view.roles.filter { $0.action == .delete }.count
                let doors = view.doors.map { ($0.action == .create ? "+" : "−") + ($0.address.index ?? "") }.joined(separator: ", ")
                let change = view.create != nil ? "create" : view.update != nil ? "update" : ""
                out +=
                    "| `\(view.group.address)` \(escape(view.group.name)) | \(change) | \(grants) | \(windows) | \(revocations) | \(escape(doors)) |\n"
            }
            out += "\n"
        }
        return out
    }

    static func details(_ changed: [GroupView], plan: Plan, style: PlanStyle, open: Bool = false) -> String {
        var body = ""
        for view in changed {
            let lines = PlanText.lines(view, plan: plan, style: style)
            body +=
                "<details\(open ? " open" : "")><summary><code>\(view.group.address)</code> \(escape(view.group.name)): \(lines.count) change\(lines.count == 1 ? "" : "s")</summary>\n\n"
            body += "```diff\n" + lines.map { $0.text(style) + "\n" }.joined()
            let kept = PlanText.keptNote(view.group, style: style)
            if !kept.isEmpty { body += "  " + kept + "\n" }
            body += "```\n\n</details>\n\n"
        }
        return body
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;")
    }
}
