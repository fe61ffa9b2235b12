import AccessModel
import Foundation
import KisiConfig
import TestSupport

/// The repository root, found from this file's path so tests run from any directory.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// A throwaway site directory: `kisictl.yaml`, optional group files and a minimal data folder.
struct TemporarySite {
    let path: String

    init(_ main: String, groups: [String: String] = [:]) throws {
        path = NSTemporaryDirectory() + "kisictl-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path + "/groups", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path + "/data", withIntermediateDirectories: true)
        try main.write(toFile: path + "/kisictl.yaml", atomically: true, encoding: .utf8)
        for (name, text) in groups {
            try text.write(toFile: path + "/groups/" + name, atomically: true, encoding: .utf8)
        }
    }

    func load() -> Result<LoadedConfig, DiagnosticsError> {
        Result { () throws(DiagnosticsError) in try ConfigLoader.load(path: path) }
    }

    /// The diagnostics of a failed load, with this site's folder removed from file names.
    func errors() -> [String] {
        guard case .failure(let error) = load() else { return [] }
        return error.diagnostics.map { $0.description.replacingOccurrences(of: path + "/", with: "") }
    }
}

/// A config with everything required, the given text appended under `groups:`.
func minimalConfig(groups: String, extra: String = "") -> String {
    """
    version: 1
    timezone: Europe/London
    source:
      files: data
    \(extra)groups:
    \(groups)
    """
}
