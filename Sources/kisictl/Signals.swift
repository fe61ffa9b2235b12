import Dispatch
import Foundation
import Reconciler
import Subprocesses

/// What SIGINT, SIGTERM and SIGHUP do, one handler at a time. By default kisictl stops the
/// programs it started (a member-data command runs in its own process group, out of reach of
/// the terminal's Ctrl-C) and ends with 128 + the signal; apply installs its own handler once it
/// holds the lock.
enum Signals {
    static let stopping = [SIGINT, SIGTERM, SIGHUP]

    /// The sources stay for the life of the process; only the handler they call changes
    /// (cancelling a signal source and making another for the same signal can lose the signal).
    private final class Handler: @unchecked Sendable {
        let lock = NSLock()
        var current: (@Sendable (Int32) -> Void)?
        var sources: [any DispatchSourceSignal] = []
    }

    private static let handler = Handler()

    /// Leaves the signals to the command itself (`sandbox serve` shuts its server down).
    static func leaveToCommand() {
        handler.lock.withLock { handler.current = nil }
    }

    /// Replaces the handler of the three signals.
    static func handle(_ body: @escaping @Sendable (Int32) -> Void) {
        handler.lock.withLock {
            handler.current = body
            guard handler.sources.isEmpty else { return }
            handler.sources = stopping.map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { handler.lock.withLock { handler.current }?(number) }
                source.resume()
                return source
            }
        }
    }

    /// Ends at once, stopping the programs kisictl started first.
    static func endPromptly() {
        handle { number in end(number) }
    }

    static func end(_ number: Int32) -> Never {
        ProcessRunner.terminateAll()
        _exit(128 + number)
    }

    /// Apply's handler, once it holds the lock: before the first write a signal releases the
    /// lock and ends (nothing was changed); during the writes it asks the apply to stop after
    /// the writes under way (the report, the audit log and the lock then end as usual); a second
    /// signal ends the process at once.
    static func stopApply(_ stop: ApplyStop, lock: ApplyLock) {
        handle { number in
            guard stop.isWriting else {
                ProcessRunner.terminateAll()
                lock.release()
                Output.standardError("\n\(ApplyStop.name(number)): stopped before any write to Kisi; nothing was changed.\n")
                _exit(128 + number)
            }
            guard stop.request(signal: number) else { end(number) }
            Output.standardError("\n\(ApplyStop.name(number)): stopping after the writes under way (again to stop at once)…\n")
        }
    }
}
