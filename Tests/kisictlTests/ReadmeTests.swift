import Foundation
import Testing

/// The README's commands run as written: every shell block marked `<!-- readme-test -->` runs,
/// in order, in a copy of the repository's examples, with the built kisictl first in PATH
/// (`swift run kisictl …` runs it too).
@Suite("README")
struct ReadmeTests {
    /// The marked blocks, their indentation (from list items) removed.
    static func markedBlocks(_ readme: String) -> [String] {
        var blocks: [String] = []
        var lines = readme.components(separatedBy: "\n")[...]
        while let marker = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "<!-- readme-test -->" }) {
            lines = lines[(marker + 1)...]
            guard let open = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
                lines[open].trimmingCharacters(in: .whitespaces) == "```sh"
            else { continue }
            let indent = lines[open].prefix { $0 == " " }.count
            lines = lines[(open + 1)...]
            guard let close = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "```" }) else { break }
            blocks.append(lines[..<close].map { String($0.dropFirst(min(indent, $0.prefix { $0 == " " }.count))) }.joined(separator: "\n"))
            lines = lines[(close + 1)...]
        }
        return blocks
    }

    @Test("every marked shell block runs and succeeds")
    func blocksRun() throws {
        let readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        let blocks = Self.markedBlocks(readme)
        #expect(blocks.count >= 4, "marked blocks: \(blocks.count)")
        let folder = NSTemporaryDirectory() + "kisictl-readme-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repositoryRoot + "/examples", toPath: folder + "/examples")
        for example in ["studio", "coworking", "gym"] { try? FileManager.default.removeItem(atPath: folder + "/examples/\(example)/.kisictl") }
        let binaries = (Kisictl.binary as NSString).deletingLastPathComponent

        for (number, block) in blocks.enumerated() {
            let script = """
                set -euo pipefail
                export PATH="\(binaries):$PATH"
                unset KISI_API_KEY KISI_ENDPOINT
                swift() { if [ "$1" = run ]; then shift; "$@"; else echo "only swift run works in README tests" >&2; return 1; fi; }
                \(block)
                """
            let run = try Subprocess.run("/bin/bash", ["-c", script], in: folder)
            #expect(run.status == 0, "block \(number + 1):\n\(block)\n--- output ---\n\(run.stdout)\(run.stderr)")
        }
    }
}
