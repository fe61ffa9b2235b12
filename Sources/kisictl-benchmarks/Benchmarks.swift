import AccessModel
import AccessRules
import ArgumentParser
import Foundation
import MemberSources
import SyntheticSites

/// Benchmarks print their figures; targets live in BENCHMARKS.md, never in timed tests.
@main
struct Benchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kisictl-benchmarks",
        abstract: "Measure kisictl's engine on synthetic sites.",
        subcommands: [EngineBenchmark.self, SandboxBenchmark.self, RequestsBenchmark.self]
    )
}

struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Load CSV member data and evaluate every group, for a synthetic site."
    )

    @Option(help: "Customers in the synthetic site.")
    var customers = 100_000

    @Option(help: "Managed groups.")
    var groups = 20

    @Option(help: "Timed runs; medians are reported.")
    var runs = 5

    @Option(help: "Generator seed.")
    var seed: UInt64 = 1

    func run() throws {
        let site = SyntheticSite(.init(customers: customers, groups: groups, seed: seed))
        let folder = NSTemporaryDirectory() + "kisictl-bench-\(customers)-\(seed)"
        try SiteWriter.writeCSV(site.data, to: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = MemberEntity.allCases.reduce(0) { total, entity in
            total + ((try? FileManager.default.attributesOfItem(atPath: "\(folder)/\(entity.rawValue).csv")[.size] as? Int) ?? 0)
        }
        print("site: \(customers) customers, \(site.data.memberships.count) memberships, \(site.data.registrations.count) registrations, \(site.data.bookings.count) bookings, \(groups) groups; CSV \(bytes / 1_000_000) MB")

        var load: [Double] = [], prepare: [Double] = [], evaluate: [Double] = [], total: [Double] = []
        var grants = 0
        for _ in 0..<runs {
            let start = DispatchTime.now()
            let loaded = try MemberSource.load(.files(directory: folder), relativeTo: "/")
            let loadedAt = DispatchTime.now()
            let evaluator = AccessEvaluator(config: site.config, data: loaded.data)
            let preparedAt = DispatchTime.now()
            let access = evaluator.evaluate(at: site.anchor)
            let end = DispatchTime.now()
            grants = access.groups.reduce(0) { $0 + $1.grants.count }
            load.append(seconds(start, loadedAt))
            prepare.append(seconds(loadedAt, preparedAt))
            evaluate.append(seconds(preparedAt, end))
            total.append(seconds(start, end))
        }
        print("grants: \(grants)")
        print(String(format: "load CSV      median %7.3f s", median(load)))
        print(String(format: "index         median %7.3f s", median(prepare)))
        print(String(format: "evaluate      median %7.3f s", median(evaluate)))
        print(String(format: "total         median %7.3f s  (min %.3f, max %.3f, %d runs)", median(total), total.min()!, total.max()!, runs))
        print(String(format: "per customer  median %7.2f µs", median(total) / Double(customers) * 1e6))
        print("peak RSS      \(peakResidentMegabytes()) MB")
    }

    func seconds(_ from: DispatchTime, _ to: DispatchTime) -> Double {
        Double(to.uptimeNanoseconds - from.uptimeNanoseconds) / 1e9
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    func peakResidentMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) / 1024
    }
}
