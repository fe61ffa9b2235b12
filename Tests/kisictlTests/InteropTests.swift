import Foundation
import Testing

/// Clients other than kisictl against `kisictl sandbox serve`: if the sandbox agreed with
/// kisictl only where both are wrong about Kisi, Kisi's own client would notice.
@Suite("Other Kisi clients against kisictl sandbox serve", .serialized)
struct InteropTests {
    /// A checkout of github.com/kisi-inc/client-js (not part of this repository).
    static let clientJS = ProcessInfo.processInfo.environment["KISI_CLIENT_JS"]
    static let node = ["/usr/bin/node", "/usr/local/bin/node"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static let seed = """
        organization: {name: Client JS Test}
        api_keys: [{key: seeded-key, user: owner@example.com, role: owner}]
        places: [{name: Main Office, locks: [Front Door]}]
        users:
          - {email: owner@example.com, name: Owner, password: client-js-password}
          - {email: client@example.org, name: Client JS}
          - {email: pia+gym@example.org, name: Pia}
          - {email: pia gym@example.org, name: Not Pia}
        groups:
          - {name: Staff, members: [owner@example.com]}
          - {name: Visitors}
        """

    @Test(
        "Kisi's own JS client: every call it makes passes (set KISI_CLIENT_JS to a checkout of kisi-inc/client-js)",
        .enabled(if: clientJS != nil && node != nil))
    func kisiClientJS() throws {
        let folder = NSTemporaryDirectory() + "kisictl-client-js-" + UUID().uuidString
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: folder + "/node_modules/humps", withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: folder + "/client/src", withIntermediateDirectories: true)
        let interop = repositoryRoot + "/Tests/Interop/client-js"
        try fileManager.copyItem(atPath: interop + "/humps.cjs", toPath: folder + "/node_modules/humps/humps.cjs")
        try #"{"name": "humps", "main": "humps.cjs"}"#.write(toFile: folder + "/node_modules/humps/package.json", atomically: true, encoding: .utf8)
        try fileManager.copyItem(atPath: Self.clientJS! + "/src/index.js", toPath: folder + "/client/src/index.js")
        try #"{"type": "module"}"#.write(toFile: folder + "/client/package.json", atomically: true, encoding: .utf8)
        try fileManager.copyItem(atPath: interop + "/drive.mjs", toPath: folder + "/drive.mjs")
        try Self.seed.write(toFile: folder + "/sandbox.yaml", atomically: true, encoding: .utf8)

        let server = try ServedSandbox(seed: folder + "/sandbox.yaml")
        defer { server.stop() }
        let run = try Subprocess.run(
            Self.node!, [folder + "/drive.mjs", folder + "/client/src/index.js", server.baseURL, "owner@example.com", "client-js-password"],
            in: folder)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("ok ") }.count == 16, "\(run.stdout)")
    }
}

/// `kisictl sandbox serve` in a process of its own, on a free port.
final class ServedSandbox {
    let process = Process()
    let baseURL: String

    init(seed: String, arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Kisictl.binary)
        process.arguments = ["sandbox", "serve", "--seed", seed, "--port", "0", "--rate-limit", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n"), process.isRunning {
            text += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, let range = line.range(of: "http://") else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile)
        }
        baseURL = String(line[range.lowerBound...])
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
