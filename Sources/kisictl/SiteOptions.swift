import AccessModel
import ArgumentParser
import Foundation
import KisiConfig
import Pipeline
import Rendering

/// Options every command that reads a site shares.
struct SiteOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A kisictl.yaml file, or a site directory (kisictl.yaml plus groups/*.yaml).",
            discussion: "Defaults to the working directory's site.", valueName: "path"))
    var config: String = "."

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The instant to evaluate at, ISO 8601: 2026-11-23T09:00:00Z, with an offset, or without one for the site's local time (a date alone means its local midnight). Defaults to now.",
            valueName: "time"))
    var at: InstantArgument?

    /// The instant asked for, resolved in the site's zone; else `fallback` (a sandbox's clock); else now.
    func instant(in zone: SiteTimeZone, fallback: Instant? = nil) -> Instant {
        guard let at else { return fallback ?? Instant.now }
        switch at.value {
        case .moment(let moment): return moment.instant(in: zone)
        case .date(let date): return zone.startOfDay(date)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

/// `--at` as written; a time without an offset needs the site's zone to become an instant.
struct InstantArgument: ExpressibleByArgument {
    enum Value {
        case moment(Moment)
        case date(LocalDate)
    }

    let value: Value

    init?(argument: String) {
        if let moment = TimeParsing.moment(argument) {
            value = .moment(moment)
        } else if let date = TimeParsing.localDate(argument) {
            value = .date(date)
        } else {
            return nil
        }
    }
}

extension SiteOptions {
    /// Loads the site named by `--config`, or reports every problem and ends with exit status 1:
    /// as JSON on stdout for `--format json` (so scripts read one document either way), else on stderr.
    /// With no format, throws ``DiagnosticsError`` for the caller to report.
    func load(reportingErrorsAs format: OutputFormat?) throws -> Site {
        try reporting(as: format) { () throws(DiagnosticsError) in try Site.load(configPath: config) }
    }

    /// The config alone, without member data: what apply needs to find its lock.
    func loadConfig(reportingErrorsAs format: OutputFormat?) throws -> LoadedConfig {
        try reporting(as: format) { () throws(DiagnosticsError) in try ConfigLoader.load(path: config) }
    }

    /// The site of a loaded config: reads its member data.
    func load(_ loaded: LoadedConfig, reportingErrorsAs format: OutputFormat?) throws -> Site {
        try reporting(as: format) { () throws(DiagnosticsError) in try Site.load(config: loaded) }
    }

    private func reporting<T>(as format: OutputFormat?, _ load: () throws(DiagnosticsError) -> T) throws -> T {
        do {
            return try load()
        } catch {
            switch format {
            case .json?: Output.standardOutput(ValidationReport.failureJSON(error.diagnostics).rendered())
            case .text?: Output.standardError(DiagnosticText.render(error.diagnostics))
            case nil: throw error
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
