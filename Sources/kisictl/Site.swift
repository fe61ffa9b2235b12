import AccessModel
import AccessRules
import ArgumentParser
import Foundation
import KisiConfig
import MemberSources
import Rendering

/// A site ready to evaluate: config, member data and the evaluator built from them.
struct Site {
    var evaluator: AccessEvaluator
    var dataOrigin: String
    /// Config, data and rule warnings, sorted by location.
    var warnings: [Diagnostic]
    var configFingerprint: String
    var dataFingerprint: String

    var config: SiteConfig { evaluator.config }

    /// Loads everything, or throws ``DiagnosticsError`` with every problem found.
    static func load(configPath: String) throws(DiagnosticsError) -> Site {
        let loaded = try ConfigLoader.load(path: configPath)
        let data: LoadedMemberData
        if loaded.config.managedGroups.isEmpty {
            // Nothing is evaluated, so nothing can be revoked for want of data: a freshly imported
            // config plans before its member data is set up.
            data = LoadedMemberData(
                data: MemberData(providedEntities: []), warnings: [],
                origin: "not read (no managed groups)", fingerprint: Fingerprint.of("no member data"))
        } else {
            do {
                data = try MemberSource.load(loaded.config.source, relativeTo: loaded.config.directory)
            } catch {
                throw DiagnosticsError(loaded.warnings + error.diagnostics)
            }
        }
        let evaluator = AccessEvaluator(config: loaded.config, data: data.data)
        let diagnostics = loaded.warnings + data.warnings + evaluator.diagnostics
        if diagnostics.hasErrors { throw DiagnosticsError(diagnostics) }
        return Site(
            evaluator: evaluator, dataOrigin: data.origin, warnings: diagnostics,
            configFingerprint: loaded.fingerprint, dataFingerprint: data.fingerprint)
    }
}

extension SiteOptions {
    /// Loads the site named by `--config`, or reports every problem and ends with exit status 1:
    /// as JSON on stdout for `--format json` (so scripts read one document either way), else on stderr.
    func load(reportingErrorsAs format: OutputFormat) throws -> Site {
        do {
            return try Site.load(configPath: config)
        } catch {
            switch format {
            case .json: Output.standardOutput(ValidationReport.failureJSON(error.diagnostics).rendered())
            case .text: Output.standardError(DiagnosticText.render(error.diagnostics))
            }
            throw ExitCode(1)
        }
    }
}

enum Output {
    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
