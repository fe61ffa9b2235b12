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
        site siteOptions: SiteOptions, kisi: KisiOptions, errorsAs format: OutputFormat, mode: Plan.Mode = .converge,
        targeting: TargetOptions = TargetOptions(), baseline: PlanningPipeline.Baseline? = nil,
        reader makeReader: (KisiConnection) -> any KisiReading
    ) async throws -> PlanningRun {
        let site = try siteOptions.load(reportingErrorsAs: format)
        let targets = try targeting.targets(in: site.config)
        let connection = try await KisiConnection.open(config: site.config, options: kisi)
        do {
            let behaviour = KisiBehaviour.load(folder: KisiConnection.stateDirectory(for: site.config), target: connection.target)
            let request = PlanningPipeline.Request(
                instant: siteOptions.instant(in: site.config.timeZone, fallback: connection.sandboxClock), mode: mode, targets: targets,
                windowChanges: behaviour?.windowChanges ?? .patch)
            let pipeline = PlanningPipeline(reader: makeReader(connection), endpoint: connection.credentials.baseURL.absoluteString)
            return PlanningRun(site: site, connection: connection, result: try await pipeline.plan(site, request, baseline: baseline))
        } catch {
            await connection.close()
            throw error
        }
    }

    func style(color: Bool, maskEmails: Bool) -> PlanStyle {
        PlanStyle(zone: config.timeZone, color: color, maskEmails: maskEmails, target: connection.sandbox == nil ? nil : "the embedded sandbox")
    }
}

extension RevocationGuard.Refusal {
    /// The refusal in words.
    var sentence: String {
        GuardText.revocations(count: revocations, allowed: allowed, limit: limit, members: members, causes: causes.map { ($0.cause, $0.count) })
    }
}

/// Colour only on a terminal, and never with a non-empty NO_COLOR (as no-color.org says) or --no-color.
func useColor(noColor: Bool) -> Bool {
    !noColor && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        && isatty(STDOUT_FILENO) == 1
}
