import AccessModel
import ArgumentParser
import Foundation
import Reconciler

/// Deals with a lock on purpose. `flock` already lets go when its holder ends, however it ends,
/// so a lock is only ever held by a running apply: this command says which, clears what a
/// killed one left in the file, and with `--stop` asks a running apply on this machine to stop
/// (SIGTERM: it finishes the writes under way, reports, and releases). It never unlocks under a
/// running apply: two applies would then write at once.
struct ForceUnlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "force-unlock",
        abstract: "Show who holds the apply lock, clear a dead holder's record, or stop the apply holding it (--stop).")

    @OptionGroup var site: SiteOptions
    @OptionGroup var lock: LockOptions

    @Flag(help: "Send SIGTERM to the apply holding the lock (on this machine) and wait for it to release.")
    var stop = false

    @Option(help: ArgumentHelp("How long --stop waits for the apply to release the lock.", valueName: "duration"))
    var wait = "60s"

    func validate() throws {
        guard let span = TimeSpan(parsing: wait), span.seconds <= 3600 else {
            throw ValidationError("--wait expects a duration up to 1h, such as 30s or 2m")
        }
    }

    func run() throws {
        let loaded = try site.loadConfig(reportingErrorsAs: .text)
        let path = lock.path(stateFolder: KisiConnection.stateDirectory(for: loaded.config))
        let state: (held: Bool, holder: ApplyLock.Holder?)
        do {
            state = try ApplyLock.holder(at: path)
        } catch {
            Output.standardError("error: \(error)\n")
            throw ExitCode(1)
        }
        guard state.held else {
            if let left = state.holder {
                try clear(path)
                Output.standardOutput("No apply holds \(path). Cleared what \(Self.describe(left)) left in it (it ended without releasing).\n")
            } else {
                Output.standardOutput("No apply holds \(path).\n")
            }
            return
        }
        let who = state.holder.map(Self.describe) ?? "an apply that has not said who it is yet"
        guard stop else {
            Output.standardError(
                "error: \(path) is held by \(who), which is running. Wait for it, stop it (kisictl force-unlock --stop on its machine), or kill it; kisictl never unlocks under a running apply.\n"
            )
            throw ExitCode(1)
        }
        guard let holder = state.holder, holder.host == ApplyLock.hostName() else {
            Output.standardError("error: \(path) is held by \(who) on another machine: stop it there.\n")
            throw ExitCode(1)
        }
        guard kill(holder.pid, SIGTERM) == 0 else {
            Output.standardError("error: cannot signal process \(holder.pid): \(String(cString: strerror(errno))).\n")
            throw ExitCode(1)
        }
        Output.standardOutput("Sent SIGTERM to \(who); waiting for it to finish its writes under way and release \(path)…\n")
        let deadline = Date().addingTimeInterval(TimeInterval(TimeSpan(parsing: wait)!.seconds))
        while Date() < deadline {
            if let now = try? ApplyLock.holder(at: path), !now.held {
                Output.standardOutput("Released.\n")
                return
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        Output.standardError("error: \(path) is still held after \(wait).\n")
        throw ExitCode(1)
    }

    private func clear(_ path: String) throws {
        do {
            try ApplyLock.acquire(at: path, timeout: 0).release()
        } catch {
            Output.standardError("error: \(error)\n")
            throw ExitCode(1)
        }
    }

    static func describe(_ holder: ApplyLock.Holder) -> String {
        "process \(holder.pid) of \(holder.user) on \(holder.host), since \(holder.since)"
    }
}
