import AccessModel
import Foundation
import PlanModel

/// The plan as a pull-request comment: a summary table, then one collapsed `<details>` per
/// changed group holding its `diff` lines. With `--mask-emails`, addresses show as `a***@example.com`.
public enum PlanMarkdown {
    /// GitHub refuses comments longer than 65,536 characters: longer plans leave whole groups
    /// out, and say so, with room to spare for the workflow's own lines around the comment.
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
        if plan.baseline != nil { return out + comparedWithBaseline(plan, style: style, budget: maximumLength - out.utf8.count) }
        out += "**\(plan.summary.line)**\n\n"
        let changed = GroupView.of(plan).filter(\.hasChanges)
        return out
            + fitting(
                table(changed) + details(changed, plan: plan, style: style) + doors(DoorView.of(plan), plan: plan, style: style),
                budget: maximumLength - out.utf8.count)
    }

    /// Blocks (table rows, `<details>` of a group) while they fit in `budget` characters, then a
    /// line saying what was left out. Each block is whole: its fences and tags closed.
    static func fitting(_ blocks: [String], budget: Int) -> String {
        let note = { (left: Int) in
            "\n_\(left) more part\(left == 1 ? "" : "s") of the plan left out to stay under GitHub's comment limit: run `kisictl plan` (or `kisictl show` on the saved plan) for all of it._\n"
        }
        var out = ""
        for (index, block) in blocks.enumerated() {
            // Room for this block and, if more follow, the note.
            if out.utf8.count + block.utf8.count + (index == blocks.count - 1 ? 0 : 200) > budget {
                return out + note(blocks.count - index)
            }
            out += block
        }
        return out
    }

    /// This change, what it prevents, then what is pending anyway (collapsed).
    static func comparedWithBaseline(_ plan: Plan, style: PlanStyle, budget: Int) -> String {
        var blocks = ["Compared with `\(plan.baseline ?? "")`: the same member data, instant and Kisi, planned with that config.\n\n"]
        for part in BaselinePart.allCases {
            let changes = part.changes(of: plan)
            if part != .change, changes.isEmpty { continue }
            let changed = GroupView.of(plan, changes: changes).filter(\.hasChanges)
            let heading = "\(part.title(plan)): \(PlanSummary(changes).counts)"
            if part == .pending {
                // One block: the collapsed part opens and closes together.
                blocks.append(
                    "<details><summary><b>\(escape(heading))</b></summary>\n\n" + table(changed).joined()
                        + details(changed, plan: plan, style: style).joined() + "</details>\n\n")
            } else {
                // What the pull request does is what the reviewer reads: its groups start open.
                blocks.append("**\(escape(heading))**\n\n")
                blocks += table(changed) + details(changed, plan: plan, style: style, open: true)
            }
        }
        let summary = "**\(plan.summary.line)**\n"
        return fitting(blocks, budget: budget - summary.utf8.count) + summary
    }

    /// The summary table, a block per row (the header with the first).
    static func table(_ changed: [GroupView]) -> [String] {
        guard !changed.isEmpty else { return [] }
        var rows = changed.map { view -> String in
            let grants = view.roles.filter { $0.action == .create }.count
            let windows = view.roles.filter { $0.action == .update }.count
            let revocations = view.roles.filter { $0.action == .delete }.count
            let doors = view.doors.map { ($0.action == .create ? "+" : "−") + ($0.address.index ?? "") }.joined(separator: ", ")
            var change = view.create != nil ? "create" : view.update != nil ? "update" : view.delete != nil ? "delete (duplicate)" : ""
            if !view.schedules.isEmpty {
                change += (change.isEmpty ? "" : ", ") + "\(view.schedules.count) schedule change\(view.schedules.count == 1 ? "" : "s")"
            }
            return
                "| `\(view.group.address)` \(escape(view.group.name)) | \(change) | \(grants) | \(windows) | \(revocations) | \(escape(doors)) |\n"
        }
        rows[0] = "| group | change | grants | window changes | revocations | doors |\n|---|---|---:|---:|---:|---|\n" + rows[0]
        rows[rows.count - 1] += "\n"
        return rows
    }

    /// One `<details>` block per changed group.
    static func details(_ changed: [GroupView], plan: Plan, style: PlanStyle, open: Bool = false) -> [String] {
        changed.map { view in
            let lines = PlanText.lines(view, plan: plan, style: style)
            var body =
                "<details\(open ? " open" : "")><summary><code>\(view.group.address)</code> \(escape(view.group.name)): \(lines.count) change\(lines.count == 1 ? "" : "s")</summary>\n\n"
            body += "```diff\n" + lines.map { $0.text(style).replacingOccurrences(of: "```", with: "'''") + "\n" }.joined()
            let kept = PlanText.keptNote(view.group, style: style)
            if !kept.isEmpty { body += "  " + kept + "\n" }
            return body + "```\n\n</details>\n\n"
        }
    }

    /// One `<details>` block per door whose unlock schedules change.
    static func doors(_ views: [DoorView], plan: Plan, style: PlanStyle) -> [String] {
        views.map { view in
            let lines = view.changes.map { PlanText.scheduleLine($0, plan: plan, style: style) }
            var body =
                "<details open><summary>door <code>\(view.door.address)</code> \(escape(view.door.name)): \(lines.count) change\(lines.count == 1 ? "" : "s")</summary>\n\n"
            body += "```diff\n" + lines.map { $0.text(style).replacingOccurrences(of: "```", with: "'''") + "\n" }.joined()
            return body + "```\n\n</details>\n\n"
        }
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

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;")
    }
}
