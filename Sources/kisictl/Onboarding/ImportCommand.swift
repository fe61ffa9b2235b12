import AccessModel
import ArgumentParser
import Foundation
import KisiAPI
import KisiConfig
import MemberSources
import Reconciler
import Rendering

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write a config from live Kisi: every group with its name, description, place and doors, each managed: false.",
        discussion: """
            The imported config changes nothing: `kisictl plan` on it shows no changes. To onboard a \
            group, add grant rules, set managed: true, and read the plan. With --sandbox, the sandbox \
            of the site --config names is read, and copied beside the new config.
            """
    )

    @Option(help: ArgumentHelp("A config or site directory whose Kisi settings (key variable, endpoint, member data) to reuse.", valueName: "path"))
    var config: String?

    @Option(help: ArgumentHelp("Import only the groups of this Kisi place.", valueName: "name"))
    var place: String?

    @Option(help: ArgumentHelp("The folder to write kisictl.yaml into (created if missing).", valueName: "dir"))
    var out = "."

    @Flag(help: "Replace an existing kisictl.yaml in the output folder.")
    var force = false

    @OptionGroup var kisi: KisiOptions

    func run() async throws {
        let target = MemberSource.join(out, "kisictl.yaml")
        if !force, FileManager.default.fileExists(atPath: target) {
            Output.standardError("error: \(target) already exists; pass --force to replace it, or choose another --out\n")
            throw ExitCode(1)
        }
        let origin = try ImportOrigin(path: config)
        let connection: KisiConnection
        do {
            connection = try await KisiConnection.open(kisi: origin.kisi, site: origin.directory, options: kisi)
        } catch {
            Output.standardError("error: \(error)\n")
            throw ExitCode(1)
        }
        let snapshot: KisiSnapshot
        let administrators: [String]
        do {
            (snapshot, administrators) = try await connection.closing {
                let reader = connection.reader
                let snapshot = try await KisiSnapshot.read(reader)
                var emails: [String] = []
                for id in try await reader.organizationAdministrators() {
                    if let user = try await reader.user(id: id) { emails.append(EmailAddress.normalized(user.email)) }
                }
                return (snapshot, emails.sorted())
            }
        } catch {
            Output.standardError("error: \(error)\n")
            throw ExitCode(1)
        }

        var groups = snapshot.groups
        if let place {
            guard let match = snapshot.places.named(place) else {
                Output.standardError(
                    "error: Kisi has no place named \"\(place)\" (places: \(snapshot.places.map(\.name).sorted().joined(separator: ", ")))\n")
                throw ExitCode(1)
            }
            groups = groups.filter { $0.placeID == match.id }
        }
        let yaml = ImportedConfig(
            snapshot: snapshot, groups: groups, origin: origin, outputFolder: out, place: place, administrators: administrators
        ).yaml
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try yaml.write(toFile: target, atomically: true, encoding: .utf8)
            if kisi.sandbox { try copySandbox(from: origin.directory) }
        } catch {
            Output.standardError("error: cannot write \(target): \(error.localizedDescription)\n")
            throw ExitCode(1)
        }
        let configFlag = out == "." ? "" : " --config \(out)"
        Output.standardOutput(
            """
            Wrote \(target): \(groups.count) group\(groups.count == 1 ? "" : "s") from \(snapshot.organization.name), each managed: false.
            Next: kisictl plan\(configFlag)\(kisi.sandbox ? " --sandbox" : "") shows no changes. To onboard a group, add grant rules, \
            set managed: true and read the plan.

            """)
    }

    /// Gives the new site the sandbox it was imported from: its seed and its current state.
    private func copySandbox(from directory: String) throws {
        let manager = FileManager.default
        let from = URL(fileURLWithPath: directory).standardizedFileURL.path, to = URL(fileURLWithPath: out).standardizedFileURL.path
        guard from != to else { return }
        let files = [
            (KisiConnection.sandboxSeed(site: directory), KisiConnection.sandboxSeed(site: out)),
            (
                KisiConnection.stateDirectory(site: directory) + "/sandbox-state.json",
                KisiConnection.stateDirectory(site: out) + "/sandbox-state.json"
            ),
        ]
        try PrivateFolder.create(KisiConnection.stateDirectory(site: out))
        for (source, destination) in files where manager.fileExists(atPath: source) {
            if manager.fileExists(atPath: destination) { try manager.removeItem(atPath: destination) }
            try manager.copyItem(atPath: source, toPath: destination)
        }
    }
}

/// Where `import` takes its Kisi settings from: an existing config, a site folder without one,
/// or nothing (the defaults, in the current folder).
struct ImportOrigin {
    var directory: String
    var kisi: KisiSettings
    var source: SourceSpec?
    var timeZone: SiteTimeZone?

    init(path: String?) throws {
        guard let path else {
            self.init(directory: ".")
            return
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists, isDirectory.boolValue, !FileManager.default.fileExists(atPath: MemberSource.join(path, "kisictl.yaml")) {
            self.init(directory: path)
            return
        }
        do {
            let config = try ConfigLoader.load(path: path).config
            self.init(directory: config.directory, kisi: config.kisi, source: config.source, timeZone: config.timeZone)
        } catch {
            Output.standardError(DiagnosticText.render(error.diagnostics))
            throw ExitCode(1)
        }
    }

    init(directory: String, kisi: KisiSettings = KisiSettings(), source: SourceSpec? = nil, timeZone: SiteTimeZone? = nil) {
        self.directory = directory
        self.kisi = kisi
        self.source = source
        self.timeZone = timeZone
    }
}
