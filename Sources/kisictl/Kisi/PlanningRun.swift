import AccessModel
import AccessRules
import ArgumentParser
import Foundation
import KisiAPI
import Reconciler
import Rendering

/// The steps `plan` and `apply` share: load the site, evaluate the rules at the instant, read
/// Kisi, and diff.
struct PlanningRun {
    let site: Site
    let connection: KisiConnection
    let outcome: PlanOutcome
    let live: LiveState
    let requests: Int

    var plan: Plan { outcome.plan }
    var config: SiteConfig { site.config }

    static func make(
        site siteOptions: SiteOptions, kisi: KisiOptions, errorsAs format: OutputFormat, mode: Plan.Mode = .converge,
        reader makeReader: (KisiConnection) -> any KisiReading
    ) async throws -> PlanningRun {
        let site = try siteOptions.load(reportingErrorsAs: format)
        let connection = try await KisiConnection.open(config: site.config, options: kisi)
        do {
            let instant = siteOptions.instant(in: site.config.timeZone, fallback: connection.sandboxClock)
            let desired = site.evaluator.evaluate(at: instant)
            let reader = makeReader(connection)
            let now = Date()
            let live = try await Refresher(reader: reader, now: now).refresh(
                config: site.config, desired: desired,
                directory: site.evaluator.directory)
            let behaviour = KisiBehaviour.load(folder: KisiConnection.stateDirectory(for: site.config), target: connection.target)
            let planner = Planner(
                evaluator: site.evaluator, desired: desired, live: live, endpoint: connection.credentials.baseURL.absoluteString,
                fingerprints: (site.configFingerprint, site.dataFingerprint), mode: mode,
                windowChanges: behaviour?.windowChanges ?? .patch)
            let outcome = planner.plan(createdAt: Instant(now))
            return PlanningRun(site: site, connection: connection, outcome: outcome, live: live, requests: await reader.requestsSent)
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Basic members of the managed groups now: the base of a share-based revocation limit.
    var managedMembers: Int {
        live.groups.values.reduce(0) { $0 + $1.roles.filter { $0.roleID == "group_basic" }.count }
    }

    func style(color: Bool, maskEmails: Bool) -> PlanStyle {
        PlanStyle(zone: config.timeZone, color: color, maskEmails: maskEmails, target: connection.sandbox == nil ? nil : "the embedded sandbox")
    }
}

/// Colour only on a terminal, and never with NO_COLOR or --no-color.
func useColor(noColor: Bool) -> Bool {
    !noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        && isatty(STDOUT_FILENO) == 1
}
