import AccessModel
import Foundation
import JSONSupport
import PlanModel

/// One JSON object per line for every write to Kisi, so "when and why did we revoke Hugo?" has
/// an answer: the time, the plan, the action and address, the Kisi ids (the role assignment's
/// included), the window before and after, the reasons and the outcome. Each key once per line.
/// E-mails are masked, with the plan's keyed hash so `kisictl log EMAIL` finds a person's lines;
/// the API key is never written.
public final class AuditLog: @unchecked Sendable {
    /// What the log needs of the plan being applied.
    public struct Context: Sendable {
        /// The plan's id (``PlanFile/id(of:)``).
        public var planID: String
        public var maskSalt: String
        /// A change's reasons in words (the renderers own the words).
        public var reasons: @Sendable (ResourceChange) -> [String]

        public init(planID: String, maskSalt: String, reasons: @escaping @Sendable (ResourceChange) -> [String]) {
            self.planID = planID
            self.maskSalt = maskSalt
            self.reasons = reasons
        }
    }

    public let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    /// Why the log stopped taking lines; once set, every later line is refused, so the apply
    /// makes no write the log cannot record.
    private var brokenBy: String?
    private let clock: @Sendable () -> Date
    private let context: Context

    public init(path: String, context: Context, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try PrivateFolder.create(folder) }
        // Appending: lines of several applies (or sites) sharing a log interleave whole, never overwrite.
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        self.path = path
        self.descriptor = descriptor
        self.clock = clock
        self.context = context
    }

    deinit { close(descriptor) }

    /// The log cannot be written.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var reason: String

        public var description: String { "cannot write the audit log \(path): \(reason)" }
    }

    /// Why the log stopped taking lines, if it did.
    public var failure: Failure? { lock.withLock { brokenBy.map { Failure(path: path, reason: $0) } } }

    /// `a***@example.com#3f9a2c1b7e40`: the form a person has in the log.
    public static func person(_ email: String, salt: String) -> String {
        EmailAddress.masked(email) + "#" + PlanKey.tag(EmailAddress.normalized(email), salt: salt)
    }

    /// Writes one line; false when the log cannot take it (then or since). `ids` are the Kisi
    /// ids and names the write used (`kisi_group_id`, `user_id`, `new_role_assignment_id`, …); a
    /// key already written from the change is not repeated. Outcome `intent` precedes a write.
    @discardableResult
    public func record(
        action: String, change: ResourceChange, target ids: [(String, JSONValue)], outcome: String, detail: String? = nil
    ) -> Bool {
        var line = Line()
        line["time"] = .string(Instant(clock()).rfc3339)
        line["plan_id"] = .string(context.planID)
        line["action"] = .string(action)
        var address = change.address
        if let role = change.role, address.kind == .role || address.kind == .user {
            let person = Self.person(role.email, salt: context.maskSalt)
            address.index = person
            line["person"] = .string(person)
        }
        line["address"] = .string(address.description)
        line["group"] = .string(change.address.group)
        if let role = change.role {
            line["user_id"] = role.holder.kisiID.map(JSONValue.int)
            line["role_assignment_id"] = change.before?.role?.kisiID.map(JSONValue.int)
            line["window_before"] = change.before?.role.map { Self.window($0.window) }
            line["window_after"] = change.after?.role.map { Self.window($0.window) }
        }
        for (key, value) in ids { line[key] = value }
        line["reasons"] = .array(context.reasons(change).map(JSONValue.string))
        line["outcome"] = .string(outcome)
        line["detail"] = detail.map(JSONValue.string)
        let bytes = Array((JSONValue.object(line.members).rendered(pretty: false) + "\n").utf8)
        return lock.withLock {
            guard brokenBy == nil else { return false }
            // One write per line: with O_APPEND, lines from several writers do not tear each other.
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written != bytes.count { brokenBy = written < 0 ? String(cString: strerror(errno)) : "a short write" }
            return brokenBy == nil
        }
    }

    static func window(_ window: PlanWindow) -> JSONValue {
        .object([("valid_from", .string(window.from?.rfc3339)), ("valid_until", .string(window.until?.rfc3339))])
    }

    /// An object's members in the order first written, each key once: a later value replaces it.
    struct Line {
        private(set) var members: [(String, JSONValue)] = []

        subscript(key: String) -> JSONValue? {
            get { members.first { $0.0 == key }?.1 }
            set {
                if let index = members.firstIndex(where: { $0.0 == key }) {
                    if let newValue { members[index].1 = newValue } else { members.remove(at: index) }
                } else if let newValue {
                    members.append((key, newValue))
                }
            }
        }
    }
}
