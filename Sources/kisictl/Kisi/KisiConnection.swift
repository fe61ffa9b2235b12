import AccessModel
import ArgumentParser
import Foundation
import KisiAPI
import KisiSandbox
import PlanModel
import Reconciler

/// How to reach Kisi: the real API with a key, or the embedded sandbox.
struct KisiOptions: ParsableArguments {
    @Flag(
        help: ArgumentHelp(
            "Run against a Kisi sandbox inside kisictl, seeded from sandbox.yaml beside the config; its state is kept in .kisictl/ beside the config."
        ))
    var sandbox = false

    @Option(
        name: .customLong("api-key-file"),
        help: ArgumentHelp(
            "Read the Kisi API key from this file instead of the variable the config's kisi.api_key_env names.", valueName: "file"))
    var apiKeyFile: String?

    @Option(help: "Requests per second to Kisi (Kisi allows 5 per user); 0 for no pacing.")
    var rate: Double = 5

    @Option(help: "Requests to Kisi in flight at once.")
    var concurrency = 4

    func validate() throws {
        guard (0...1000).contains(rate) else { throw ValidationError("--rate must be from 0 (no pacing) to 1000 requests a second") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 64") }
        if sandbox, apiKeyFile != nil { throw ValidationError("--sandbox needs no key: drop --api-key-file") }
    }
}

/// Why kisictl cannot reach Kisi, in words an operator can act on.
struct ConnectionFailure: Error, CustomStringConvertible {
    var description: String
}

/// An open way to Kisi: credentials, and the embedded sandbox when there is one.
final class KisiConnection: Sendable {
    /// Secrets derived from the API key: the saved plan's signature, the masked addresses' hashes.
    var planKey: PlanKey { credentials.derived(PlanKey.init(apiKey:)) }

    let credentials: KisiCredentials
    let clientOptions: KisiClientOptions
    let sandbox: RunningSandbox?
    /// The sandbox world's fixed "now", if its seed sets one.
    let sandboxClock: Instant?

    private init(credentials: KisiCredentials, clientOptions: KisiClientOptions, sandbox: RunningSandbox?, sandboxClock: Instant?) {
        self.credentials = credentials
        self.clientOptions = clientOptions
        self.sandbox = sandbox
        self.sandboxClock = sandboxClock
        writer = KisiWriter(credentials: credentials, options: clientOptions)
    }

    /// "the embedded sandbox" or the endpoint, for headers and messages.
    var target: String { sandbox == nil ? credentials.endpoint : "the embedded sandbox" }

    /// One client for the whole run: one pace under Kisi's rate limit, one measure of its clock.
    let writer: KisiWriter
    var reader: KisiReader { writer.reader }

    static func stateDirectory(for config: SiteConfig) -> String { stateDirectory(site: config.directory) }

    /// `.kisictl/` beside the config: the sandbox's state, the audit log, the apply lock.
    static func stateDirectory(site directory: String) -> String {
        directory == "." ? ".kisictl" : directory + "/.kisictl"
    }

    static func open(config: SiteConfig, options: KisiOptions) async throws -> KisiConnection {
        try await open(kisi: config.kisi, site: config.directory, options: options)
    }

    /// Opens Kisi as `kisi` describes, or the sandbox of the site in `directory`.
    static func open(kisi settings: KisiSettings, site directory: String, options: KisiOptions) async throws -> KisiConnection {
        let clientOptions = KisiClientOptions(requestsPerSecond: options.rate, concurrency: options.concurrency)
        if options.sandbox { return try await openSandbox(site: directory, options: options, clientOptions: clientOptions) }

        let environment = ProcessInfo.processInfo.environment
        let key: String, source: String
        if let file = options.apiKeyFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConnectionFailure(description: "cannot read the API key file \(file)")
            }
            key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            source = "the file \(file)"
        } else {
            let variable = settings.apiKeyEnv
            key = (environment[variable] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            source = "$\(variable)"
        }
        guard !key.isEmpty else {
            throw ConnectionFailure(
                description:
                    "no Kisi API key: set \(source.hasPrefix("$") ? source.dropFirst() : Substring(source)) to the key (the config's kisi.api_key_env names the variable), pass --api-key-file, or try --sandbox"
            )
        }
        let endpoint = environment["KISI_ENDPOINT"] ?? settings.endpoint ?? KisiCredentials.defaultEndpoint.absoluteString
        guard let url = URL(string: endpoint), url.scheme == "https" || url.scheme == "http" else {
            // Not echoed: a mistyped endpoint may hold a password or a token.
            throw ConnectionFailure(
                description: "the Kisi endpoint (KISI_ENDPOINT, or kisi.endpoint in the config) is not an http(s) URL such as https://api.kisi.io")
        }
        let credentials = KisiCredentials(baseURL: url, apiKey: key, keySource: source)
        return KisiConnection(
            credentials: credentials, clientOptions: clientOptions, sandbox: nil,
            sandboxClock: await advertisedClock(credentials: credentials, options: clientOptions))
    }

    /// A `kisictl sandbox serve` on this machine tells its world's "now" (its seed's `clock`);
    /// plans against it then evaluate at that instant, as with `--sandbox`. Only a loopback
    /// endpoint is believed: no remote server may move the instant kisictl plans at.
    private static func advertisedClock(credentials: KisiCredentials, options: KisiClientOptions) async -> Instant? {
        guard let host = credentials.baseURL.host, ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) else { return nil }
        let probe = KisiReader(credentials: credentials, options: options)
        _ = try? await probe.organization()
        guard let text = await probe.sandboxClock, case .instant(let instant)? = TimeParsing.moment(text) else { return nil }
        return instant
    }

    /// The sandbox seed of the site in `directory`.
    static func sandboxSeed(site directory: String) -> String {
        directory == "." ? "sandbox.yaml" : directory + "/sandbox.yaml"
    }

    private static func openSandbox(site directory: String, options: KisiOptions, clientOptions: KisiClientOptions) async throws -> KisiConnection {
        let seed = sandboxSeed(site: directory)
        let stateFolder = stateDirectory(site: directory)
        let stateFile = stateFolder + "/sandbox-state.json"
        guard FileManager.default.fileExists(atPath: stateFile) || FileManager.default.fileExists(atPath: seed) else {
            throw ConnectionFailure(description: "--sandbox needs a sandbox.yaml beside the config (\(seed)); see the README's sandbox section")
        }
        try PrivateFolder.create(stateFolder)
        let (store, _) = try await SandboxStore.open(stateFile: stateFile, seedFile: seed)
        guard let key = await store.primaryKey else {
            throw ConnectionFailure(description: "the sandbox state has no API key (\(stateFile)); delete \(stateFolder) to start again from \(seed)")
        }
        // The embedded sandbox enforces the same pace the client keeps (none with --rate 0).
        let api = SandboxAPI(store: store, rateLimit: Int(options.rate.rounded(.up)))
        let running = try await SandboxServer(api: api).start()
        let clock = await store.state.clock.flatMap { TimeParsing.moment($0) }.flatMap { moment -> Instant? in
            if case .instant(let instant) = moment { return instant }
            return nil
        }
        return KisiConnection(
            credentials: KisiCredentials(baseURL: URL(string: running.baseURL)!, apiKey: key, keySource: "the sandbox"),
            clientOptions: clientOptions, sandbox: running, sandboxClock: clock)
    }

    func close() async {
        await sandbox?.stop()
    }

    /// Runs `body`, then closes the connection (stopping an embedded sandbox), whatever happens.
    func closing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }
}
