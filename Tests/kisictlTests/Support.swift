import Foundation

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// What a program printed, and how it ended.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs programs for tests: both outputs read at once (neither pipe can fill and stall it).
enum Subprocess {
    static func run(
        _ executable: String, _ arguments: [String], in directory: String = repositoryRoot,
        environment: [String: String] = [:]
    ) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let errors = ErrorOutput()
        let reader = Thread {
            errors.data = stderr.fileHandleForReading.readDataToEndOfFile()
            errors.done.signal()
        }
        reader.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        errors.done.wait()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: errors.data, as: UTF8.self))
    }

    private final class ErrorOutput: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
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
