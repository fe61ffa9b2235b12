import Foundation

/// A lock file beside the config that keeps two applies from running at once, held with
/// `flock`: the kernel lets go when the holder's process ends however it ends, so a crash never
/// blocks the next run, and what the file holds (a reused pid, nothing, garbage, another host's
/// name) can neither fool nor jam it. The file says who holds the lock and since when, for the
/// message a waiting apply prints; it is never deleted, so two applies always lock one file.
public final class ApplyLock: @unchecked Sendable {
    public let path: String
    /// The holder the file named when this apply took the lock: one that ended without letting
    /// go (killed, or its machine lost), announced so that the operator knows.
    public let previous: Holder?
    /// The file held something other than a holder's record when this apply took the lock.
    public let previousUnreadable: Bool
    private let descriptor: Int32
    private let lock = NSLock()
    private var released = false

    public struct Holder: Codable, Sendable, Equatable {
        public var pid: Int32
        public var host: String
        public var user: String
        public var since: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case held(path: String, by: Holder?)
        case cannotOpen(String, reason: String)

        public var description: String {
            switch self {
            case .held(let path, let holder?):
                return
                    "another apply holds \(path): process \(holder.pid) of \(holder.user) on \(holder.host), since \(holder.since). Wait for it (--lock-timeout)."
            case .held(let path, nil):
                return "another apply holds \(path) (it has not said who yet). Wait for it (--lock-timeout)."
            case .cannotOpen(let path, let reason):
                return "cannot open the lock file \(path): \(reason). It must be a regular file kisictl can write; remove or fix it."
            }
        }
    }

    private init(path: String, descriptor: Int32, previous: Holder?, previousUnreadable: Bool) {
        self.path = path
        self.descriptor = descriptor
        self.previous = previous
        self.previousUnreadable = previousUnreadable
    }

    deinit { release() }

    /// Takes the lock, waiting up to `timeout` seconds for a holder to let go.
    public static func acquire(at path: String, timeout: TimeInterval, now: () -> Date = { Date() }) throws -> ApplyLock {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? PrivateFolder.create(folder) }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw Failure.cannotOpen(path, reason: String(cString: strerror(errno))) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw Failure.cannotOpen(path, reason: "not a regular file")
        }
        let deadline = now().addingTimeInterval(timeout)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw Failure.cannotOpen(path, reason: reason)
            }
            if now() >= deadline {
                close(descriptor)
                throw Failure.held(path: path, by: read(path))
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let leftover = FileManager.default.contents(atPath: path) ?? Data()
        let previous = try? JSONDecoder().decode(Holder.self, from: leftover)
        let holder = Holder(
            pid: getpid(), host: hostName(), user: ProcessInfo.processInfo.environment["USER"] ?? "unknown",
            since: ISO8601DateFormatter().string(from: Date()))
        let data = (try? JSONEncoder().encode(holder)) ?? Data()
        ftruncate(descriptor, 0)
        _ = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, data.count, 0) }
        return ApplyLock(path: path, descriptor: descriptor, previous: previous, previousUnreadable: previous == nil && !leftover.isEmpty)
    }

    /// Whether an apply holds the lock now, and what the file says, without taking it. The file
    /// is opened read-only and never created.
    public static func holder(at path: String) throws -> (held: Bool, holder: Holder?) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            if errno == ENOENT { return (false, nil) }
            throw Failure.cannotOpen(path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw Failure.cannotOpen(path, reason: "not a regular file")
        }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else {
            guard errno == EWOULDBLOCK else { throw Failure.cannotOpen(path, reason: String(cString: strerror(errno))) }
            return (true, read(path))
        }
        flock(descriptor, LOCK_UN)
        return (false, read(path))
    }

    /// Lets go: the file is emptied (nobody holds it) and unlocked, never deleted.
    public func release() {
        lock.withLock {
            guard !released else { return }
            released = true
            ftruncate(descriptor, 0)
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }

    /// Who the file says holds the lock; nil when it says nothing readable.
    public static func read(_ path: String) -> Holder? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Holder.self, from: data)
    }

    public static func hostName() -> String { ProcessInfo.processInfo.hostName }
}
