import AccessModel
import AccessRules
import ArgumentParser
import Foundation
import KisiAPI
import KisiConfig
import KisiSandbox
import MemberSources
import PlanModel
import Reconciler
import SyntheticSites

/// HTTP requests a plan and an apply make, next to the minimum the data requires: one request
/// per page of each list that must be read, plus one write per change.
struct RequestsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests",
        abstract: "Requests made by plan and apply, next to the minimum and to a per-member baseline.",
        discussion: """
            The per-member baseline is what integrations that check members one by one send: one \
            user lookup and one role-assignment lookup per customer.
            """
    )

    @Option(help: "Site directories with a sandbox.yaml (each is copied; the original is not changed).")
    var site: [String] = ["examples/studio", "examples/coworking", "examples/gym"]

    @Option(help: "Sizes of generated synthetic sites, in customers (as kisictl sandbox generate).")
    var generated: [Int] = [10_000]

    @OptionGroup var shape: SiteShapeOptions

    func run() async throws {
        print("site          step                 requests  minimum  ratio  per-member baseline  baseline / requests")
        var sites: [(name: String, folder: String)] = []
        for path in site {
            let copy = NSTemporaryDirectory() + "kisictl-requests-" + UUID().uuidString
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            try? FileManager.default.removeItem(atPath: copy + "/.kisictl")
            sites.append((URL(fileURLWithPath: path).lastPathComponent, copy))
        }
        for customers in generated {
            let folder = try BenchmarkSite.generate(customers: customers, groups: shape.groups, churn: shape.churn, seed: shape.seed)
            sites.append(("\(customers / 1000)k-\(shape.groups)g", folder))
        }
        for (name, folder) in sites {
            defer { try? FileManager.default.removeItem(atPath: folder) }
            for row in try await Self.measure(site: folder) {
                let ratio = String(format: "%.2f", Double(row.made) / Double(max(1, row.minimum)))
                var line = pad(name, 13) + " " + pad(row.step, 20) + padLeft(row.made, 9) + padLeft(row.minimum, 9) + padLeft(ratio, 7)
                if let baseline = row.baseline {
                    line += padLeft(baseline, 21) + padLeft(String(format: "%.0f×", Double(baseline) / Double(max(1, row.made))), 21)
                }
                print(line)
            }
        }
    }

    private func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
    private func padLeft(_ value: some CustomStringConvertible, _ width: Int) -> String {
        let text = value.description
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// Plans, applies and plans again against a fresh sandbox of the site.
    struct Row {
        var step: String
        var made: Int
        var minimum: Int
        /// Requests a one-by-one integration sends for the same job (plans only).
        var baseline: Int?
    }

    static func measure(site folder: String) async throws -> [Row] {
        let site = try await BenchmarkSite(folder: folder)
        let (config, store) = (site.config, site.store)
        let api = SandboxAPI(store: store, rateLimit: 0)
        let running = try await SandboxServer(api: api).start()
        defer { Task { await running.stop() } }
        let options = KisiClientOptions(requestsPerSecond: 0)

        func plan(_ targets: Targets = Targets()) async throws -> (Plan, Int) {
            await api.stats.reset()
            let plan = try await site.plan(through: running, options: options, targets: targets)
            return (plan, await api.stats.total)
        }

        let (first, firstRequests) = try await plan()
        let minimumReads = await minimumPlanReads(config: config, store: store)
        await api.stats.reset()
        _ = await Applier(writer: KisiWriter(credentials: site.credentials(running), options: options), audit: nil, notify: false, progress: nil)
            .apply(first)
        let applyRequests = await api.stats.total
        // One write per change, a second for a person who needs a Kisi user (created quiet, then
        // granted), and one read per apply that checks how Kisi took the first window change.
        let writes =
            first.summary.groupsToCreate + first.summary.groupsToUpdate + first.summary.doorsToLink + first.summary.doorsToUnlink
            + first.summary.usersToCreate + first.summary.grants + first.summary.windowChanges + first.summary.revocations
            + (first.summary.windowChanges > 0 ? 1 : 0)
        let (_, steadyRequests) = try await plan()
        let steadyMinimum = await minimumPlanReads(config: config, store: store)
        // `--target` one group: only that group is read.
        let target = config.managedGroups.map(\.address).sorted()[0]
        let (_, targetedRequests) = try await plan(Targets([.group(target)]))
        let targetedMinimum = await minimumPlanReads(config: config, store: store, only: [target])
        let baseline = 2 * site.data.customers.count
        return [
            Row(step: "first plan", made: firstRequests, minimum: minimumReads, baseline: baseline),
            Row(step: "apply (writes)", made: applyRequests, minimum: writes),
            Row(step: "plan + apply", made: firstRequests + applyRequests, minimum: minimumReads + writes),
            Row(step: "steady-state plan", made: steadyRequests, minimum: steadyMinimum, baseline: baseline),
            Row(step: "targeted plan", made: targetedRequests, minimum: targetedMinimum),
        ]
    }

    /// Pages of every list a plan must read: the organization, the key's own user (to tell its
    /// roles from other writers'), places, locks, groups and integrations, then per existing
    /// managed group (or only those targeted) its roles, its doors (when the config manages them)
    /// and, if any integration exists, the integrations feeding it.
    static func minimumPlanReads(config: SiteConfig, store: SandboxStore, only: Set<String>? = nil) async -> Int {
        let state = await store.state
        func pages(_ count: Int, _ size: Int) -> Int { max(1, (count + size - 1) / size) }
        var reads =
            2 + pages(state.places.count, 250) + pages(state.locks.count, 250) + pages(state.groups.count, 250)
            + pages(state.integrations.count, 250)
        for group in config.managedGroups where only?.contains(group.address) ?? true {
            let placeID = group.place.flatMap { name in state.places.first { $0.name == name }?.id }
            guard let kisi = state.groups.first(where: { $0.name == group.name && $0.placeID == placeID }) else { continue }
            reads += pages(state.roleAssignments.filter { $0.groupID == kisi.id }.count, 250)
            if group.doors != nil { reads += pages(state.groupLocks.filter { $0.groupID == kisi.id }.count, 250) }
            if !state.integrations.isEmpty { reads += 1 }
        }
        return reads
    }
}
