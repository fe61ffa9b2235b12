import AccessModel
import AccessRules
import ArgumentParser
import Foundation
import KisiAPI
import KisiConfig
import KisiSandbox
import MemberSources
import Reconciler

/// HTTP requests a plan and an apply make, next to the minimum the data requires: one request
/// per page of each list that must be read, plus one write per change.
struct RequestsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests",
        abstract: "Requests made by plan and apply on example sites, next to the minimum."
    )

    @Option(help: "Site directories with a sandbox.yaml (each is copied; the original is not changed).")
    var site: [String] = ["examples/studio", "examples/coworking", "examples/gym"]

    func run() async throws {
        print("site        step                    requests  minimum  ratio")
        for path in site {
            let copy = NSTemporaryDirectory() + "kisictl-requests-" + UUID().uuidString
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            try? FileManager.default.removeItem(atPath: copy + "/.kisictl")
            let name = URL(fileURLWithPath: path).lastPathComponent
            for (step, made, minimum) in try await Self.measure(site: copy) {
                let ratio = String(format: "%.2f", Double(made) / Double(max(1, minimum)))
                print(name.padding(toLength: 11, withPad: " ", startingAt: 0) + " " + step.padding(toLength: 23, withPad: " ", startingAt: 0)
                      + String(repeating: " ", count: max(0, 8 - String(made).count)) + String(made)
                      + String(repeating: " ", count: max(0, 9 - String(minimum).count)) + String(minimum) + "  " + ratio)
            }
        }
    }

    /// Plans, applies and plans again against a fresh sandbox of the site.
    static func measure(site: String) async throws -> [(String, Int, Int)] {
        let config = try ConfigLoader.load(path: site).config
        let data = try MemberSource.load(config.source, relativeTo: config.directory).data
        let evaluator = AccessEvaluator(config: config, data: data)
        let seeded = try SandboxSeed.load(path: site + "/sandbox.yaml").state()
        let store = SandboxStore(state: seeded, stateFile: nil)
        let api = SandboxAPI(store: store, rateLimit: 0)
        let running = try await SandboxServer(api: api).start()
        defer { Task { await running.stop() } }
        let credentials = KisiCredentials(baseURL: URL(string: running.baseURL)!, apiKey: seeded.apiKeys[0].key, keySource: "the benchmark")
        let options = KisiClientOptions(requestsPerSecond: 0)
        let instant: Instant = seeded.clock.flatMap { text in
            if case .instant(let instant)? = TimeParsing.moment(text) { return instant }
            return nil
        } ?? Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
        let desired = evaluator.evaluate(at: instant)

        func plan() async throws -> (Plan, Int) {
            await api.stats.reset()
            let live = try await Refresher(reader: KisiReader(credentials: credentials, options: options))
                .refresh(config: config, desired: desired, directory: evaluator.directory)
            let plan = Planner(evaluator: evaluator, desired: desired, live: live, endpoint: running.baseURL, fingerprints: ("", ""))
                .plan(createdAt: instant).plan
            return (plan, await api.stats.total)
        }

        let (first, firstRequests) = try await plan()
        let minimumReads = await minimumPlanReads(config: config, store: store)
        await api.stats.reset()
        _ = await Applier(writer: KisiWriter(credentials: credentials, options: options), audit: nil, notify: false, progress: nil).apply(first)
        let applyRequests = await api.stats.total
        let writes = first.summary.groupsToCreate + first.summary.groupsToUpdate + first.summary.doorsToLink + first.summary.doorsToUnlink
            + first.summary.grants + first.summary.windowChanges + first.summary.revocations
        let (_, steadyRequests) = try await plan()
        let steadyMinimum = await minimumPlanReads(config: config, store: store)
        return [
            ("first plan", firstRequests, minimumReads),
            ("apply (writes)", applyRequests, writes),
            ("plan + apply", firstRequests + applyRequests, minimumReads + writes),
            ("steady-state plan", steadyRequests, steadyMinimum),
        ]
    }

    /// Pages of every list a plan must read: the organization, places, locks, groups and
    /// integrations, then per existing managed group its roles, its doors (when the config
    /// manages them) and, if any integration exists, the integrations feeding it.
    static func minimumPlanReads(config: SiteConfig, store: SandboxStore) async -> Int {
        let state = await store.state
        func pages(_ count: Int, _ size: Int) -> Int { max(1, (count + size - 1) / size) }
        var reads = 1 + pages(state.places.count, 250) + pages(state.locks.count, 250) + pages(state.groups.count, 250)
            + pages(state.integrations.count, 250)
        for group in config.managedGroups {
            let placeID = group.place.flatMap { name in state.places.first { $0.name == name }?.id }
            guard let kisi = state.groups.first(where: { $0.name == group.name && $0.placeID == placeID }) else { continue }
            reads += pages(state.roleAssignments.filter { $0.groupID == kisi.id }.count, 250)
            if group.doors != nil { reads += pages(state.groupLocks.filter { $0.groupID == kisi.id }.count, 250) }
            if !state.integrations.isEmpty { reads += 1 }
        }
        return reads
    }
}
