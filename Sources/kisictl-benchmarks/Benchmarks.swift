import AccessModel
import AccessRules
import ArgumentParser
import Foundation
import KisiAPI
import KisiConfig
import MemberSources
import PlanModel
import Reconciler
import Subprocesses
import SyntheticSites

/// Benchmarks print their figures; targets live in BENCHMARKS.md, never in timed tests.
@main
struct Benchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kisictl-benchmarks",
        abstract: "Measure kisictl on synthetic sites.",
        subcommands: [
            EngineBenchmark.self, EngineRun.self, SourcesBenchmark.self, SourcesRun.self, SandboxBenchmark.self, RequestsBenchmark.self,
            ApplyBenchmark.self,
        ]
    )
}

/// The engine: load member data, evaluate every group, and diff against live Kisi state held in
/// memory. Each size runs in a child process of its own, so its peak memory is its own.
struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Load CSV member data, evaluate every group and diff against in-memory live state."
    )

    @Option(parsing: .upToNextOption, help: "Sizes, in customers.")
    var customers: [Int] = [10_000, 100_000, 1_000_000]

    @OptionGroup var shape: SiteShapeOptions

    @Option(help: "Timed runs per size; medians are reported.")
    var runs = 5

    /// `plain`: the site earlier figures were measured on. `operator-rules`: the same site with
    /// households, ages, tags, holds and payment graces in its data and rules (2.6).
    enum Variant: String, ExpressibleByArgument, CaseIterable {
        case plain
        case operatorRules = "operator-rules"
    }

    @Option(parsing: .upToNextOption, help: "Site variants, measured in turn for each size: plain, operator-rules.")
    var variants: [Variant] = [.plain]

    func run() throws {
        FileHandle.standardOutput.write(
            Data("customers  load (s)  index (s)  evaluate (s)  diff (s)  total (s)  per customer (µs)  peak RSS (MB)  runs  variant\n".utf8))
        for size in customers {
            for variant in variants {
                let folder = try Self.prepare(
                    customers: size, groups: shape.groups, churn: shape.churn, seed: shape.seed, operatorRules: variant == .operatorRules)
                let child = try ProcessRunner.run(
                    .init(program: CommandLine.arguments[0], arguments: ["engine-run", "--dir", folder, "--runs", String(runs)]))
                FileHandle.standardOutput.write(
                    Data(String(decoding: child.stdout, as: UTF8.self).replacingOccurrences(of: "\n", with: "  \(variant.rawValue)\n").utf8))
                FileHandle.standardError.write(Data(child.stderr))
                guard child.succeeded else { throw ExitCode(1) }
            }
        }
    }

    /// Writes the site (data, config, live state) once per parameters, in the temporary folder.
    static func prepare(customers: Int, groups: Int, churn: Double, seed: UInt64, operatorRules: Bool = false) throws -> String {
        let folder = NSTemporaryDirectory() + "kisictl-bench-\(customers)-\(groups)-\(churn)-\(seed)" + (operatorRules ? "-operator-rules" : "")
        if FileManager.default.fileExists(atPath: folder + "/live.tsv") { return folder }
        let site = SyntheticSite(.init(customers: customers, groups: groups, seed: seed, operatorRules: operatorRules))
        let kisi = SyntheticKisi(site: site, churn: churn, seed: seed)
        try SiteWriter.writeCSV(site.data, to: folder + "/data")
        try SiteFiles.configYAML(site.config, comment: "engine benchmark").write(toFile: folder + "/kisictl.yaml", atomically: true, encoding: .utf8)
        try LiveStateFile.write(kisi, to: folder + "/live.tsv")
        return folder
    }
}

/// One size of the engine benchmark, in its own process (started by `engine`).
struct EngineRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "engine-run", shouldDisplay: false)

    @Option var dir: String
    @Option var runs = 5

    func run() throws {
        let config = try ConfigLoader.load(path: dir).config
        let live = try LiveStateFile.read(dir + "/live.tsv", config: config)
        let anchor = Instant(secondsSinceEpoch: 1_795_424_400)
        var load: [Double] = [], index: [Double] = [], evaluate: [Double] = [], diff: [Double] = [], total: [Double] = []
        var customers = 0
        for _ in 0..<runs {
            let start = DispatchTime.now()
            let data = try MemberSource.load(config.source, relativeTo: config.directory).data
            let loaded = DispatchTime.now()
            let evaluator = AccessEvaluator(config: config, data: data)
            let indexed = DispatchTime.now()
            let desired = evaluator.evaluate(at: anchor)
            let evaluated = DispatchTime.now()
            let plan = Planner(evaluator: evaluator, desired: desired, live: live, endpoint: "memory", fingerprints: ("", "")).plan(createdAt: anchor)
            let end = DispatchTime.now()
            precondition(plan.problems.isEmpty && plan.hasChanges)
            customers = data.customers.count
            load.append(seconds(start, loaded))
            index.append(seconds(loaded, indexed))
            evaluate.append(seconds(indexed, evaluated))
            diff.append(seconds(evaluated, end))
            total.append(seconds(start, end))
        }
        let perCustomer = median(total) / Double(customers) * 1e6
        print(
            String(
                format: "%9d  %8.3f  %9.3f  %12.3f  %8.3f  %9.3f  %17.2f  %13d  %4d", customers, median(load), median(index),
                median(evaluate), median(diff), median(total), perCustomer, peakResidentMegabytes(), runs))
    }
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

