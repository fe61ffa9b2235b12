import Foundation
import Subprocesses

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL server on loopback, from Debian's `postgresql` package (scripts/test
/// installs it): one per test process, started on first use in a fresh cluster under /tmp and
/// stopped when the process exits. As root it runs as the `postgres` user, since PostgreSQL
/// refuses to run as root.
public final class PostgresServer: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case failed(String, String)

        public var description: String {
            switch self {
            case .notInstalled: "PostgreSQL is not installed: run scripts/test, which installs Debian's postgresql package"
            case .failed(let step, let output): "\(step) failed: \(output)"
            }
        }
    }

    public static let user = "kisictl"
    /// Only for this throwaway cluster; tests check it never appears in output.
    public static let password = "s3cret-Pg-pass"

    public let port: Int
    let directory: String

    /// The shared server; the first call starts it.
    public static func shared() throws -> PostgresServer {
        try started.get()
    }

    private static let started: Result<PostgresServer, any Error> = Result { try PostgresServer() }

    /// `postgres://kisictl:…@127.0.0.1:PORT/DATABASE?sslmode=disable`.
    public func url(database: String = "postgres", password: String = PostgresServer.password, port: Int? = nil) -> String {
        "postgres://\(Self.user):\(password)@127.0.0.1:\(port ?? self.port)/\(database)?sslmode=disable"
    }

    /// Runs SQL with psql as the cluster's superuser, over the local socket.
    public func execute(_ sql: String, database: String = "postgres") throws {
        try run(
            "psql",
            [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", String(port), "-U", Self.user, "-d", database, "-c", sql,
            ])
    }

    private init() throws {
        guard let bin = Self.binaries() else { throw Failure.notInstalled }
        directory = "/tmp/kisictl-pg-\(getpid())-\(UUID().uuidString.prefix(8))"
        port = LoopbackPort.free()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let passwordFile = directory + "/password"
        try Self.password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        if getuid() == 0 { try run("chown", ["-R", "postgres:postgres", directory], asPostgres: false) }
        try run(
            bin + "/initdb",
            [
                "-D", directory + "/data", "-U", Self.user, "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256",
                "-E", "UTF8", "--no-sync",
            ])
        try run(
            bin + "/pg_ctl",
            [
                "-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "60", "-o",
                "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off", "start",
            ])
        Self.stopAtExit(bin + "/pg_ctl", directory + "/data")
    }

    private func run(_ program: String, _ arguments: [String], asPostgres: Bool = true) throws {
        let (program, arguments) = getuid() == 0 && asPostgres ? ("runuser", ["-u", "postgres", "--", program] + arguments) : (program, arguments)
        let completion = try ProcessRunner.run(.init(program: program, arguments: arguments, timeout: .seconds(120)))
        guard completion.succeeded else {
            throw Failure.failed(
                ([program] + arguments).joined(separator: " "),
                String(decoding: completion.stderr + completion.stdout, as: UTF8.self))
        }
    }

    /// The newest installed server's bin folder.
    static func binaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted().reversed().map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }

    nonisolated(unsafe) private static var stopCommand: [String] = []

    private static func stopAtExit(_ pgctl: String, _ data: String) {
        stopCommand = (getuid() == 0 ? ["runuser", "-u", "postgres", "--"] : []) + [pgctl, "-D", data, "-m", "immediate", "stop"]
        atexit {
            _ = try? ProcessRunner.run(
                .init(program: PostgresServer.stopCommand[0], arguments: Array(PostgresServer.stopCommand.dropFirst()), timeout: .seconds(30)))
        }
    }
}

/// Loopback ports for servers the tests start.
public enum LoopbackPort {
    /// A port nobody listens on now.
    public static func free() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
