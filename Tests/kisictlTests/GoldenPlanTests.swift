import Foundation
import Testing

/// The examples' plans, byte for byte, in every format: what a reviewer reads must not change by
/// accident (a restructuring of the plan model, say). `KISICTL_UPDATE_GOLDEN=1 swift test --filter
/// GoldenPlanTests` rewrites the files in `Tests/Fixtures/golden/` after a deliberate change.
@Suite("Golden plans of the examples", .serialized)
struct GoldenPlanTests {
    static let outputs: [(file: String, arguments: [String])] = [
        ("plan.txt", ["plan"]),
        ("plan.md", ["plan", "--format", "markdown"]),
        ("plan-masked.md", ["plan", "--format", "markdown", "--mask-emails"]),
        ("plan.json", ["plan", "--format", "json"]),
        ("plan-masked.json", ["plan", "--format", "json", "--mask-emails"]),
        ("destroy.txt", ["plan", "--destroy"]),
    ]

    @Test("text, Markdown and JSON plans of each example are as recorded", arguments: ["studio", "coworking", "gym"])
    func golden(example: String) throws {
        let site = try copyExample(example)
        let update = ProcessInfo.processInfo.environment["KISICTL_UPDATE_GOLDEN"] == "1"
        for (file, arguments) in Self.outputs {
            let run = try Kisictl.run(arguments + ["--config", site, "--sandbox", "--rate", "0"])
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            let path = repositoryRoot + "/Tests/Fixtures/golden/\(example)-\(file)"
            let output = run.stdout.replacingOccurrences(of: site, with: "SITE")
            if update {
                try output.write(toFile: path, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOfFile: path, encoding: .utf8)
            #expect(output == expected, "\(example) \(arguments.joined(separator: " ")) differs from \(path)")
        }
    }
}
