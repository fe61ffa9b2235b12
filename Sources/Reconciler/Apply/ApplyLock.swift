import Foundation

/// A lock file beside the config that keeps two applies from running at once. It records who
/// holds it and since when; a lock left by a process that no longer runs on this host is taken
/// over, so a crash does not block the next run.
public final class ApplyLock: Sendable {
    public let path: String

    public struct Holder: Codable, Sendable, Equatable {
        public var pid: Int32
        public var host: String
        public var user: String
        public var since: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case held(path: String, by: Holder)
        case cannotCreate(String)

        public var description: String {
            switch self {
            case .held(let path, let holder):
                return
                    "another apply holds \(path): process \(holder.pid) of \(holder.user) on \(holder.host), since \(holder.since). Wait for it (--lock-timeout), or remove the file if that apply is gone."
            case .cannotCreate(let path):
                return "cannot create the lock file \(path)"
            }
        }
    }

    private init(path: String) { self.path = path }

    /// Takes the lock, waiting up to `timeout` seconds for a holder to let go.
    public static func acquire(at path: String, timeout: TimeInterval, now: () -> Date = { Date() }) throws -> ApplyLock {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? PrivateFolder.create(folder) }
        let deadline = now().addingTimeInterval(timeout)
        while true {
            if try create(path) { return ApplyLock(path: path) }
            let holder = read(path)
            if let holder, holder.host == hostName(), kill(holder.pid, 0) != 0, errno == ESRCH {
                unlink(path)  // left by a process that is gone
                continue
            }
            if now() >= deadline {
                throw Failure.held(path: path, by: holder ?? Holder(pid: 0, host: "?", user: "?", since: "?"))
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    public func release() {
        unlink(path)
    }

    private static func create(_ path: String) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        if descriptor < 0 {
            if errno == EEXIST { return false }
            throw Failure.cannotCreate(path)
        }
        let holder = Holder(
            pid: getpid(), host: hostName(), user: ProcessInfo.processInfo.environment["USER"] ?? "unknown",
            since: ISO8601DateFormatter().string(from: Date()))
        let data = (try? JSONEncoder().encode(holder)) ?? Data()
        _ = data.withUnsafeBytes { write(descriptor, $0.baseAddress, data.count) }
        close(descriptor)
        return true
    }

    static func read(_ path: String) -> Holder? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Holder.self, from: data)
    }

    static func hostName() -> String { ProcessInfo.processInfo.hostName }
}
