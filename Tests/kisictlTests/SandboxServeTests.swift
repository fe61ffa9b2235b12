import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `kisictl sandbox serve` as an operator runs it: a separate process on a real port.
@Suite("kisictl sandbox serve", .serialized)
struct SandboxServeTests {
    /// A running `kisictl sandbox serve`, its base URL read from what it prints.
    final class Server: @unchecked Sendable {
        let process = Process()
        let output = Pipe()
        private(set) var baseURL = ""
        private(set) var banner = ""

        init(_ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: Kisictl.binary)
            process.arguments = ["sandbox", "serve", "--port", "0"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, !banner.contains("Stop with Ctrl-C") {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { break }
                banner += String(decoding: data, as: UTF8.self)
            }
            guard let line = banner.split(separator: "\n").first(where: { $0.hasPrefix("Kisi sandbox listening on ") }) else {
                throw CocoaError(.fileReadUnknown, userInfo: ["output": banner])
            }
            baseURL = String(line.dropFirst("Kisi sandbox listening on ".count))
        }

        func send(_ method: String, _ path: String, body: String? = nil, key: String) async throws -> (Int, String) {
            var request = URLRequest(url: URL(string: baseURL + path)!)
            request.httpMethod = method
            request.setValue("KISI-LOGIN \(key)", forHTTPHeaderField: "Authorization")
            request.timeoutInterval = 10
            request.httpBody = body.map { Data($0.utf8) }
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }

        func kill(_ signal: Int32) {
            Foundation.kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }
    }

    @Test("it prints its base URL and API key, serves Kisi's API, and stops cleanly on SIGINT and SIGTERM")
    func startsAndStops() async throws {
        for signal in [SIGINT, SIGTERM] {
            let server = try Server(["--seed", "examples/studio/sandbox.yaml"])
            #expect(server.banner.contains("API key: sandbox-studio-key"))
            let (status, body) = try await server.send("GET", "/groups?limit=2", key: "sandbox-studio-key")
            #expect(status == 200)
            #expect(body.hasPrefix("[{\"id\":"))
            server.kill(signal)
            #expect(server.process.terminationReason == .exit)
            #expect(server.process.terminationStatus == 0)
            let rest = String(decoding: server.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(rest.contains("Kisi sandbox stopped."))
        }
    }

    @Test("killed with SIGKILL during a stream of writes, it restarts holding every write it answered 2xx")
    func survivesSIGKILL() async throws {
        let state = NSTemporaryDirectory() + "kisictl-kill-\(UUID().uuidString).json"
        let server = try Server(["--seed", "examples/gym/sandbox.yaml", "--state", state, "--rate-limit", "0"])
        let answered = Answered()
        let writers = (0..<4).map { writer in
            Task {
                for n in 0..<10_000 {
                    let email = "stream-\(writer)-\(n)@example.com"
                    guard
                        let (status, _) = try? await server.send(
                            "POST", "/users", body: #"{"user":{"email":"\#(email)"}}"#,
                            key: "sandbox-gym-key")
                    else { return }
                    if status == 200 { await answered.add(email) }
                }
            }
        }
        while await answered.count < 150 { try await Task.sleep(for: .milliseconds(20)) }
        server.kill(SIGKILL)
        for writer in writers { _ = await writer.result }
        let acknowledged = await answered.emails
        #expect(acknowledged.count >= 150)

        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state))) as? [String: Any]
        let savedEmails = Set(((saved?["users"] as? [[String: Any]]) ?? []).compactMap { $0["email"] as? String })
        #expect(acknowledged.isSubset(of: savedEmails))

        let restarted = try Server(["--seed", "examples/gym/sandbox.yaml", "--state", state, "--rate-limit", "0"])
        defer { restarted.kill(SIGTERM) }
        #expect(restarted.banner.contains("resumed from"))
        var listed = Set<String>()
        var offset = 0
        while true {
            let (status, body) = try await restarted.send("GET", "/users?limit=100&offset=\(offset)", key: "sandbox-gym-key")
            #expect(status == 200)
            let page = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]]) ?? []
            listed.formUnion(page.compactMap { $0["email"] as? String })
            if page.count < 100 { break }
            offset += 100
        }
        #expect(acknowledged.isSubset(of: listed))
    }

    actor Answered {
        var emails = Set<String>()
        var count: Int { emails.count }
        func add(_ email: String) { emails.insert(email) }
    }
}
