import ArgumentParser
import Foundation
import KisiSandbox

/// Throughput of the sandbox over loopback HTTP with rate limiting off: keep-alive connections,
/// each sending simple GETs back to back, as fast as the server answers.
struct SandboxBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Requests per second the sandbox serves on loopback (rate limiting off)."
    )

    @Option(help: "The seed to serve.")
    var seed = "examples/studio/sandbox.yaml"

    @Option(help: "The request path.")
    var path = "/groups?limit=10"

    @Option(help: "Concurrent keep-alive connections.")
    var connections = 4

    @Option(help: "Seconds per run.")
    var seconds = 5.0

    @Option(help: "Timed runs; the median is reported.")
    var runs = 5

    func run() async throws {
        let state = try SandboxSeed.load(path: seed).state()
        let key = state.apiKeys[0].key
        let running = try await SandboxServer(api: SandboxAPI(store: SandboxStore(state: state, stateFile: nil), rateLimit: 0)).start()
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: KISI-LOGIN \(key)\r\nAccept: application/json\r\n\r\n".utf8)
        print("sandbox on \(running.baseURL): GET \(path), \(connections) keep-alive connections, \(runs) runs of \(seconds) s")
        var rates: [Double] = []
        for run in 1...runs {
            let counts = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<connections {
                    group.addTask { await Self.hammer(port: running.port, request: request, seconds: seconds) }
                }
                return await group.reduce(into: [Int]()) { $0.append($1) }
            }
            if counts.contains(-1) {
                print("run \(run): a request failed")
                continue
            }
            let rate = Double(counts.reduce(0, +)) / seconds
            rates.append(rate)
            print(String(format: "run %d: %.0f requests/s", run, rate))
        }
        await running.stop()
        let sorted = rates.sorted()
        guard !sorted.isEmpty else { return }
        print(String(format: "median %.0f requests/s (min %.0f, max %.0f)", sorted[sorted.count / 2], sorted.first!, sorted.last!))
    }

    /// Sends requests on one connection until time is up; the number answered 200, or -1.
    static func hammer(port: Int, request: [UInt8], seconds: Double) async -> Int {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: HTTPConnection(port: port).map { $0.repeatRequests(request, for: seconds) } ?? -1)
            }
        }
    }
}

/// A minimal blocking HTTP/1.1 keep-alive client over a POSIX socket: enough to measure a
/// server without the client's own overhead dominating.
final class HTTPConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []

    init?(port: Int) {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(socket) }

    func repeatRequests(_ request: [UInt8], for seconds: Double) -> Int {
        let end = Date().addingTimeInterval(seconds)
        var answered = 0
        while Date() < end {
            guard send(socket, request, request.count, 0) == request.count, let status = readResponse() else { return -1 }
            if status == 200 { answered += 1 }
        }
        return answered
    }

    /// Reads one response (headers and a Content-Length body); its status.
    private func readResponse() -> Int? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let headerEnd = find([13, 10, 13, 10]) {
                let head = String(decoding: buffer[..<headerEnd], as: UTF8.self)
                let lines = head.split(separator: "\r\n")
                guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ")[1]) else { return nil }
                let length =
                    lines.dropFirst().first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                let total = headerEnd + 4 + length
                while buffer.count < total {
                    let received = recv(socket, &chunk, chunk.count, 0)
                    guard received > 0 else { return nil }
                    buffer += chunk[..<received]
                }
                buffer.removeFirst(total)
                return status
            }
            let received = recv(socket, &chunk, chunk.count, 0)
            guard received > 0 else { return nil }
            buffer += chunk[..<received]
        }
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for index in 0...(buffer.count - pattern.count) where buffer[index] == pattern[0] {
            if Array(buffer[index..<index + pattern.count]) == pattern { return index }
        }
        return nil
    }
}
