import AccessModel
import ArgumentParser
import Foundation
import KisiSandbox

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "A local, faithful Kisi API for trying kisictl, tests and benchmarks.",
        subcommands: [ServeCommand.self, GenerateCommand.self]
    )
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Kisi REST API on a local port until interrupted.",
        discussion: """
            Starts from --state if that file exists (a restart resumes), else from --seed (a \
            sandbox.yaml), else from an empty organization. With --state, every write is saved \
            before it is answered.
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8787

    @Option(help: ArgumentHelp("Keep the state in this JSON file: reloaded on start, saved after every write.", valueName: "file"))
    var state: String?

    @Option(help: ArgumentHelp("Start from this sandbox.yaml when there is no state file.", valueName: "file"))
    var seed: String?

    @Option(name: .customLong("rate-limit"), help: "Requests per second per user, as Kisi allows; 0 for no limit.")
    var rateLimit = 5

    @Option(
        help: ArgumentHelp(
            "Inject faults: seed=42,latency=200ms,429=5%,500=2%,503=1%,drop-before=1%,drop-after=2%,burst=3,short-pages=20%,shift-pages=10%,late-group-creates=3s.",
            valueName: "spec"))
    var faults: String?

    @Flag(
        name: .customLong("patch-ignores-validity"),
        help: "Emulate a Kisi that answers PATCH /role_assignments/{id} but keeps the old valid_from and valid_until.")
    var patchIgnoresValidity = false

    @Option(
        help: ArgumentHelp(
            "The sandbox world's now, which kisictl plans at against it: seed (the seed's clock, as --sandbox does), now (the real time), or an instant such as 2026-11-23T09:00:00Z.",
            valueName: "seed|now|instant"))
    var clock = "seed"

    func validate() throws {
        if clock != "seed", clock != "now" {
            guard case .instant? = TimeParsing.moment(clock) else {
                throw ValidationError("--clock expects seed, now or an instant with its offset, such as 2026-11-23T09:00:00Z")
            }
        }
        guard (0...100_000).contains(rateLimit) else { throw ValidationError("--rate-limit must be from 0 (no limit) to 100,000") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        if let faults {
            do { _ = try FaultPlan(spec: faults) } catch { throw ValidationError("\(error)") }
        }
    }

    func run() async throws {
        // The server's service lifecycle stops it gracefully on SIGINT and SIGTERM.
        Signals.leaveToCommand()
        let (store, origin) = try await SandboxStore.open(stateFile: state, seedFile: seed)
        if patchIgnoresValidity { try await store.write { state, _ in state.emulation.patchIgnoresValidity = true } }
        let clock = clock
        if clock != "seed" { try await store.write { state, _ in state.clock = clock == "now" ? nil : clock } }
        let worldClock = await store.state.clock
        let plan = try faults.map { try FaultPlan(spec: $0) }
        let server = SandboxServer(api: SandboxAPI(store: store, rateLimit: rateLimit), faults: plan)
        let key = await store.primaryKey ?? "(none: the state has no API keys)"
        let host = host
        let startedFrom: String =
            switch origin {
            case .stateFile(let path): "resumed from \(path)"
            case .seed(let path): "seeded from \(path)" + (state.map { ", saved to \($0)" } ?? ", kept in memory")
            case .empty: "an empty organization" + (state.map { ", saved to \($0)" } ?? ", kept in memory")
            }
        let limits = rateLimit == 0 ? "no rate limit" : "\(rateLimit) requests/second per user"
        try await server.serve(host: host, port: port) { bound in
            let lines = [
                "Kisi sandbox listening on http://\(host):\(bound)",
                "API key: \(key)   (send it as Authorization: KISI-LOGIN <key>)",
                "State: \(startedFrom); \(limits)" + (faults.map { "; faults \($0)" } ?? "")
                    + (patchIgnoresValidity ? "; PATCH ignores valid_from/valid_until" : ""),
                worldClock.map { "Clock: \($0): kisictl plans at this instant here, as with --sandbox (--clock now for the real time)." }
                    ?? "Clock: the real time.",
                "Statistics: GET http://\(host):\(bound)/__sandbox/stats. Stop with Ctrl-C.",
            ]
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        FileHandle.standardOutput.write(Data("Kisi sandbox stopped.\n".utf8))
    }
}
