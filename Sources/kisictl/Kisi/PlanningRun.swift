import AccessModel
import AccessRules
import ArgumentParser
import Foundation
import KisiAPI
import Pipeline
import PlanModel
import Reconciler
import Rendering

/// The steps `plan` and `apply` share: load the site, open Kisi, and run the planning pipeline.
struct PlanningRun {
    let site: Site
    let connection: KisiConnection
    let result: PlanningPipeline.Result

    var plan: Plan { result.plan }
    var live: LiveState { result.live }
    var config: SiteConfig { site.config }

    static func make(
        site siteOptions: SiteOptions, kisi: KisiOptions, errorsAs format: OutputFormat?, mode: Plan.Mode = .converge,
        targeting: TargetOptions = TargetOptions(), baseline: PlanningPipeline.Baseline? = nil, loaded: Site? = nil,
        reader makeReader: (KisiConnection) -> any KisiReading
    ) async throws -> PlanningRun {
        let site = try loaded ?? siteOptions.load(reportingErrorsAs: format)
        let targets = try targeting.targets(in: site.config)
        let connection = try await KisiConnection.open(config: site.config, options: kisi)
        do {
            let behaviour = KisiBehaviour.load(folder: KisiConnection.stateDirectory(for: site.config), target: connection.target)
            let request = PlanningPipeline.Request(
                instant: siteOptions.instant(in: site.config.timeZone, fallback: connection.sandboxClock), mode: mode, targets: targets,
                windowChanges: behaviour?.windowChanges ?? .patch,
                previousSizes: DataSizes.load(folder: KisiConnection.stateDirectory(for: site.config)))
            let pipeline = PlanningPipeline(reader: makeReader(connection), endpoint: connection.credentials.endpoint)
            var result = try await pipeline.plan(site, request, baseline: baseline)
            result.plan.maskSalt = connection.planKey.maskSalt
            return PlanningRun(site: site, connection: connection, result: result)
        } catch {
            await connection.close()
            throw error
        }
    }

    func style(color: Bool, maskEmails: Bool) -> PlanStyle {
        PlanStyle(zone: config.timeZone, color: color, maskEmails: maskEmails, target: connection.sandbox == nil ? nil : "the embedded sandbox")
    }
}

/// The warnings and guard trips a plan carries, on stderr: CI logs show them even when the
/// plan itself goes to a file or a comment.
func reportOnStandardError(_ plan: Plan) {
    if !plan.warnings.isEmpty {
        var text = "warning: \(plan.warnings.count) data warning\(plan.warnings.count == 1 ? "" : "s")"
        text += plan.warnings.count > DataText.shownWarnings ? "; the first \(DataText.shownWarnings):\n" : ":\n"
        text += plan.warnings.prefix(DataText.shownWarnings).map { "  " + DataText.line($0) + "\n" }.joined()
        Output.standardError(text)
    }
    for trip in plan.guards { Output.standardError("warning: guard: \(GuardText.sentence(trip))\n") }
    if let consequence = GuardText.consequence(plan.guards) { Output.standardError("warning: \(consequence)\n") }
}

/// Colour only on a terminal, and never with a non-empty NO_COLOR (as no-color.org says) or --no-color.
func useColor(noColor: Bool) -> Bool {
    !noColor && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        && isatty(STDOUT_FILENO) == 1
}
