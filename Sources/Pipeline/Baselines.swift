import AccessModel
import Foundation
import KisiConfig
import Subprocesses

/// Where a baseline config comes from: a folder (a checkout of the base branch), or git.
public enum Baselines {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case notInGit(String)
        case git(String, String)
        case noConfig(ref: String, path: String)
        case invalid(String, [Diagnostic])

        public var description: String {
            switch self {
            case .notInGit(let path): return "--baseline-ref needs the config in a git repository, and \(path) is not in one"
            case .git(let command, let message): return "git \(command) failed: \(message)"
            case .noConfig(let ref, let path): return "\(ref) has no \(path): the config did not exist there (use --baseline with a folder)"
            case .invalid(let label, let diagnostics):
                return "the baseline config (\(label)) does not load: "
                    + diagnostics.filter { $0.severity == .error }.prefix(3).map(\.description).joined(separator: "; ")
            }
        }
    }

    /// The config in a folder or file, as the base branch has it checked out.
    public static func folder(_ path: String) throws(Failure) -> PlanningPipeline.Baseline {
        do {
            return PlanningPipeline.Baseline(config: try ConfigLoader.load(path: path), label: path)
        } catch {
            throw .invalid(path, error.diagnostics)
        }
    }

    /// The same config (`configPath`: a file or a site folder) as it was at a git revision.
    public static func git(_ ref: String, configPath: String) throws(Failure) -> PlanningPipeline.Baseline {
        let absolute = URL(fileURLWithPath: configPath).standardizedFileURL.path
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder)
        let folder = isFolder.boolValue ? absolute : (absolute as NSString).deletingLastPathComponent
        let top: String
        do {
            top = try run(["rev-parse", "--show-toplevel"], in: folder).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw .notInGit(configPath)
        }
        let resolvedTop = URL(fileURLWithPath: top).resolvingSymlinksInPath().path
        let resolved = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
        guard resolved.hasPrefix(resolvedTop) else { throw .notInGit(configPath) }
        let relative = String(resolved.dropFirst(resolvedTop.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        _ = try run(["rev-parse", "--verify", "--quiet", ref + "^{commit}"], in: top)

        let target = NSTemporaryDirectory() + "kisictl-baseline-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: target) }
        let files: [(String, String)]
        if isFolder.boolValue {
            let prefix = relative.isEmpty ? "" : relative + "/"
            let listed = try run(["ls-tree", "-r", "--name-only", ref, "--", relative.isEmpty ? "." : relative], in: top)
                .split(separator: "\n").map(String.init)
            let main = prefix + ConfigLoader.mainFileName
            guard listed.contains(main) else { throw .noConfig(ref: ref, path: main) }
            files = listed.compactMap { path in
                let inside = String(path.dropFirst(prefix.count))
                if inside == ConfigLoader.mainFileName { return (path, inside) }
                let groupsFolder = ConfigLoader.groupsFolderName + "/"
                if inside.hasPrefix(groupsFolder), inside.hasSuffix(".yaml"), !inside.dropFirst(groupsFolder.count).contains("/") {
                    return (path, inside)
                }
                return nil
            }
        } else {
            files = [(relative, ConfigLoader.mainFileName)]
        }
        do {
            try FileManager.default.createDirectory(atPath: target + "/" + ConfigLoader.groupsFolderName, withIntermediateDirectories: true)
            for (path, inside) in files {
                let text: String
                do {
                    text = try run(["show", "\(ref):\(path)"], in: top)
                } catch {
                    throw Failure.noConfig(ref: ref, path: path)
                }
                try text.write(toFile: target + "/" + inside, atomically: true, encoding: .utf8)
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .git("show", "\(error)")
        }
        do {
            return PlanningPipeline.Baseline(config: try ConfigLoader.load(path: target), label: ref)
        } catch {
            throw .invalid(ref, error.diagnostics)
        }
    }

    /// Runs git, and returns its output; a failure carries git's message.
    private static func run(_ arguments: [String], in folder: String) throws(Failure) -> String {
        let completion: ProcessRunner.Completion
        do {
            completion = try ProcessRunner.run(.init(program: "git", arguments: arguments, directory: folder, timeout: .seconds(120)))
        } catch {
            throw .git(arguments.first ?? "", "cannot run git: \(error)")
        }
        guard completion.succeeded else {
            let message = String(decoding: completion.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let how = completion.stop == .timedOut ? "did not finish within 2 minutes" : "\(completion.termination)"
            throw .git(arguments.joined(separator: " "), message.isEmpty ? how : message)
        }
        return String(decoding: completion.stdout, as: UTF8.self)
    }
}
