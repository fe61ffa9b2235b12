import AccessModel
import ArgumentParser
import Foundation
import KisiAPI
import KisiSandbox
import PlanModel
import Reconciler

/// How close `apply` runs to Kisi's rate limit when every answer is slow: the sandbox limits the
/// key and delays every request; kisictl paces and overlaps its writes.
struct ApplyBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Writes per second apply sustains against a rate-limited, slow sandbox, and the 429 answers it meets."
    )

    @Option(help: "Changes to apply (taken from the plan of a generated site).")
    var changes = 1_000

    @Option(help: "The sandbox's rate limit, in requests per second per key.")
    var limit = 50

    @Option(help: "Latency the sandbox adds to every request, in milliseconds.")
    var latency = 200

    @Option(help: "kisictl's pace, in requests per second (as apply --rate).")
    var rate = 50.0

    @Option(help: "Requests kisictl keeps in flight (as apply --concurrency).")
    var concurrency = 16

    @Option(help: "Timed runs; medians are reported.")
    var runs = 3

    func run() async throws {
        let folder = try BenchmarkSite.generate(customers: 20_000, groups: 20, churn: 0.05, seed: 1)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        print("run  changes  writes  requests  seconds  writes/s  share of limit  429s  failed")
        var shares: [Double] = []
        for run in 1...runs {
            // A fresh sandbox per run: plan without limits, then apply through the slow, limited one.
            let site = try await BenchmarkSite(folder: folder)
            let open = try await SandboxServer(api: SandboxAPI(store: site.store, rateLimit: 0)).start()
            var plan = try await site.plan(through: open, options: KisiClientOptions(requestsPerSecond: 0))
            await open.stop()
            plan = Self.first(changes, of: plan)

            let api = SandboxAPI(store: site.store, rateLimit: limit)
            let slow = try await SandboxServer(api: api, faults: try FaultPlan(spec: "latency=\(latency)ms")).start()
            let options = KisiClientOptions(requestsPerSecond: rate, concurrency: concurrency)
            let start = ContinuousClock.now
            let report = await Applier(
                writer: KisiWriter(credentials: site.credentials(slow), options: options), audit: nil,
                notify: false, progress: nil
            ).apply(plan)
            let elapsed = start.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let requests = await api.stats.total
            let refused = await api.stats.count(status: 429)
            let writes = requests - refused
            await slow.stop()
            let perSecond = Double(writes) / seconds
            shares.append(perSecond / Double(limit))
            print(
                String(
                    format: "%3d  %7d  %6d  %8d  %7.2f  %8.1f  %13.1f%%  %4d  %6d", run, plan.changes.filter { $0.address.kind == .role }.count,
                    writes,
                    requests, seconds,
                    perSecond, 100 * perSecond / Double(limit), refused, report.failures.count + report.skipped))
        }
        print(String(format: "median share of the limit: %.1f%%", 100 * median(shares)))
    }

    /// The plan cut down to its first `count` role changes (and their users), in group order.
    static func first(_ count: Int, of plan: Plan) -> Plan {
        var plan = plan
        let roles = plan.changes.filter { $0.address.kind == .role }.prefix(count)
        let kept = Set(roles.map(\.address))
        plan.changes = plan.changes.filter { change in
            switch change.address.kind {
            case .role: kept.contains(change.address)
            case .user: kept.contains(ResourceAddress(.role, group: change.address.group, index: change.address.index))
            case .group, .door, .schedule, .lockSchedule: false
            }
        }
        return plan
    }
}
