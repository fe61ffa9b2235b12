import Foundation
import Subprocesses
import Testing

/// The apply lock from the command line: takeovers, a shared location, force-unlock.
@Suite("The apply lock")
struct LockTests {
    private func applying(_ site: String, rate: String, extra: [String] = [], environment: [String: String] = [:]) throws -> RunningProgram {
        try ProcessRunner.start(
            .init(
                program: Kisictl.binary, arguments: ["apply", "--config", site, "--sandbox", "--rate", rate, "--auto-approve"] + extra,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, timeout: .seconds(300)))
    }

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private func waitUntilHeld(_ lock: String) {
        waitUntil(seconds: 60) { (try? String(contentsOfFile: lock, encoding: .utf8))?.contains("\"pid\"") == true }
    }

    @Test("two applies racing for a lock a killed apply left: exactly one runs, and it says whose lock it took over")
    func takeoverRace() throws {
        let site = try copyExample("gym")
        defer { try? FileManager.default.removeItem(atPath: site) }
        try FileManager.default.createDirectory(atPath: site + "/.kisictl", withIntermediateDirectories: true)
        let lock = site + "/.kisictl/apply.lock"
        try #"{"pid":999999,"host":"\#(ProcessInfo.processInfo.hostName)","user":"ci","since":"2026-11-22T10:00:00Z"}"#
            .write(toFile: lock, atomically: true, encoding: .utf8)
        // One slowed to Kisi's pace, so that it still holds the lock when the other asks.
        let slow = try applying(site, rate: "5")
        let fast = try applying(site, rate: "0")
        let results = [slow.finish(), fast.finish()]
        let ran = results.filter { $0.termination == .exited(0) }
        let refused = results.filter { $0.termination == .exited(1) }
        #expect(ran.count == 1 && refused.count == 1, "\(results.map { text($0.stderr) })")
        // The winner may not have written its record yet: the loser then says so ("has not said who yet").
        #expect(refused.allSatisfy { text($0.stderr).contains("another apply holds \(lock)") }, "\(refused.map { text($0.stderr) })")
        #expect(ran.allSatisfy { text($0.stderr).contains("note: took over \(lock) from process 999999 of ci on") })
    }

    @Test("checkouts naming one shared lock file take turns; a lock file that cannot be opened is named")
    func sharedLock() throws {
        let first = try copyExample("gym"), second = try copyExample("gym")
        defer { for site in [first, second] { try? FileManager.default.removeItem(atPath: site) } }
        let shared = NSTemporaryDirectory() + "kisictl-shared-lock-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: shared) }
        let holder = try applying(first, rate: "5", extra: ["--lock-file", shared])
        waitUntilHeld(shared)
        let blocked = try Kisictl.run(
            ["apply", "--config", second, "--sandbox", "--rate", "0", "--auto-approve"], environment: ["KISICTL_LOCK_FILE": shared])
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("another apply holds \(shared): process \(holder.pid)"), "\(blocked.stderr)")
        #expect(holder.finish().termination == .exited(0))
        let after = try Kisictl.run(["apply", "--config", second, "--sandbox", "--rate", "0", "--auto-approve", "--lock-file", shared])
        #expect(after.status == 0, "\(after.stderr)")

        let unreadable = try Kisictl.run(
            ["apply", "--config", second, "--sandbox", "--rate", "0", "--auto-approve", "--lock-file", "/proc/kisictl/none.lock"])
        #expect(unreadable.status == 1)
        #expect(unreadable.stderr.contains("cannot open the lock file /proc/kisictl/none.lock"), "\(unreadable.stderr)")
    }

    @Test("force-unlock clears what a killed apply left, refuses to unlock a running one, and --stop stops it cleanly")
    func forceUnlock() throws {
        let site = try copyExample("gym")
        defer { try? FileManager.default.removeItem(atPath: site) }
        try FileManager.default.createDirectory(atPath: site + "/.kisictl", withIntermediateDirectories: true)
        let lock = site + "/.kisictl/apply.lock"
        try #"{"pid":999999,"host":"elsewhere","user":"ci","since":"2026-11-22T10:00:00Z"}"#.write(
            toFile: lock, atomically: true, encoding: .utf8)
        let stale = try Kisictl.run(["force-unlock", "--config", site])
        #expect(stale.status == 0)
        #expect(stale.stdout.contains("No apply holds \(lock). Cleared what process 999999 of ci on elsewhere"))
        #expect(try String(contentsOfFile: lock, encoding: .utf8).isEmpty)

        let apply = try applying(site, rate: "2")
        waitUntilHeld(lock)
        let refused = try Kisictl.run(["force-unlock", "--config", site])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("is held by process \(apply.pid) of"), "\(refused.stderr)")
        #expect(refused.stderr.contains("kisictl never unlocks under a running apply"))

        // Stopped while it plans: nothing was written.
        let stopped = try Kisictl.run(["force-unlock", "--config", site, "--stop"])
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(stopped.stdout.contains("Released."))
        let ended = apply.finish()
        #expect(ended.termination == .exited(143), "\(text(ended.stderr))")
        #expect(text(ended.stderr).contains("SIGTERM: stopped before any write to Kisi; nothing was changed."), "\(text(ended.stderr))")
        #expect(try String(contentsOfFile: lock, encoding: .utf8).isEmpty)

        // Stopped while it writes: the writes under way finish, the report says so.
        let writing = try applying(site, rate: "2")
        let log = site + "/.kisictl/audit.jsonl"
        waitUntil(seconds: 60) { hasContent(log) }
        #expect(try Kisictl.run(["force-unlock", "--config", site, "--stop"]).status == 0)
        let report = writing.finish()
        #expect(report.termination == .exited(143))
        #expect(text(report.stderr).contains("Stopped by SIGTERM: the writes under way finished"), "\(text(report.stderr))")
        #expect(try String(contentsOfFile: lock, encoding: .utf8).isEmpty)
    }
}
