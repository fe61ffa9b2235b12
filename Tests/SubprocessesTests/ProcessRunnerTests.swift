import Foundation
import Subprocesses
import Testing

/// The runner against real programs: each case is one way a member-data command misbehaves.
@Suite struct ProcessRunnerTests {
    private func shell(_ script: String, timeout: Duration? = .seconds(1), grace: Duration = .milliseconds(500), maxOutput: Int? = nil)
        throws -> (ProcessRunner.Completion, Duration)
    {
        let clock = ContinuousClock()
        let start = clock.now
        let completion = try ProcessRunner.run(
            .init(program: "/bin/sh", arguments: ["-c", script], timeout: timeout, grace: grace, maxOutput: maxOutput))
        return (completion, clock.now - start)
    }

    /// Whether a process with this pid still exists (and is not a zombie of ours).
    private func alive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
        return state != "Z"
    }

    private func pids(in output: [UInt8]) -> [pid_t] {
        String(decoding: output, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { pid_t($0) }
    }

    @Test func anOrdinaryProgramsOutputAndStatus() throws {
        let (completion, _) = try shell("echo out; echo err >&2; exit 3")
        #expect(String(decoding: completion.stdout, as: UTF8.self) == "out\n")
        #expect(String(decoding: completion.stderr, as: UTF8.self) == "err\n")
        #expect(completion.termination == .exited(3))
        #expect(completion.stop == nil)
        #expect(!completion.succeeded)
    }

    @Test func aHangingProgramIsStoppedAtItsTimeout() throws {
        let (completion, took) = try shell("sleep 1000")
        #expect(completion.stop == .timedOut)
        #expect(completion.termination == .signalled(SIGTERM))
        #expect(took < .seconds(3))
    }

    @Test func aProgramIgnoringSIGTERMIsKilledAfterTheGrace() throws {
        let (completion, took) = try shell("trap '' TERM; while :; do sleep 0.1; done")
        #expect(completion.stop == .timedOut)
        #expect(completion.termination == .signalled(SIGKILL))
        #expect(took >= .milliseconds(1400))
        #expect(took < .seconds(4))
    }

    @Test func aHangingProgramsChildrenAreStoppedWithIt() throws {
        let (completion, took) = try shell("sleep 1000 & echo $!; (sleep 1000; echo never) & echo $!; sleep 1000")
        #expect(completion.stop == .timedOut)
        #expect(took < .seconds(3))
        let children = pids(in: completion.stdout)
        #expect(children.count == 2)
        Thread.sleep(forTimeInterval: 0.2)
        for child in children { #expect(!alive(child), "process \(child) outlived the stopped command") }
    }

    @Test func aChildLeftHoldingTheOutputDoesNotHoldKisictl() throws {
        // The program ends at once, but its background child keeps stdout open for 1,000 s.
        let (completion, took) = try shell("sleep 1000 & echo $!; echo done", timeout: .seconds(30))
        #expect(completion.termination == .exited(0))
        #expect(took < .seconds(2))
        let children = pids(in: completion.stdout)
        #expect(children.count == 1)
        Thread.sleep(forTimeInterval: 0.2)
        for child in children { #expect(!alive(child)) }
    }

    @Test func aDescendantThatLeftTheGroupCannotHoldKisictlEither() throws {
        // setsid puts the sleeper beyond the group's reach; the wait for the pipe still ends.
        let (completion, took) = try shell("setsid sleep 30 & echo $!", timeout: .seconds(30))
        #expect(completion.termination == .exited(0))
        #expect(took < .seconds(2))
        for child in pids(in: completion.stdout) { kill(child, SIGKILL) }
    }

    @Test func blockedAndIgnoredSignalsInKisictlAreNotInherited() throws {
        // An apply blocks or handles SIGTERM, SIGINT and SIGHUP; the program must still stop at SIGTERM.
        var blocked = sigset_t()
        var previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        sigaddset(&blocked, SIGINT)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let ignored = signal(SIGHUP, SIG_IGN)
        defer {
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            signal(SIGHUP, ignored)
        }
        let (completion, took) = try shell(
            "grep -E '^Sig(Blk|Ign)' /proc/self/status; sleep 1000", grace: .seconds(20))
        #expect(completion.termination == .signalled(SIGTERM))
        #expect(took < .seconds(5))
        // /proc's masks are hexadecimal, bit n - 1 for signal n.
        var masks: [String: UInt64] = [:]
        for line in String(decoding: completion.stdout, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: ":")
            if parts.count == 2 { masks[String(parts[0])] = UInt64(parts[1].trimmingCharacters(in: .whitespaces), radix: 16) }
        }
        let stopping: UInt64 = [SIGTERM, SIGINT, SIGHUP].reduce(0) { $0 | 1 << UInt64($1 - 1) }
        #expect(masks["SigBlk"].map { $0 & stopping } == 0)
        #expect(masks["SigIgn"].map { $0 & stopping } == 0)
    }

    @Test func outputBeyondTheCapStopsTheProgram() throws {
        let (completion, took) = try shell("yes customer", timeout: .seconds(30), maxOutput: 1 << 20)
        #expect(completion.stop == .outputTooLarge)
        #expect(completion.stdout.count == 1 << 20)
        #expect(took < .seconds(3))
    }

    @Test func aProgramKilledByASignalIsReportedAsSuch() throws {
        let (completion, _) = try shell("kill -9 $$")
        #expect(completion.termination == .signalled(SIGKILL))
        #expect(completion.stop == nil)
        #expect(completion.termination.description == "was killed by signal 9 (SIGKILL)")
    }

    @Test func runsInItsOwnProcessGroup() throws {
        let (completion, _) = try shell("ps -o pid=,pgid= -p $$")
        let fields = String(decoding: completion.stdout, as: UTF8.self).split(separator: " ").map(String.init)
        #expect(
            fields.count == 2
                && fields[0].trimmingCharacters(in: .whitespacesAndNewlines) == fields[1].trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(fields.last.map { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) } != getpgrp())
    }

    @Test func theEnvironmentIsExactlyTheOneGiven() throws {
        let environment = ProcessRunner.Invocation.environment(withholding: ["PATH"]).merging(["KISICTL_RUNNER": "yes"]) { $1 }
        let completion = try ProcessRunner.run(.init(program: "/usr/bin/env", environment: environment))
        let lines = String(decoding: completion.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.contains("KISICTL_RUNNER=yes"))
        #expect(!lines.contains { $0.hasPrefix("PATH=") })
    }

    @Test func programsThatCannotStartSayWhy() throws {
        #expect(throws: ProcessRunner.Failure.notFoundInPath("no-such-program-kisictl")) {
            try ProcessRunner.run(.init(program: "no-such-program-kisictl"))
        }
        #expect(throws: ProcessRunner.Failure.notFound("/nonexistent/export.sh")) {
            try ProcessRunner.run(.init(program: "/nonexistent/export.sh"))
        }
        let plain = NSTemporaryDirectory() + "kisictl-runner-\(getpid()).sh"
        FileManager.default.createFile(atPath: plain, contents: Data("echo hi\n".utf8), attributes: [.posixPermissions: 0o644])
        defer { try? FileManager.default.removeItem(atPath: plain) }
        #expect(throws: ProcessRunner.Failure.notExecutable(plain)) { try ProcessRunner.run(.init(program: plain)) }
        #expect(throws: ProcessRunner.Failure.emptyCommand) { try ProcessRunner.run(.init(program: "")) }
    }

    @Test func theWorkingDirectoryIsTheOneGiven() throws {
        let completion = try ProcessRunner.run(.init(program: "/bin/pwd", directory: "/usr/share"))
        #expect(String(decoding: completion.stdout, as: UTF8.self) == "/usr/share\n")
    }
}
