import AccessModel
import ArgumentParser
import Foundation
import KisiAPI
import Reconciler
import Rendering

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show, for one person, every managed group: access or not, the window, and why."
    )

    @Argument(help: "The person's e-mail address (any capitalisation).")
    var email: String

    @OptionGroup var site: SiteOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @OptionGroup var kisi: KisiOptions

    @Flag(help: "Do not read Kisi, even when a key is available.")
    var offline = false

    func run() async throws {
        let loaded = try site.load(reportingErrorsAs: format)
        let config = loaded.config
        let keyAvailable = !(ProcessInfo.processInfo.environment[config.kisi.apiKeyEnv] ?? "").isEmpty || kisi.apiKeyFile != nil
        let connection = offline || !(kisi.sandbox || keyAvailable) ? nil : try await KisiConnection.open(config: config, options: kisi)
        let instant = site.instant(in: config.timeZone, fallback: connection?.sandboxClock)
        var explanation = Explanation(evaluator: loaded.evaluator, email: email, at: instant)
        if let connection {
            let (user, roles) = try await connection.closing { try await Self.kisiRoles(of: email, config: config, reader: connection.reader) }
            explanation.addKisi(userID: user, roles: roles)
        }
        Output.standardOutput(format == .json ? explanation.json.rendered() : explanation.text)
        let warnings = loaded.warnings + loaded.evaluator.warnings(at: instant)
        if !warnings.isEmpty {
            Output.standardError("note: \(DiagnosticText.plural(warnings.count, "warning")) in the config or data; kisictl validate lists them\n")
        }
    }

    /// The person's Kisi user and their role in each managed group, by group address.
    static func kisiRoles(of email: String, config: SiteConfig, reader: KisiReader) async throws -> (Int?, [String: Explanation.KisiRole]) {
        guard let user = try await reader.user(email: email) else { return (nil, [:]) }
        async let places = reader.places()
        async let groups = reader.groups()
        async let assignments = reader.roleAssignments(user: user.id)
        let (placeList, groupList, roleList) = try await (places, groups, assignments)
        // Doors do not decide which group is which: the resolver is given none.
        let resolution = GroupResolver(places: placeList, locks: [], groups: groupList).resolve(config.managedGroups)
        var roles: [String: Explanation.KisiRole] = [:]
        for group in config.managedGroups {
            guard let kisiGroup = resolution.matches[group.address], let role = roleList.first(where: { $0.groupID == kisiGroup.id })
            else { continue }
            func instant(_ date: Date?) -> Instant? { date.map { Instant($0) } }
            roles[group.address] = Explanation.KisiRole(role: role.roleID, validFrom: instant(role.validFrom), validUntil: instant(role.validUntil))
        }
        return (user.id, roles)
    }
}
