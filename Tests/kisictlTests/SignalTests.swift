import Foundation
import JSONSupport
import Subprocesses
import Testing

/// SIGTERM or SIGINT in the middle of an apply: the writes under way finish, no other starts, the
/// report and the audit log say so, the lock is released.
@Suite("Signals during apply")
struct SignalTests {
    @Test("a signal mid-apply stops new writes, reports, leaves no intent without its outcome, and releases the lock", arguments: [SIGTERM, SIGINT])
    func stopMidApply(_ number: Int32) throws {
        let site = NSTemporaryDirectory() + "kisictl-signal-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: site) }
        #expect(try Kisictl.run(["sandbox", "generate", "--customers", "2000", "--out", site]).status == 0)
        // At Kisi's 5 requests a second, the 161 changes take far longer than the signal's delay.
        let apply = try ProcessRunner.start(
            .init(
                program: Kisictl.binary, arguments: ["apply", "--config", site, "--sandbox", "--rate", "5", "--auto-approve"],
                timeout: .seconds(300)))
        // The apply writes once the plan is shown; wait for its first audit line.
        let log = site + "/.kisictl/audit.jsonl"
        waitUntil(seconds: 60) { hasContent(log) }
        apply.send(number)
        let completion = apply.finish()
        let errors = String(decoding: completion.stderr, as: UTF8.self)
        #expect(completion.termination == .exited(128 + number), "\(errors)")
        #expect(errors.contains("Stopped by \(number == SIGTERM ? "SIGTERM" : "SIGINT"): the writes under way finished"))
        #expect(try String(contentsOfFile: site + "/.kisictl/apply.lock", encoding: .utf8).isEmpty, "the lock was released")

        let entries = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
        let intents = entries.filter { $0["outcome"]?.stringValue == "intent" }
        #expect(!intents.isEmpty)
        #expect(intents.count * 2 == entries.count, "every write that started has its outcome")
        let plan = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(plan.status == 2, "the rest is still to do")
    }
}
