import AccessModel
import Foundation
import JSONSupport

/// A program that prints every entity as one JSON object on stdout:
/// `{"customers": [...], "memberships": [...], "registrations": [...], "bookings": [...]}`.
///
/// It lets any platform's API feed kisictl through a small script. The program runs in the
/// config's folder, with a timeout; its stderr is quoted when it fails.
struct CommandSource {
    let arguments: [String]
    let directory: String
    let timeout: TimeSpan

    var label: String { "command \(arguments[0])" }

    func load() throws(DiagnosticsError) -> LoadedMemberData {
        let result: ProcessRunner.Result
        do {
            result = try ProcessRunner.run(arguments, in: directory, timeout: timeout)
        } catch {
            throw DiagnosticsError([.error("source \(label): \(error.message)")])
        }
        let stderr = Self.excerpt(result.stderr)
        if result.timedOut {
            throw DiagnosticsError([.error("source \(label) did not finish within \(timeout) and was stopped\(stderr)")])
        }
        guard result.status == 0 else {
            throw DiagnosticsError([.error("source \(label) exited with status \(result.status)\(stderr)")])
        }
        let outputName = "\(arguments[0]) output"
        let value: JSONValue
        do {
            value = try JSONParser.parse(result.stdout)
        } catch {
            throw DiagnosticsError([
                .error(
                    at: SourceLocation(file: outputName, line: error.line),
                    "source \(label) printed invalid JSON: \(error.message)\(stderr)")
            ])
        }
        guard case .object(let members, _) = value else {
            throw DiagnosticsError([
                .error(
                    "source \(label) printed \(value.kindDescription); expected one JSON object {\"customers\": [...], \"memberships\": [...], …}\(stderr)"
                )
            ])
        }
        var builder = MemberDataBuilder()
        let entities = MemberEntity.allCases.map(\.rawValue)
        for (key, entityValue) in members {
            guard let entity = MemberEntity(rawValue: key) else {
                if let suggestion = Suggestions.closest(to: key, in: entities) {
                    builder.decoder.append(
                        .error(
                            at: SourceLocation(file: outputName, line: 1), path: key,
                            "unknown key \"\(key)\" (did you mean \"\(suggestion)\"?)"))
                }
                continue
            }
            builder.addJSONRows(entityValue, entity: entity, file: outputName, line: 1)
        }
        let (data, warnings) = try builder.finish(customersLabel: "the \"customers\" array of \(label)")
        return LoadedMemberData(
            data: data, warnings: warnings, origin: "command \(arguments.joined(separator: " "))",
            fingerprint: Fingerprint.of(bytes: result.stdout), files: [outputName: Fingerprint.of(bytes: result.stdout)])
    }

    /// The end of the program's stderr, ready to append to a message.
    static func excerpt(_ stderr: [UInt8]) -> String {
        let text = String(decoding: stderr, as: UTF8.self).trimmingWhitespace()
        guard !text.isEmpty else { return "" }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(20)
        var quoted = lines.joined(separator: "\n")
        if quoted.count > 2000 { quoted = "…" + quoted.suffix(2000) }
        return "; its stderr says:\n" + quoted.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}

/// Runs a program to completion with a timeout, capturing stdout and stderr.
enum ProcessRunner {
    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
        var timedOut: Bool
    }

    struct Failure: Error {
        var message: String
    }

    static func run(_ arguments: [String], in directory: String, timeout: TimeSpan) throws(Failure) -> Result {
        guard let program = arguments.first, !program.isEmpty else { throw Failure(message: "the command is empty") }
        let executable = try resolve(program, in: directory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw Failure(message: "cannot start \(executable): \(error.localizedDescription)")
        }
        let output = Collector(stdout.fileHandleForReading)
        let errors = Collector(stderr.fileHandleForReading)
        var timedOut = false
        if exited.wait(timeout: .now() + .seconds(Int(timeout.seconds))) == .timedOut {
            timedOut = true
            process.terminate()
            if exited.wait(timeout: .now() + .seconds(3)) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
        }
        return Result(status: process.terminationStatus, stdout: output.wait(), stderr: errors.wait(), timedOut: timedOut)
    }

    /// A path with a `/` is relative to the config's folder; a bare name is looked up in PATH.
    private static func resolve(_ program: String, in directory: String) throws(Failure) -> String {
        let fileManager = FileManager.default
        if program.contains("/") {
            let path = program.hasPrefix("/") ? program : MemberSource.join(directory, program)
            guard fileManager.isExecutableFile(atPath: path) else {
                throw Failure(
                    message: fileManager.fileExists(atPath: path) ? "\(path) is not executable (chmod +x it)" : "program not found: \(path)")
            }
            return path
        }
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in searchPath.split(separator: ":") {
            let candidate = MemberSource.join(String(folder), program)
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Failure(message: "program \"\(program)\" not found in PATH")
    }

    /// Drains a pipe on a background thread so a chatty program never blocks on a full pipe.
    private final class Collector: @unchecked Sendable {
        private var bytes: [UInt8] = []
        private let lock = NSLock()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                let data = [UInt8](handle.readDataToEndOfFile())
                lock.withLock { bytes = data }
                done.signal()
            }
        }

        func wait() -> [UInt8] {
            // A grandchild holding the pipe open must not hang kisictl after the program ended.
            _ = done.wait(timeout: .now() + .seconds(5))
            return lock.withLock { bytes }
        }
    }
}
