import AccessModel
import AccessRules
import Foundation
import KisiConfig
import MemberSources
import PlanModel
import Reconciler

/// A site ready to evaluate: config, member data and the evaluator built from them.
public struct Site: Sendable {
    public var evaluator: AccessEvaluator
    public var dataOrigin: String
    /// Config, data and rule warnings, sorted by location.
    public var warnings: [Diagnostic]
    public var configFingerprint: String
    public var dataFingerprint: String
    /// Each config file's and export's fingerprint, by path.
    public var files: [String: String]

    public var config: SiteConfig { evaluator.config }

    /// Records per entity, of the customers and every entity a managed group's rule needs.
    public var dataSizes: DataSizes {
        var needed: Set<MemberEntity> = [.customers]
        for group in config.managedGroups {
            for rule in group.rules {
                switch rule.selector {
                case .memberships: needed.insert(.memberships)
                case .registrations: needed.insert(.registrations)
                case .bookings: needed.insert(.bookings)
                }
            }
        }
        let data = evaluator.data
        return DataSizes(
            Dictionary(
                uniqueKeysWithValues: needed.map { entity in
                    let count =
                        switch entity {
                        case .customers: data.customers.count
                        case .memberships: data.memberships.count
                        case .registrations: data.registrations.count
                        case .bookings: data.bookings.count
                        case .holds: data.holds.count
                        }
                    return (entity, count)
                }))
    }

    /// Loads everything, or throws ``DiagnosticsError`` with every problem found.
    public static func load(configPath: String) throws(DiagnosticsError) -> Site {
        try load(config: try ConfigLoader.load(path: configPath))
    }

    /// Loads the member data of a loaded config.
    public static func load(config loaded: LoadedConfig) throws(DiagnosticsError) -> Site {
        let data: LoadedMemberData
        if loaded.config.managedGroups.isEmpty {
            // Nothing is evaluated, so nothing can be revoked for want of data: a freshly imported
            // config plans before its member data is set up.
            data = LoadedMemberData(
                data: MemberData(providedEntities: []), warnings: [],
                origin: "not read (no managed groups)", fingerprint: Fingerprint.of("no member data"))
        } else {
            do {
                data = try MemberSource.load(
                    loaded.config.source, relativeTo: loaded.config.directory, withholding: [loaded.config.kisi.apiKeyEnv])
            } catch {
                throw DiagnosticsError(loaded.warnings + error.diagnostics)
            }
        }
        let evaluator = AccessEvaluator(config: loaded.config, data: data.data)
        let diagnostics = loaded.warnings + data.warnings + evaluator.diagnostics
        if diagnostics.hasErrors { throw DiagnosticsError(diagnostics) }
        return Site(
            evaluator: evaluator, dataOrigin: data.origin, warnings: diagnostics,
            configFingerprint: loaded.fingerprint, dataFingerprint: data.fingerprint, files: loaded.files.merging(data.files) { a, _ in a })
    }
}
