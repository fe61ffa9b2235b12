import Foundation
import Subprocesses

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// What a program printed, and how it ended.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs programs for tests through kisictl's own runner, so that a hang fails the test (after
/// ten minutes) instead of stalling CI, and nothing a test starts outlives it.
enum Subprocess {
    static func run(
        _ executable: String, _ arguments: [String], in directory: String = repositoryRoot,
        environment: [String: String] = [:]
    ) throws -> Run {
        let completion = try ProcessRunner.run(
            .init(
                program: executable, arguments: arguments, directory: directory,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, timeout: .seconds(600)))
        let status: Int32
        switch completion.termination {
        case .exited(let code): status = code
        case .signalled(let signal): status = 128 + signal
        }
        return Run(
            status: status, stdout: String(decoding: completion.stdout, as: UTF8.self),
            stderr: String(decoding: completion.stderr, as: UTF8.self))
    }
}

/// Runs the built `kisictl` binary, as a user would.
struct Kisictl {
    typealias Run = kisictlTests.Run

    /// The binary next to the test bundle (swift test builds it because this target depends on it).
    static let binary: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kisictl").path,
            Bundle.main.bundleURL.appendingPathComponent("kisictl").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("kisictl").path,
            repositoryRoot + "/.build/debug/kisictl",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    /// `run` on a thread of its own, for async tests that serve a sandbox in this process: a
    /// blocked thread of the (two-thread) cooperative pool could starve the sandbox the child
    /// is talking to.
    static func runOffPool(
        _ arguments: [String], in directory: String = repositoryRoot,
        environment: [String: String] = [:]
    ) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try run(arguments, in: directory, environment: environment) }) }.start()
        }
    }

    static func run(_ arguments: [String], in directory: String = repositoryRoot, environment: [String: String] = [:]) throws -> Run {
        try Subprocess.run(binary, arguments, in: directory, environment: environment)
    }
}

/// Polls `condition` until it holds or `seconds` pass: for a file another process writes.
func waitUntil(seconds: TimeInterval, _ condition: () -> Bool) {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline, !condition() { Thread.sleep(forTimeInterval: 0.05) }
}

/// Whether a file exists and holds something.
func hasContent(_ path: String) -> Bool { !((try? String(contentsOfFile: path, encoding: .utf8))?.isEmpty ?? true) }
