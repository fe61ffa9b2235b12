import Foundation
import SeededRandom
import TestSupport
import Testing

/// Extreme values in every option that takes a duration, a count, a rate or an instant: each
/// is refused as a usage error or accepted and run, and kisictl never traps.
@Suite("Extreme values on the command line")
struct ExtremeArgumentTests {
    /// Commands with a placeholder; those that would act run against a copy of the gym example.
    static let templates: [[String]] = [
        ["plan", "--config", "SITE", "--sandbox", "--rate", "VALUE"], ["plan", "--config", "SITE", "--sandbox", "--concurrency", "VALUE"],
        ["plan", "--config", "SITE", "--sandbox", "--rate", "0", "--at", "VALUE"],
        ["apply", "--config", "/nonexistent", "--max-plan-age", "VALUE"], ["apply", "--config", "/nonexistent", "--lock-timeout", "VALUE"],
        ["log", "--config", "SITE", "--since", "VALUE"], ["doctor", "--config", "/nonexistent", "--max-data-age", "VALUE"],
        ["force-unlock", "--config", "SITE", "--wait", "VALUE"], ["explain", "a@example.com", "--config", "SITE", "--offline", "--at", "VALUE"],
        ["sandbox", "generate", "--customers", "VALUE", "--out", "/nonexistent/x"],
        ["sandbox", "generate", "--churn", "VALUE", "--out", "/nonexistent/x"],
        ["sandbox", "generate", "--groups", "VALUE", "--out", "/nonexistent/x"],
    ]

    @Test("every option with the sharpest values, and 40 random draws: exit 0, 1, 2 or 64 with a message, never a trap")
    func neverTraps() throws {
        let site = try copyExample("gym")
        defer { try? FileManager.default.removeItem(atPath: site) }
        var random = SplitMix64(seed: 2026)
        var usage = 0
        // Every option with the sharpest values (--rate 1e300 once trapped converting to Int),
        // then random draws from the whole pool.
        let sharp = ["inf", "1e300", "nan", "-1", "9223372036854775807s", "99999999999999999999d", "18446744073709551615", "36526d"]
        let cases =
            Self.templates.flatMap { template in sharp.map { (template, $0) } }
            + (0..<40).map { _ in (Self.templates[random.below(Self.templates.count)], ExtremeValues.draw(&random)) }
        for (template, value) in cases {
            let arguments = template.map { $0 == "VALUE" ? value : $0 == "SITE" ? site : $0 }
            let run = try Kisictl.run(arguments)
            let shown = arguments.joined(separator: " ")
            #expect([0, 1, 2, 64].contains(run.status), "\(shown): exit \(run.status)\n\(run.stderr)")
            #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack dump"), "\(shown)")
            if run.status != 0 { #expect(!run.stderr.isEmpty, "\(shown): a failure says why") }
            if run.status == 64 { usage += 1 }
        }
        #expect(usage > 60, "most are refused as usage errors (\(usage))")
    }
}
