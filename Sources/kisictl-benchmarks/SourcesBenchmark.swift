import AccessModel
import ArgumentParser
import Foundation
import KisiConfig
import MemberSources
import SQLiteNIO
import Subprocesses
import SyntheticSites

/// Member data loaded from each kind of source next to native CSV: JSON exports (read as a
/// stream), a mapped CSV export in another platform's headings, words, dates and separator, and
/// a SQLite database. Each format and size loads in a child process of its own, so its peak
/// memory is its own.
struct SourcesBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "Load member data as native CSV, JSON, a mapped CSV export and SQLite."
    )

    @Option(parsing: .upToNextOption, help: "Sizes, in customers.")
    var customers: [Int] = [100_000, 1_000_000]

    @OptionGroup var shape: SiteShapeOptions

    @Option(help: "Timed runs (processes) per format and size; medians are reported.")
    var runs = 5

    func run() throws {
        print("format       customers  load (s)  × native CSV  peak RSS (MB)  runs")
        for size in customers {
            let folder = try EngineBenchmark.prepare(customers: size, groups: shape.groups, churn: shape.churn, seed: shape.seed)
            let variants = try SourceVariants.prepare(folder)
            // Formats take turns, one load per process, so a machine that slows down part-way
            // slows every format alike: the ratios are measured in one run. (A second load in the
            // same process lands in other threads' malloc arenas and doubles the peak.)
            var times = [[Double]](repeating: [], count: variants.count)
            var peaks = [[Double]](repeating: [], count: variants.count)
            var counts = [Int](repeating: 0, count: variants.count)
            for _ in 0..<runs {
                for (index, (_, directory)) in variants.enumerated() {
                    let child = try ProcessRunner.run(
                        .init(program: CommandLine.arguments[0], arguments: ["sources-run", "--dir", directory, "--runs", "1"]))
                    FileHandle.standardError.write(Data(child.stderr))
                    guard child.succeeded else { throw ExitCode(1) }
                    let fields = String(decoding: child.stdout, as: UTF8.self).split(whereSeparator: \.isWhitespace)
                    counts[index] = Int(fields[0])!
                    times[index].append(Double(fields[1])!)
                    peaks[index].append(Double(fields[2])!)
                }
            }
            let native = median(times[0])
            for (index, (name, _)) in variants.enumerated() {
                let seconds = median(times[index])
                let figures = String(
                    format: "%9d  %8.3f  %12.2f  %13.0f  %4d", counts[index], seconds, seconds / native, median(peaks[index]), runs)
                print(name.padding(toLength: 11, withPad: " ", startingAt: 0) + "  " + figures)
            }
        }
    }
}

/// One format and size of the sources benchmark, in its own process: `customers seconds MB`.
struct SourcesRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sources-run", shouldDisplay: false)

    @Option var dir: String
    @Option var runs = 3

    func run() throws {
        let config = try ConfigLoader.load(path: dir).config
        var times: [Double] = []
        var customers = 0
        for _ in 0..<runs {
            let start = DispatchTime.now()
            let data = try MemberSource.load(config.source, relativeTo: config.directory).data
            times.append(seconds(start, DispatchTime.now()))
            customers = data.customers.count
        }
        print("\(customers) \(median(times)) \(peakResidentMegabytes())")
    }
}

/// The engine benchmark's site written as each source reads it, beside the native CSV.
enum SourceVariants {
    /// The platform's headings for the mapped export, and its words for statuses.
    static let headings: [MemberEntity: [String: String]] = [
        .customers: ["id": "Client ID", "name": "Full Name", "email": "E-mail", "company_id": "Company"],
        .memberships: [
            "id": "Membership ID", "customer_id": "Client ID", "company_id": "Company", "type": "Plan", "status": "Membership Status",
            "starts_on": "Start Date", "ends_on": "End Date", "sessions_remaining": "Sessions Left", "blocked_reason": "Note",
        ],
        .registrations: [
            "id": "Visit ID", "customer_id": "Client ID", "kind": "Type", "session": "Class", "starts_at": "Start", "ends_at": "End",
            "status": "Visit Status",
        ],
        .bookings: [
            "id": "Booking ID", "customer_id": "Client ID", "resource_type": "Resource Type", "resource": "Resource", "starts_at": "From",
            "ends_at": "Until", "status": "Booking Status", "invitees": "Guests",
        ],
    ]

