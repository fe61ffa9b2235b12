import AccessModel
import ArgumentParser
import Rendering

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show, for one person, every managed group: access or not, the window, and why."
    )

    @Argument(help: "The person's e-mail address (any capitalisation).")
    var email: String

    @OptionGroup var site: SiteOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let loaded = try site.load(reportingErrorsAs: format)
        let instant = site.instant(in: loaded.config.timeZone)
        let explanation = Explanation(evaluator: loaded.evaluator, email: email, at: instant)
        Output.standardOutput(format == .json ? explanation.json.rendered() : explanation.text)
        if !loaded.warnings.isEmpty {
            Output.standardError("note: \(DiagnosticText.plural(loaded.warnings.count, "warning")) in the config or data; kisictl validate lists them\n")
        }
    }
}
