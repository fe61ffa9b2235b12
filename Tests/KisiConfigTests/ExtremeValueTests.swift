import AccessModel
import Foundation
import KisiConfig
import SeededRandom
import TestSupport
import Testing

/// Extreme values in every place the config takes a duration, a count, a share, a size or an
/// id: the loader reports them or accepts them within range, and never traps.
@Suite("Extreme values in the config")
struct ExtremeValueTests {
    /// The fields that take numbers, as YAML lines with a placeholder.
    static let fields: [(String, String)] = [
        ("policy", "  lookahead: VALUE\n"), ("policy", "  max_revocations: VALUE\n"), ("policy", "  max_grants: VALUE\n"),
        ("policy", "  max_skipped_records: VALUE\n"), ("policy", "  max_missing_members: VALUE\n"),
        ("policy", "  max_data_shrink: VALUE\n"), ("source", "  timeout: VALUE\n"), ("source", "  max_output: VALUE\n"),
        ("window", "        window: {before: VALUE, after: 15m}\n"), ("window", "        window: {before: 15m, after: VALUE}\n"),
        ("group", "    kisi_id: VALUE\n"), ("top", "version: VALUE\n"),
    ]

    private func config(_ values: [(String, String)]) -> String {
        func lines(_ place: String) -> String { values.filter { $0.0 == place }.map(\.1).joined() }
        let version = lines("top").isEmpty ? "version: 1\n" : lines("top")
        return version + "timezone: Europe/London\nsource:\n  command: [./export.sh]\n" + lines("source")
            + "policy:\n  notify: false\n" + lines("policy")
            + "groups:\n  g:\n    name: G\n" + lines("group")
            + "    grant:\n      - registrations: {kinds: [class]}\n" + lines("window")
    }

    /// Loads one config; checks the loader's answer either way. True when accepted.
    private func check(_ chosen: [(String, String)]) throws -> Bool {
        let site = try TemporarySite(config(chosen))
        defer { try? FileManager.default.removeItem(atPath: site.path) }
        switch site.load() {
        case .success(let loaded):
            #expect(loaded.config.policy.lookahead.seconds <= TimeSpan.maximum.seconds)
            if case .command(_, let timeout, let maxOutput) = loaded.config.source {
                #expect(timeout.seconds > 0 && timeout.seconds <= TimeSpan.maximum.seconds)
                #expect((1...SourceSpec.largestMaxOutput).contains(maxOutput))
            }
            return true
        case .failure(let error):
            #expect(error.diagnostics.hasErrors)
            #expect(error.diagnostics.allSatisfy { $0.severity != .error || $0.location != nil }, "every error has its place")
            return false
        }
    }

    private func line(_ template: String, _ value: String) -> String {
        template.replacingOccurrences(of: "VALUE", with: value.contains(":") ? "'\(value)'" : value)
    }

    @Test("every extreme value in every numeric field, one at a time: accepted within range or refused with its place")
    func everyFieldEveryValue() throws {
        var accepted = 0, refused = 0
        for (place, template) in Self.fields {
            for value in ExtremeValues.pool {
                if try check([(place, line(template, value))]) { accepted += 1 } else { refused += 1 }
            }
        }
        #expect(accepted > 20 && refused > 200, "\(accepted) accepted, \(refused) refused")
    }

    @Test("configs with several extreme values at once never trap", arguments: [1, 2, 3] as [UInt64])
    func severalAtOnce(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<100 {
            var chosen: [(String, String)] = []
            for (place, template) in Self.fields where random.chance(0.35) {
                chosen.append((place, line(template, ExtremeValues.draw(&random))))
            }
            _ = try check(chosen)
        }
    }
}
