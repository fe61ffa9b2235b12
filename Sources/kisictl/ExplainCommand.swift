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
            let calendars = explanation.holidayRegions
            let (user, roles, holidays) = try await connection.closing {
                let (user, roles) = try await Self.kisiRoles(of: email, config: config, reader: connection.reader)
                let holidays = try await Self.holidays(calendars, around: instant, zone: config.timeZone, reader: connection.reader)
                return (user, roles, holidays)
            }
            explanation.addKisi(userID: user, roles: roles)
            explanation.addHours(holidays: { region, observed, year in holidays["\(region)|\(observed)|\(year)"] ?? [] }, checked: true)
        } else {
            explanation.addHours(holidays: { _, _, _ in [] }, checked: false)
        }
        Output.standardOutput(format == .json ? explanation.json.rendered() : explanation.text)
        let warnings = loaded.warnings + loaded.evaluator.warnings(at: instant)
        if !warnings.isEmpty {
            Output.standardError("note: \(DiagnosticText.plural(warnings.count, "warning")) in the config or data; kisictl validate lists them\n")
        }
    }

    /// The holidays of each calendar in the years around the instant, keyed `region|observed|year`.
    static func holidays(_ calendars: [HolidayCalendar], around instant: Instant, zone: SiteTimeZone, reader: KisiReader) async throws
        -> [String: [Holiday]]
    {
        let year = zone.localDate(for: instant).components.year
        var found: [String: [Holiday]] = [:]
        for calendar in calendars {
            for year in year...year + 1 {
                let listed = try await reader.holidays(region: calendar.region, year: year, observed: calendar.observed)
                found["\(calendar.region)|\(calendar.observed)|\(year)"] = listed.compactMap { holiday in
                    TimeParsing.localDate(holiday.date).map { Holiday(date: $0, name: holiday.name) }
                }
            }
        }
        return found
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
