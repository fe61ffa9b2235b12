import AccessModel
import AccessRules
import ArgumentParser
import Foundation
import KisiAPI
import KisiConfig
import KisiSandbox
import MemberSources
import Reconciler
import SyntheticSites

/// A site folder with a `sandbox.yaml`, loaded and evaluated at its sandbox clock, with a
/// sandbox store seeded from it: what the request benchmarks plan and apply against.
struct BenchmarkSite {
    let config: SiteConfig
    let data: MemberData
    let evaluator: AccessEvaluator
    let store: SandboxStore
    let apiKey: String
    let instant: Instant

    init(folder: String) async throws {
        config = try ConfigLoader.load(path: folder).config
        data = try MemberSource.load(config.source, relativeTo: config.directory).data
        evaluator = AccessEvaluator(config: config, data: data)
        let seeded = try SandboxSeed.load(path: folder + "/sandbox.yaml").state()
        store = SandboxStore(state: seeded, stateFile: nil)
        apiKey = seeded.apiKeys[0].key
        instant =
            seeded.clock.flatMap { text in
                if case .instant(let instant)? = TimeParsing.moment(text) { return instant }
                return nil
            } ?? Instant.now
    }

    /// Writes a synthetic site (as `kisictl sandbox generate` does) to a temporary folder.
    static func generate(customers: Int, groups: Int, churn: Double, seed: UInt64) throws -> String {
        let folder = NSTemporaryDirectory() + "kisictl-bench-site-" + UUID().uuidString
        let site = SyntheticSite(.init(customers: customers, groups: groups, seed: seed))
        try SiteFiles.write(site, kisi: SyntheticKisi(site: site, churn: churn, seed: seed), to: folder, comment: "benchmark site")
        return folder
    }

    func credentials(_ sandbox: RunningSandbox) -> KisiCredentials {
        KisiCredentials(baseURL: URL(string: sandbox.baseURL)!, apiKey: apiKey, keySource: "the benchmark")
    }

    /// Reads live state through `sandbox` and plans.
    func plan(through sandbox: RunningSandbox, options: KisiClientOptions) async throws -> Plan {
        let desired = evaluator.evaluate(at: instant)
        let live = try await Refresher(reader: KisiReader(credentials: credentials(sandbox), options: options))
            .refresh(config: config, desired: desired, directory: evaluator.directory)
        return Planner(evaluator: evaluator, desired: desired, live: live, endpoint: sandbox.baseURL, fingerprints: ("", ""))
            .plan(createdAt: instant).plan
    }
}

/// The shape of generated sites, as `kisictl sandbox generate` takes it (sizes are per benchmark).
struct SiteShapeOptions: ParsableArguments {
    @Option(help: "Managed groups.")
    var groups = 20

    @Option(help: "Share of live members that differ from what the rules want (0.02 for 2%).")
    var churn = 0.02

    @Option(help: "Generator seed.")
    var seed: UInt64 = 1
}
