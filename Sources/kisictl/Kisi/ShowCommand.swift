import AccessModel
import ArgumentParser
import Foundation
import PlanModel
import Rendering

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a plan saved with `kisictl plan -out FILE`, as text, JSON or Markdown. Reads no config and calls no API."
    )

    @Argument(help: ArgumentHelp("The saved plan.", valueName: "plan-file"))
    var planFile: String

    @Option(help: "Output format: text, json (Terraform-like plan JSON) or markdown (a pull-request comment).")
    var format: PlanFormat = .text

    @Flag(name: [.customLong("no-color"), .customLong("no-color", withSingleDash: true)], help: "No colour, even on a terminal.")
    var noColor = false

    @Flag(name: .customLong("mask-emails"), help: "Show e-mail addresses as a***@example.com.")
    var maskEmails = false

    func run() throws {
        let plan: Plan
        do {
            plan = try PlanFile.load(from: planFile)
        } catch {
            Output.standardError("error: \(error)\n")
            throw ExitCode(1)
        }
        guard let zone = SiteTimeZone(identifier: plan.timeZone) else {
            Output.standardError("error: the saved plan names an unknown time zone \"\(plan.timeZone)\"\n")
            throw ExitCode(1)
        }
        let style = PlanStyle(zone: zone, color: format == .text && useColor(noColor: noColor), maskEmails: maskEmails)
        switch format {
        case .text: Output.standardOutput(PlanText.render(plan, style: style))
        case .json: Output.standardOutput(PlanJSON.render(plan, style: style).rendered())
        case .markdown: Output.standardOutput(PlanMarkdown.render(plan, style: style))
        }
    }
}
