import AccessModel
import Foundation
import Yams

/// A config that loaded, with the warnings found on the way.
public struct LoadedConfig: Sendable {
    public var config: SiteConfig
    public var warnings: [Diagnostic]
    /// A fingerprint of the files' text, recorded in saved plans.
    public var fingerprint: String
    /// Each file's own fingerprint, by path: a saved plan names the file that changed.
    public var files: [String: String] = [:]
}

/// Loads a site's config from a file, or from a site directory (`kisictl.yaml` plus every
/// `groups/*.yaml`, merged), and validates it.
public enum ConfigLoader {
    public static let mainFileName = "kisictl.yaml"
    public static let groupsFolderName = "groups"

    /// Throws ``DiagnosticsError`` with every error (and warning) found in every file.
    public static func load(path: String) throws(DiagnosticsError) -> LoadedConfig {
        let files = try configFiles(at: path)
        var diagnostics = files.notes
        var settings = SiteConfigDecoder.Settings()
        var groups: [GroupConfig] = []
        var firstDefinition: [String: SourceLocation] = [:]
        var texts: [String] = []
        var fingerprints: [String: String] = [:]

        for (position, file) in files.paths.enumerated() {
            var reader = NodeReader(file: file)
            defer { diagnostics += reader.diagnostics }
            guard let (root, text) = parse(file, reader: &reader) else { continue }
            texts.append(file + "\n" + text)
            fingerprints[file] = Fingerprint.of(text)
            let fileGroups: [GroupConfig]
            if position == 0 {
                let (main, groupsNode) = SiteConfigDecoder.settings(root, reader: &reader)
                settings = main
                fileGroups = groupsNode.map { SiteConfigDecoder.groups($0, path: "groups", reader: &reader) } ?? []
            } else {
                fileGroups = SiteConfigDecoder.groups(root, path: "groups", reader: &reader)
            }
            for group in fileGroups {
                if let first = firstDefinition[group.address] {
                    diagnostics.append(
                        .error(
                            at: group.location, path: "groups.\(group.address)",
                            "group \(group.address) is already defined at \(first)"))
                } else {
                    firstDefinition[group.address] = group.location
                    groups.append(group)
                }
            }
        }

        guard !diagnostics.hasErrors, let version = settings.version, let zone = settings.timeZone, let source = settings.source else {
            throw DiagnosticsError(diagnostics.sortedByLocation())
        }
        let config = SiteConfig(
            version: version, timeZone: zone, kisi: settings.kisi, source: source, policy: settings.policy,
            groups: groups, doors: settings.doors, directory: files.directory, files: files.paths)
        let extraErrors = extraGrantLengths(config)
        if !extraErrors.isEmpty { throw DiagnosticsError((diagnostics + extraErrors).sortedByLocation()) }
        return LoadedConfig(
            config: config, warnings: diagnostics.sortedByLocation(), fingerprint: Fingerprint.of(texts.joined(separator: "\n")),
            files: fingerprints)
    }

    /// An `extra` grant with a `from` must end after it, and within `policy.max_extra_grant`.
    private static func extraGrantLengths(_ config: SiteConfig) -> [Diagnostic] {
        var errors: [Diagnostic] = []
        let limit = config.policy.maxExtraGrant
        for group in config.groups {
            for (position, extra) in group.extra.enumerated() {
                guard let from = extra.from?.instant(in: config.timeZone) else { continue }
                let length = extra.until.instant(in: config.timeZone).secondsSinceEpoch - from.secondsSinceEpoch
                let path = "groups.\(group.address).extra[\(position)].until"
                if length <= 0 {
                    errors.append(.error(at: extra.location, path: path, "until is not after from"))
                } else if length > limit.seconds {
                    errors.append(
                        .error(
                            at: extra.location, path: path,
                            "an extra grant runs at most policy.max_extra_grant (\(limit)) after from; this one runs \(TimeSpan(seconds: length)): end it sooner, or raise policy.max_extra_grant"
                        ))
                }
            }
        }
        return errors
    }

    /// Parses one YAML file; syntax errors and duplicate keys become diagnostics.
    private static func parse(_ file: String, reader: inout NodeReader) -> (Node, String)? {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            reader.appendDiagnostic(.error(at: SourceLocation(file: file, line: 1, column: 1), "cannot read the file as UTF-8 text"))
            return nil
        }
        do {
            guard let root = try Yams.compose(yaml: text) else {
                reader.appendDiagnostic(
                    .error(
                        at: SourceLocation(file: file, line: 1, column: 1),
                        "the file is empty; expected a YAML mapping"))
                return nil
            }
            return (root, text)
        } catch let error as YamlError {
            reader.appendDiagnostic(yamlDiagnostic(error, file: file))
            return nil
        } catch {
            reader.appendDiagnostic(.error(at: SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)"))
            return nil
        }
    }

    private static func yamlDiagnostic(_ error: YamlError, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
            return .error(at: at(mark), "invalid YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .error(at: at(context.mark), "key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) appears twice in one mapping")
        default:
            return .error(at: SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")
        }
    }

    struct ConfigFiles {
        var paths: [String]
        var directory: String
        var notes: [Diagnostic]
    }

    /// A directory means its kisictl.yaml plus groups/*.yaml (sorted); a file means that file.
    static func configFiles(at path: String) throws(DiagnosticsError) -> ConfigFiles {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DiagnosticsError([.error("config not found: \(path) (pass --config with a kisictl.yaml file or a site directory)")])
        }
        if !isDirectory.boolValue {
            let directory = (path as NSString).deletingLastPathComponent
            var notes: [Diagnostic] = []
            let groupsFolder = join(directory.isEmpty ? "." : directory, groupsFolderName)
            if (path as NSString).lastPathComponent == mainFileName, !yamlFiles(in: groupsFolder).isEmpty {
                notes.append(
                    .warning(
                        at: SourceLocation(file: path, line: 1, column: 1),
                        "\(groupsFolder)/ is not read when --config names a file; pass the directory \(directory.isEmpty ? "." : directory) to include it"
                    ))
            }
            return ConfigFiles(paths: [path], directory: directory.isEmpty ? "." : directory, notes: notes)
        }
        let main = join(path, mainFileName)
        guard fileManager.fileExists(atPath: main) else {
            throw DiagnosticsError([.error("no \(mainFileName) in \(path)")])
        }
        let groups = yamlFiles(in: join(path, groupsFolderName))
        return ConfigFiles(paths: [main] + groups, directory: path, notes: [])
    }

    private static func yamlFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { join(folder, $0) }
    }

    static func join(_ folder: String, _ name: String) -> String {
        if folder == "." { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
