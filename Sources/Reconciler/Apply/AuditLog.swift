import AccessModel
import Foundation
import JSONSupport
import PlanModel

/// One JSON line per write to Kisi: when, what, on which group and user, and the outcome.
/// E-mails are masked (the Kisi ids identify the user); the API key is never written.
public final class AuditLog: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private let clock: @Sendable () -> Date

    public init(path: String, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteNoPermission) }
        handle.seekToEndOfFile()
        self.handle = handle
        self.clock = clock
    }

    deinit { try? handle.close() }

    public struct Entry: Sendable {
        public var action: String
        public var group: String
        public var target: [(String, JSONValue)]
        public var outcome: String
        public var detail: String?
    }

    public func record(action: String, group: String, target: [(String, JSONValue)], outcome: String, detail: String? = nil) {
        var members: [(String, JSONValue)] = [
            ("time", .string(KisiTimestamp.string(clock()))), ("action", .string(action)), ("group", .string(group)),
        ]
        members += target
        members.append(("outcome", .string(outcome)))
        if let detail { members.append(("detail", .string(detail))) }
        let line = JSONValue.object(members).rendered(pretty: false) + "\n"
        lock.withLock { handle.write(Data(line.utf8)) }
    }
}

enum KisiTimestamp {
    static func string(_ date: Date) -> String {
        Instant(date).rfc3339
    }
}