/// Live Kisi state for the engine benchmark, as tab-separated lines (groups, doors, roles):
/// quick to read, so the benchmark measures the engine rather than a seed parser.
enum LiveStateFile {
    static func write(_ kisi: SyntheticKisi, to path: String) throws {
        var out = ""
        var roleID = 1
        for (position, group) in kisi.groups.enumerated() {
            let groupID = 30_001 + position
            out += "group\t\(groupID)\t\(group.name)\n"
            for (offset, door) in group.doors.enumerated() { out += "door\t\(groupID)\t\(door)\t\(40_001 + position * 10 + offset)\n" }
            for member in group.members {
                out += "role\t\(groupID)\t\(roleID)\t\(member.role)\t\(member.email)\t\(member.validFrom ?? "")\t\(member.validUntil ?? "")\n"
                roleID += 1
            }
        }
        try out.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func read(_ path: String, config: SiteConfig) throws -> LiveState {
        guard let data = FileManager.default.contents(atPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        let bytes = [UInt8](data)
        let place = KisiPlace(id: 10_001, name: SyntheticSite.place, timeZone: config.timeZone.identifier)
        let locks = SyntheticSite.doors.enumerated().map { KisiLock(id: 20_001 + $0.offset, name: $0.element, placeID: place.id) }
        var groups: [Int: LiveGroup] = [:]
        var users: [String: KisiUser] = [:]
        var nextUser = 50_001
        // Line by line, with one string per distinct e-mail (as a decoder that interns would keep).
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        // Each group's roles counted first, so its array is allocated once at its final size.
        var roleCounts: [Int: Int] = [:]
        for line in lines where line.starts(with: "role\t".utf8) {
            let groupID = line.dropFirst(5).prefix { $0 != UInt8(ascii: "\t") }
            roleCounts[Int(String(decoding: groupID, as: UTF8.self))!, default: 0] += 1
        }
        for line in lines {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            switch fields[0] {
            case "group":
                var roles: [KisiRoleAssignment] = []
                roles.reserveCapacity(roleCounts[Int(fields[1])!] ?? 0)
                groups[Int(fields[1])!] = LiveGroup(
                    group: KisiGroup(id: Int(fields[1])!, name: fields[2], description: nil, placeID: place.id),
                    roles: roles, doors: [], integrations: [])
            case "door":
                let lock = locks.first { $0.name == fields[2] }!
                groups[Int(fields[1])!]!.doors!.append(KisiGroupLock(id: Int(fields[3])!, groupID: Int(fields[1])!, lockID: lock.id))
            default:
                let key = EmailAddress.normalized(fields[4])
                let user: KisiUser
                if let known = users[key] {
                    user = known
                } else {
                    user = KisiUser(id: nextUser, name: nil, email: fields[4])
                    users[key] = user
                    nextUser += 1
                }
                groups[Int(fields[1])!]!.roles.append(
                    KisiRoleAssignment(
                        id: Int(fields[2])!, roleID: fields[3], groupID: Int(fields[1])!, assignee: .user(user),
                        validFrom: fields[5].isEmpty ? nil : KisiTime.parse(fields[5]),
                        validUntil: fields[6].isEmpty ? nil : KisiTime.parse(fields[6])))
            }
        }
        let resolution = GroupResolver(places: [place], locks: locks, groups: groups.values.map(\.group)).resolve(config.groups)
        var byAddress: [String: LiveGroup] = [:]
        for (address, kisi) in resolution.matches { byAddress[address] = groups[kisi.id] }
        return LiveState(
            organization: KisiOrganization(id: 1, name: "Synthetic Site Ltd", domain: "synthetic"), places: [place], locks: locks,
            keyUser: KisiUser(id: 1, name: "Owner", email: "owner@synthetic.example"), resolution: resolution, groups: byAddress, users: users)
    }
}
