import Foundation

/// A request to stop an apply (SIGINT, SIGTERM, SIGHUP): no new write starts, the writes in
/// flight finish, and the report and the audit log say what was not attempted.
public final class ApplyStop: @unchecked Sendable {
    private let lock = NSLock()
    private var signal: Int32?
    private var writing = false

    public init() {}

    /// Marks the start of the writes: from here a signal lets the writes under way finish.
    public func beginWriting() { lock.withLock { writing = true } }

    public var isWriting: Bool { lock.withLock { writing } }

    /// Records the request; false when one was made already (a second signal: exit at once).
    public func request(signal number: Int32) -> Bool {
        lock.withLock {
            guard signal == nil else { return false }
            signal = number
            return true
        }
    }

    /// The signal that asked to stop, if any.
    public var requested: Int32? { lock.withLock { signal } }

    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}
