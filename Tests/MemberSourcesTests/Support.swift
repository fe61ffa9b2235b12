import AccessModel
import Foundation
import MemberSources

/// A throwaway folder of member-data files.
struct DataFolder {
    let path: String

    init(_ files: [String: String]) throws {
        path = NSTemporaryDirectory() + "kisictl-data-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
            if name.hasSuffix(".sh") {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path + "/" + name)
            }
        }
    }

    func load() throws(DiagnosticsError) -> LoadedMemberData {
        try MemberSource.load(.files(directory: path), relativeTo: "/")
    }

    func run(
        _ arguments: [String], timeout: TimeSpan = .minutes(1), maxOutput: Int = SourceSpec.defaultMaxOutput,
        withholding secrets: [String] = []
    ) throws(DiagnosticsError) -> LoadedMemberData {
        try MemberSource.load(
            .command(arguments: arguments, timeout: timeout, maxOutput: maxOutput), relativeTo: path, withholding: secrets)
    }

    /// Every diagnostic of a failed load, with this folder removed from file names.
    func problems(_ load: () throws(DiagnosticsError) -> LoadedMemberData) -> [String] {
        do {
            let loaded = try load()
            return loaded.warnings.map { strip($0.description) }
        } catch {
            return error.diagnostics.map { strip($0.description) }
        }
    }

    func strip(_ text: String) -> String { text.replacingOccurrences(of: path + "/", with: "") }
}

let customersCSV = "id,name,email,company_id\nc-1,Ann Archer,ann@example.com,\nc-2,Ben Brown,ben@example.com,co-1\n"
