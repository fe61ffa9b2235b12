import AccessModel
import ArgumentParser
import Rendering

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the config and the member data, and summarise who gets access.",
        discussion: "Reports every error with file:line:column and exits 1 if there is any."
    )

    @OptionGroup var site: SiteOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(
        name: .customLong("data-json"),
        help: "Print the member data as kisictl read it, in its own fields, each record with its file:line (to check a mapping).")
    var dataJSON = false

    func run() throws {
        let loaded = try site.load(reportingErrorsAs: format)
        if dataJSON {
            Output.standardOutput(MemberDataJSON.render(loaded.evaluator.data).rendered())
            return
        }
        let instant = site.instant(in: loaded.config.timeZone)
        let access = loaded.evaluator.evaluate(at: instant)
        let report = ValidationReport(
            evaluator: loaded.evaluator, access: access, dataOrigin: loaded.dataOrigin,
            warnings: loaded.warnings + loaded.evaluator.warnings(at: instant))
        Output.standardOutput(format == .json ? report.json.rendered() : report.text)
    }
}
