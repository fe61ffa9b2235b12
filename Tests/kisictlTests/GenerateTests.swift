import Foundation
import Testing

@Suite("kisictl sandbox generate")
struct GenerateTests {
    /// Every file of a folder, by path relative to it, with its bytes.
    static func contents(of folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files[path] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + path)) }
        }
        return files
    }

    static func generate(seed: Int, into folder: String) throws -> Kisictl.Run {
        try Kisictl.run([
            "sandbox", "generate", "--customers", "300", "--groups", "6", "--churn", "0.05", "--seed", String(seed),
            "--out", folder,
        ])
    }

    @Test("the same seed writes the same bytes; another seed writes another site")
    func deterministic() throws {
        let root = NSTemporaryDirectory() + "kisictl-generate-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (name, seed) in [("a", 7), ("b", 7), ("c", 8)] {
            let run = try Self.generate(seed: seed, into: root + "/" + name)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let first = try Self.contents(of: root + "/a")
        #expect(
            Set(first.keys).isSuperset(of: [
                "kisictl.yaml", "sandbox.yaml", "data/customers.csv", "data/memberships.csv",
                "data/registrations.csv", "data/bookings.csv",
            ]))
        #expect(first == (try Self.contents(of: root + "/b")))
        #expect(first != (try Self.contents(of: root + "/c")))
    }

    @Test("the generated site validates, its plan holds the churn, and after apply nothing is left to do")
    func usable() throws {
        let site = NSTemporaryDirectory() + "kisictl-generate-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: site) }
        let generated = try Self.generate(seed: 3, into: site)
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(try Kisictl.run(["sandbox", "generate", "--out", site]).status != 0, "an existing site is kept without --force")

        let validate = try Kisictl.run(["validate", "--config", site])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let plan = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stderr)")
        for marker in ["  + grant ", "  ~ window of ", "  - revoke "] { #expect(plan.stdout.contains(marker), "\(marker)") }
        let apply = try Kisictl.run(["apply", "--config", site, "--sandbox", "--rate", "0", "--auto-approve", "--allow-mass-revoke"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let again = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)")
    }
}
