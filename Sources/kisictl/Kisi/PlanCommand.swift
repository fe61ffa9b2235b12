import AccessModel
import ArgumentParser
import Foundation
import JSONSupport
import KisiAPI
import Pipeline
import PlanModel
import Reconciler
import Rendering

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change in Kisi, and why. Never writes to Kisi.",
        discussion: "Exit status: 0 when the plan was made (with --detailed-exitcode: 0 no changes, 2 changes), 1 on any error."
    )

    @OptionGroup var site: SiteOptions
    @OptionGroup var kisi: KisiOptions
    @OptionGroup var targeting: TargetOptions

    @Option(
        help: ArgumentHelp(
            "The base branch's site, checked out in a folder: each change is marked as this config's or pending anyway, and what this config prevents is listed.",
            valueName: "dir"))
    var baseline: String?

    @Option(
        name: .customLong("baseline-ref"),
        help: ArgumentHelp("As --baseline, with the same config read from git at this revision (HEAD~1, origin/main).", valueName: "ref"))
    var baselineRef: String?

    @Option(help: "Output format: text, json (Terraform-like plan JSON) or markdown (a pull-request comment).")
    var format: PlanFormat = .text

    @Flag(
        name: [.customLong("detailed-exitcode"), .customLong("detailed-exitcode", withSingleDash: true)],
        help: "Exit 0 when there are no changes, 2 when there are, 1 on errors.")
    var detailedExitcode = false

    @Option(
        name: [.customLong("out", withSingleDash: true), .customLong("out")],
        help: ArgumentHelp("Save the plan to this file, for `kisictl apply FILE`.", valueName: "file"))
    var out: String?

    @Flag(
        name: [.customLong("destroy"), .customLong("destroy", withSingleDash: true)],
        help: "Plan to revoke every grant kisictl manages (to stop using kisictl); managers, exempt people and unmanaged groups stay.")
    var destroy = false

    @Flag(name: [.customLong("no-color"), .customLong("no-color", withSingleDash: true)], help: "No colour, even on a terminal.")
    var noColor = false

    @Flag(name: .customLong("mask-emails"), help: "Show e-mail addresses as a***@example.com.")
    var maskEmails = false

    func validate() throws {
        if baseline != nil, baselineRef != nil { throw ValidationError("give --baseline or --baseline-ref, not both") }
        if destroy, baseline != nil || baselineRef != nil { throw ValidationError("--destroy plans no config's changes: drop --baseline") }
    }

    func run() async throws {
        guard format != .text else { return try await planAndReport() }
        // A machine format gets a document on every path: a plan that says why it is not one.
        do {
            try await planAndReport()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let failure =
                (error as? DiagnosticsError).map { PlanFailure(diagnostics: $0.diagnostics, instant: .now) }
                ?? PlanFailure(errors: ["\(error)"], warnings: [], instant: .now, zone: "UTC")
            Output.standardOutput(format == .json ? failure.json.rendered() : failure.markdown)
            Output.standardError(failure.errors.map { $0.hasPrefix("error") || $0.contains(": error: ") ? $0 + "\n" : "error: \($0)\n" }.joined())
            throw ExitCode(1)
        }
    }

    private func planAndReport() async throws {
        let base: PlanningPipeline.Baseline?
        do {
            base = try baseline.map(Baselines.folder) ?? baselineRef.map { try Baselines.git($0, configPath: site.config) }
        } catch {
            guard format == .text else { throw error }
            Output.standardError("error: \(error)\n")
            throw ExitCode(1)
        }
        let run = try await PlanningRun.make(
            site: site, kisi: kisi, errorsAs: format == .text ? .text : nil, mode: destroy ? .destroy : .converge, targeting: targeting,
            baseline: base
        ) { $0.reader }
        try await run.connection.closing { try report(run) }
    }

    private func report(_ run: PlanningRun) throws {
        let style = run.style(color: format == .text && useColor(noColor: noColor), maskEmails: maskEmails)
        let plan = run.plan
        switch format {
        case .text: Output.standardOutput(PlanText.render(plan, style: style))
        case .json: Output.standardOutput(PlanJSON.render(plan, style: style).rendered())
        case .markdown: Output.standardOutput(PlanMarkdown.render(plan, style: style))
        }
        reportOnStandardError(plan)
        if !plan.problems.isEmpty {
            Output.standardError(plan.problems.map { "error: \(ProblemText.sentence($0))\n" }.joined() + "The plan cannot be applied.\n")
            throw ExitCode(1)
        }
        if let out {
            try PlanFile.save(plan, to: out, key: run.connection.planKey)
            Output.standardError(
                "Saved the plan to \(out); apply it with: kisictl apply \(out)\(kisi.sandbox ? " --sandbox" : "")\(site.config == "." ? "" : " --config \(site.config)")\n"
            )
        }
        if detailedExitcode, plan.hasChanges { throw ExitCode(2) }
    }
}