    /// `[(format, folder with a kisictl.yaml)]`, native CSV first.
    static func prepare(_ folder: String) throws -> [(String, String)] {
        let loaded = try ConfigLoader.load(path: folder)
        let config = try String(contentsOfFile: folder + "/kisictl.yaml", encoding: .utf8)
        let variants = ["json", "mapped-csv", "sqlite"].map { ($0, folder + "/" + $0) }
        if !FileManager.default.fileExists(atPath: folder + "/sqlite/members.sqlite") {
            let data = try MemberSource.load(loaded.config.source, relativeTo: loaded.config.directory).data
            try SiteWriter.writeJSON(data, to: folder + "/json/data")
            try writeMapped(data, to: folder + "/mapped-csv/data")
            try writeSQLite(data, to: folder + "/sqlite/members.sqlite")
        }
        let sources = [
            "json": "source:\n  files: data\n",
            "mapped-csv": "source:\n  files: data\n  mapping:\n" + mappingYAML(),
            "sqlite": "source:\n  sqlite:\n    path: members.sqlite\n    queries:\n"
                + SiteWriter.tables(MemberData(providedEntities: [])).map { "      \($0.entity.rawValue): select * from \($0.entity.rawValue)\n" }
                .joined(),
        ]
        for (name, path) in variants {
            try config.replacingOccurrences(of: "source:\n  files: data\n", with: sources[name]!)
                .write(toFile: path + "/kisictl.yaml", atomically: true, encoding: .utf8)
        }
        return [("native-csv", folder)] + variants
    }

    private static func mappingYAML() -> String {
        MemberEntity.allCases.filter { headings[$0] != nil }.map { entity in
            let columns = headings[entity]!.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", ")
            var out = "    \(entity.rawValue):\n      file: \(entity.rawValue).csv\n      columns: {\(columns)}\n"
            switch entity {
            case .memberships:
                out +=
                    "      values: {status: {active: [Active], paused: [On Hold], blocked: [Payment Failed], cancelled: [Cancelled], expired: [Expired]}}\n"
                out += "      formats: {starts_on: MM/dd/yyyy, ends_on: MM/dd/yyyy}\n"
            case .registrations, .bookings:
                out += "      formats: {starts_at: MM/dd/yyyy HH:mm, ends_at: MM/dd/yyyy HH:mm}\n"
            case .customers, .holds: break
            }
            return out
        }.joined()
    }

    /// Semicolon-separated, in the platform's headings, words and US dates.
    private static func writeMapped(_ data: MemberData, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let words = ["active": "Active", "paused": "On Hold", "blocked": "Payment Failed", "cancelled": "Cancelled", "expired": "Expired"]
        for table in SiteWriter.tables(data) {
            let header = table.header.map { headings[table.entity]![$0]! }
            var out = header.joined(separator: ";") + "\n"
            out.reserveCapacity(table.count * 90)
            for index in 0..<table.count {
                let fields = zip(table.header, table.row(index)).map { column, value -> String in
                    switch column {
                    case "status" where table.entity == .memberships: words[value] ?? value
                    case "starts_on", "ends_on": usDate(value)
                    case "starts_at", "ends_at": value.count == 16 ? usDate(String(value.prefix(10))) + " " + value.suffix(5) : value
                    default: value
                    }
                }
                out += fields.map { $0.contains(";") ? "\"\($0)\"" : $0 }.joined(separator: ";") + "\n"
            }
            try out.write(toFile: "\(folder)/\(table.entity.rawValue).csv", atomically: true, encoding: .utf8)
        }
    }

    /// `2026-11-23` as `11/23/2026`.
    private static func usDate(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        return parts.count == 3 ? "\(parts[1])/\(parts[2])/\(parts[0])" : iso
    }

    private static func writeSQLite(_ data: MemberData, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let connection = try SQLiteConnection.open(storage: .file(path: path)).wait()
        defer { try? connection.close().wait() }
        for table in SiteWriter.tables(data) {
            _ = try connection.query("create table \(table.entity.rawValue) (\(table.header.map { "\($0) text" }.joined(separator: ", ")))").wait()
            _ = try connection.query("begin").wait()
            for start in stride(from: 0, to: table.count, by: 500) {
                let rows = (start..<min(table.count, start + 500)).map { index in
                    "("
                        + table.row(index).map { $0.isEmpty ? "null" : "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(
                            separator: ",") + ")"
                }
                _ = try connection.query("insert into \(table.entity.rawValue) values " + rows.joined(separator: ",")).wait()
            }
            _ = try connection.query("commit").wait()
        }
    }
}
