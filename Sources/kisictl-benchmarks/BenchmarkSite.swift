import AccessModel
import AccessRules
import ArgumentParser
import Foundation
import KisiAPI
import KisiConfig
import KisiSandbox
import MemberSources
import Pipeline
import PlanModel
import Reconciler
import SyntheticSites

/// A site folder with a `sandbox.yaml`, loaded and evaluated at its sandbox clock, with a
/// sandbox store seeded from it: what the request benchmarks plan and apply against.
struct BenchmarkSite {
    let site: Site
    var config: SiteConfig { site.config }
    var data: MemberData { site.evaluator.data }
    var evaluator: AccessEvaluator { site.evaluator }
    let store: SandboxStore
    let apiKey: String
    let instant: Instant

    init(folder: String) async throws {
        site = try Site.load(configPath: folder)
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

    /// Reads live state through `sandbox` and plans, as `kisictl plan` does.
    func plan(through sandbox: RunningSandbox, options: KisiClientOptions, targets: Targets = Targets()) async throws -> Plan {
        let pipeline = PlanningPipeline(reader: KisiReader(credentials: credentials(sandbox), options: options), endpoint: sandbox.baseURL)
        return try await pipeline.plan(site, PlanningPipeline.Request(instant: instant, targets: targets)).plan
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
