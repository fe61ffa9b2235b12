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

    var config: SiteConfig { evaluator.config }

    /// Loads everything, or throws ``DiagnosticsError`` with every problem found.
    static func load(configPath: String) throws(DiagnosticsError) -> Site {
        let loaded = try ConfigLoader.load(path: configPath)
        let data: LoadedMemberData
        do {
            data = try MemberSource.load(loaded.config.source, relativeTo: loaded.config.directory)
        } catch {
            throw DiagnosticsError(loaded.warnings + error.diagnostics)
        }
        let evaluator = AccessEvaluator(config: loaded.config, data: data.data)
        let diagnostics = loaded.warnings + data.warnings + evaluator.diagnostics
        if diagnostics.hasErrors { throw DiagnosticsError(diagnostics) }
        return Site(evaluator: evaluator, dataOrigin: data.origin, warnings: diagnostics)
    }
}

/// Writes diagnostics to stderr and ends the command with exit status 1.
func fail(with diagnostics: [Diagnostic]) -> ExitCode {
    Output.standardError(DiagnosticText.render(diagnostics))
    return ExitCode(1)
}

enum Output {
    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
