import AccessModel
import AccessRules
import ArgumentParser
import Foundation
import KisiAPI
import KisiConfig
import MemberSources
import PlanModel
import Reconciler
import Rendering

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the key, its rights, the places, doors and groups the config names, the time zone and the member data.",
        discussion: """
            Each check prints ok, warn or fail, with a fix for the last two. Exit status 1 if any check fails. Never writes to Kisi, \
            except with --live-test: it then makes a throw-away group, user and roles to check how Kisi behaves, and removes them.
            """
    )

    @OptionGroup var site: SiteOptions
    @OptionGroup var kisi: KisiOptions

    @Option(name: .customLong("max-data-age"), help: ArgumentHelp("Member-data files older than this fail.", valueName: "duration"))
    var maxDataAge = "24h"

    @Flag(
        name: .customLong("live-test"),
        help: ArgumentHelp(
            "Check kisictl's assumptions about Kisi on this account: make a throw-away group, user and roles, read them back, remove them."))
    var liveTest = false

    @Flag(name: .customLong("allow-writes"), help: "Consent to --live-test writing to a real Kisi account (not needed with --sandbox).")
    var allowWrites = false

    func validate() throws {
        guard TimeSpan(parsing: maxDataAge) != nil else { throw ValidationError("--max-data-age expects a duration such as 24h or 90m") }
        if liveTest, !kisi.sandbox, !allowWrites {
            throw ValidationError(
                "--live-test writes to Kisi: it makes a group named \"kisictl live test – delete me (…)\", a user and two roles, and removes them. Add --allow-writes to consent, or use --sandbox."
            )
        }
        if allowWrites, !liveTest { throw ValidationError("--allow-writes is only for --live-test") }
    }

    func run() async throws {
        var report = DoctorReport()
        defer { Output.standardOutput(report.text) }
        let config: SiteConfig
        do {
            let loaded = try ConfigLoader.load(path: site.config)
            config = loaded.config
            let managed = config.managedGroups.count
            report.ok(
                "config",
                "\(config.files.first ?? site.config): \(config.groups.count) group\(config.groups.count == 1 ? "" : "s"), \(managed) managed")
        } catch {
            let errors = error.diagnostics.filter { $0.severity == .error }
            report.fail(
                "config", "\(errors.count) error\(errors.count == 1 ? "" : "s"), first: \(errors.first?.description ?? "unknown")",
                fix: "run `kisictl validate --config \(site.config)` and correct what it lists")
            throw ExitCode(1)
        }

        await KisiChecks(config: config, options: kisi).run(into: &report)
        DataChecks(config: config, maximumAge: TimeInterval(TimeSpan(parsing: maxDataAge)!.seconds), now: Date()).run(into: &report)
        if liveTest { await runLiveTest(config: config, into: &report) }
        if report.failed { throw ExitCode(1) }
    }

    /// The live test, printed assumption by assumption, and summed up in the report.
    private func runLiveTest(config: SiteConfig, into report: inout DoctorReport) async {
        let connection: KisiConnection
        do {
            connection = try await KisiConnection.open(config: config, options: kisi)
        } catch {
            report.fail("live test", "\(error)", fix: "fix the connection (see the key check), then run the live test again")
            return
        }
        let result = await LiveTest(writer: connection.writer, now: Date()).run()
        await connection.close()
        if let method = result.windowChanges {
            try? KisiBehaviour(
                target: connection.target, windowChanges: method, seenAt: Instant.now
            )
            .save(folder: KisiConnection.stateDirectory(for: config))
        }
        var text = "Live test against Kisi at \(connection.target) (the group \"\(result.groupName)\", a user and roles, removed afterwards):\n"
        for finding in result.findings {
            let (word, detail): (String, String) =
                switch finding.verdict {
                case .holds(let seen): ("holds", seen)
                case .differs(let seen): ("differs", "\(seen); if so, \(finding.assumption.ifWrong)")
                case .notChecked(let why): ("not checked", why)
                }
            text += "  " + word.padding(toLength: 12, withPad: " ", startingAt: 0) + finding.assumption.rawValue + ": " + detail + "\n"
        }
        Output.standardOutput(text + "\n")
        let differing = result.findings.filter { if case .differs = $0.verdict { true } else { false } }
        let unhandled = differing.filter { !$0.assumption.handled }.map(\.assumption.rawValue)
        if !result.leftBehind.isEmpty {
            report.fail("live test", "could not remove \(result.leftBehind.joined(separator: "; "))", fix: "delete them in Kisi's dashboard")
        }
        if !unhandled.isEmpty {
            report.fail(
                "live test", "Kisi differs from what kisictl assumes: \(unhandled.joined(separator: ", "))",
                fix: "do not apply until this is understood; see the README's Kisi compatibility section")
        } else if !differing.isEmpty {
            report.warn(
                "live test", "Kisi differs where kisictl copes: \(differing.map(\.assumption.rawValue).joined(separator: ", "))",
                fix: "nothing to do; apply works around it (see the lines above)")
        } else {
            report.ok("live test", "\(result.findings.filter { if case .holds = $0.verdict { true } else { false } }.count) assumptions hold")
        }
    }
}

/// The doctor's findings, one line each, with a fix under each warning and failure.
struct DoctorReport {
    enum Status: String { case ok, warn, fail }

    private(set) var lines: [(status: Status, check: String, message: String, fix: String?)] = []

    mutating func ok(_ check: String, _ message: String) { lines.append((.ok, check, message, nil)) }
    mutating func warn(_ check: String, _ message: String, fix: String) { lines.append((.warn, check, message, fix)) }
    mutating func fail(_ check: String, _ message: String, fix: String) { lines.append((.fail, check, message, fix)) }

    var failed: Bool { lines.contains { $0.status == .fail } }

    var text: String {
        var out = ""
        for line in lines {
            out += line.status.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0) + " " + line.check + ": " + line.message + "\n"
            if let fix = line.fix { out += "      fix: " + fix + "\n" }
        }
        let counts = [DoctorReport.Status.fail, .warn, .ok].map { status in "\(lines.filter { $0.status == status }.count) \(status.rawValue)" }
        return out + "\n" + counts.joined(separator: ", ") + "\n"
    }
}

/// The checks that read Kisi: the key, its rights, what the config names, integrations and the
/// time zone. The first failure to reach Kisi stops them (the rest could only repeat it).
struct KisiChecks {
    let config: SiteConfig
    let options: KisiOptions

    func run(into report: inout DoctorReport) async {
        let connection: KisiConnection
        do {
            connection = try await KisiConnection.open(config: config, options: options)
        } catch {
            report.fail(
                "key", "\(error)",
                fix: options.sandbox
                    ? "give the site a sandbox.yaml (see the README's sandbox section), or drop --sandbox"
                    : "set \(config.kisi.apiKeyEnv) (the variable kisi.api_key_env names) to a Kisi API key, or pass --api-key-file")
            return
        }
        let reader = connection.reader
        do {
            let user = try await reader.currentUser()
            report.ok(
                "key",
                "Kisi at \(connection.target) accepted the key from \(connection.credentials.keySource) (user \(EmailAddress.masked(user.email)))")
            checkRoles(try await reader.organizationRoles(user: user.id), user: user, into: &report)
            let snapshot = try await KisiSnapshot.read(reader)
            checkNames(snapshot, into: &report)
            checkTimeZone(snapshot, into: &report)
            await checkClock(reader, into: &report)
            try await checkOtherWriters(
                snapshot, keyUser: user, reader: reader,
                now: connection.sandboxClock.map { $0.date } ?? Date(),
                target: connection.target, into: &report)
        } catch KisiError.unauthorized(let source) {
            report.fail(
                "key", "Kisi at \(connection.target) rejected the key from \(source) (401)",
                fix:
                    "create a key in Kisi (Settings → API) as the organization owner or an administrator, and put it in \(source); a key stops working when it is deleted or its user loses admin rights"
            )
        } catch {
            report.fail("kisi", "\(error)", fix: "check the endpoint (kisi.endpoint, KISI_ENDPOINT) and the network, then run doctor again")
        }
        await connection.close()
    }

    private func checkRoles(_ roles: [String], user: KisiUser, into report: inout DoctorReport) {
        let who = EmailAddress.masked(user.email)
        if roles.contains(where: { $0.contains("owner") || $0.contains("admin") }) {
            report.ok("rights", "\(who) holds the organization role \(roles.sorted().joined(separator: ", ")): it can manage groups")
        } else if roles.isEmpty {
            report.warn(
                "rights", "Kisi lists no organization role for \(who)",
                fix: "if apply meets 403 answers, use a key made by the organization owner or an administrator")
        } else {
            report.fail(
                "rights", "\(who) holds only \(roles.sorted().joined(separator: ", ")): Kisi will refuse kisictl's writes (403)",
                fix: "use a key made by the organization owner or an administrator")
        }
    }

    /// Every place, door and group the config names exists; no managed group is fed by an integration.
    private func checkNames(_ snapshot: KisiSnapshot, into report: inout DoctorReport) {
        let resolution = GroupResolver(places: snapshot.places, locks: snapshot.locks, groups: snapshot.groups).resolve(config.groups)
        var problems =
            resolution.problems + GroupResolver(places: snapshot.places, locks: snapshot.locks, groups: []).resolve(doors: config.doors).problems
        for group in config.groups where resolution.placeIDs[group.address] != nil {
            let path = "groups.\(group.address)"
            guard let kisi = resolution.matches[group.address] else {
                guard !problems.contains(where: { $0.path == group.address }) else { continue }
                if group.managed {
                    report.warn(
                        "groups", "\(path): Kisi has no group \"\(group.name)\" in \(group.place ?? "the organization"): apply will create it",
                        fix: "if the group exists under another name, add previously: [that name] (or kisi_id:), or kisictl makes a second one")
                } else {
                    report.warn(
                        "groups", "\(path): Kisi has no group \"\(group.name)\" (managed: false, so nothing happens)",
                        fix: "correct the name, or remove the group from the config")
                }
                continue
            }
            if group.managed, kisi.name != group.name {
                report.warn(
                    "groups", "\(path): Kisi group \(kisi.id) is called \"\(kisi.name)\"; apply renames it to \"\(group.name)\"",
                    fix: "if the rename is not meant, set name: to Kisi's name")
            }
            if group.managed, let integration = snapshot.integrations[kisi.id]?.first {
                problems.append(.integrationFed(group: group.address, name: kisi.name, integration: integration.name, type: integration.type))
            }
        }
        for problem in problems { report.fail(Self.check(of: problem), ProblemText.sentence(problem), fix: Self.fix(for: problem)) }
        if problems.isEmpty {
            report.ok("names", "every place, door and group the config names exists in Kisi; no managed group is fed by an integration")
        }
    }

    /// The doctor check a resolution problem belongs to.
    private static func check(of problem: PlanProblem) -> String {
        switch problem {
        case .unknownPlace: "places"
        case .unknownDoor, .ambiguousDoor, .unknownLock, .ambiguousLock: "doors"
        case .integrationFed: "integrations"
        case .duplicateGroups, .placeChange, .unknownKisiID, .sharedKisiGroup, .unexplainedMembers: "groups"
        }
    }

    private static func fix(for problem: PlanProblem) -> String {
        switch problem {
        case .unknownPlace: "correct the place's name in the config, or create the place in Kisi"
        case .unknownDoor: "use the door's name exactly as Kisi shows it, or remove it from the list"
        case .ambiguousDoor: "give the group a place, or rename the doors in Kisi apart"
        case .unknownLock: "use the door's name exactly as Kisi shows it under doors:, or remove it"
        case .ambiguousLock: "rename the doors in Kisi apart"
        case .integrationFed: "disconnect the integration from this group in Kisi, set managed: false, or give kisictl a group of its own"
        case .duplicateGroups: "rename all but one in Kisi, or pin the one to manage with kisi_id: (kisictl import writes it)"
        case .placeChange: "keep the group's place; for a group elsewhere, remove kisi_id and previously and give it another name"
        case .unknownKisiID: "correct kisi_id, or remove it to find the group by name"
        case .sharedKisiGroup: "give each config group its own Kisi group"
        case .unexplainedMembers: "add a rule that explains them, or set policy.unexplained_members"
        }
    }

    /// The config's zone is the zone of the places its groups use (or of every place, if none).
    /// The local clock against Kisi's `Date` header: windows are computed from the local one.
    private func checkClock(_ reader: KisiReader, into report: inout DoctorReport) async {
        guard let skew = await reader.clockSkew else { return }
        let seconds = Int(skew.components.seconds)
        guard let notice = ClockSkew.notice(skew) else {
            report.ok("clock", "the local clock is within a minute of Kisi's (\(seconds) s)")
            return
        }
        let sentence = NoticeText.sentence(notice, style: PlanStyle(zone: config.timeZone))
        let fix = "synchronise the clock (NTP: timedatectl set-ntp true, or chrony)"
        if ClockSkew.refuses(skew) { report.fail("clock", sentence, fix: fix) } else { report.warn("clock", sentence, fix: fix) }
    }

    private func checkTimeZone(_ snapshot: KisiSnapshot, into report: inout DoctorReport) {
        let named = Set(config.groups.compactMap { $0.place?.lowercased() })
        let places = snapshot.places.filter { named.isEmpty || named.contains($0.name.lowercased()) }
        let zone = config.timeZone.identifier
        let differing = places.filter { ($0.timeZone ?? zone) != zone }
        if differing.isEmpty {
            report.ok("timezone", "\(zone) is the zone of \(places.isEmpty ? "the site" : places.map(\.name).sorted().joined(separator: ", "))")
        } else {
            let list = differing.map { "\($0.name) is in \($0.timeZone ?? "?")" }.joined(separator: ", ")
            report.fail(
                "timezone", "the config's timezone is \(zone), but \(list): dates and times in the member data would be read in the wrong zone",
                fix: "set timezone: to the place's zone (\(differing[0].timeZone ?? "its IANA name"))")
        }
    }

    /// Basic roles added lately by another writer in a managed group: another tool still writing.
    private func checkOtherWriters(
        _ snapshot: KisiSnapshot, keyUser: KisiUser, reader: KisiReader, now: Date, target: String,
        into report: inout DoctorReport
    ) async throws {
        var roles: [String: [KisiRoleAssignment]] = [:]
        for group in config.managedGroups {
            let placeID = group.place.flatMap { snapshot.places.named($0)?.id }
            guard let kisi = snapshot.groups.first(where: { $0.name == group.name && $0.placeID == placeID }) else { continue }
            roles[group.address] = try await reader.roleAssignments(group: kisi.id)
        }
        let writers = try await OtherWriters(reader: reader, now: now).find(in: roles, keyUser: keyUser)
        for writer in writers {
            let who: String =
                switch writer.kind {
                case .user: "Kisi user \(writer.id.map(String.init) ?? "?")" + (writer.email.map { " (\(EmailAddress.masked($0)))" } ?? "")
                case .marketplaceInstallation: "the marketplace installation \(writer.id.map(String.init) ?? "?")"
                case .other: "another writer (\(writer.id.map(String.init) ?? "?"))"
                }
            report.warn(
                "other writers",
                "\(who) added \(writer.roles) member\(writer.roles == 1 ? "" : "s") to \(writer.groups.map { "groups.\($0)" }.joined(separator: ", ")) in the last 7 days, not this key's user",
                fix: "turn off the platform's Kisi sync for these groups before kisictl manages them, or the two will undo each other")
        }
        if writers.isEmpty, !config.managedGroups.isEmpty {
            report.ok("other writers", "no other writer added members to a managed group in the last 7 days")
        }
        switch KisiBehaviour.load(folder: KisiConnection.stateDirectory(for: config), target: target) {
        case let behaviour? where behaviour.windowChanges == .reissue:
            report.warn(
                "window changes",
                "on \(behaviour.seenAt.rfc3339) Kisi answered a PATCH of a role's window but kept the old one; apply changes windows by revoking and granting again (two requests without access)",
                fix: "nothing to do for kisictl; `kisictl doctor --live-test` checks again")
        case let behaviour?:
            report.ok("window changes", "Kisi kept the new window of a PATCH, read back on \(behaviour.seenAt.rfc3339)")
        case nil: break
        }
        if snapshot.organization.scimEnabled {
            report.warn(
                "scim", "SCIM is enabled for \(snapshot.organization.name): an identity provider may create users and change group members",
                fix: "keep the groups kisictl manages out of the identity provider's group push")
        }
    }
}

/// The member data: present, parsing, and fresh.
struct DataChecks {
    let config: SiteConfig
    let maximumAge: TimeInterval
    let now: Date

    func run(into report: inout DoctorReport) {
        let exports = MemberSource.exports(of: config.source, relativeTo: config.directory)
        var stale = false
        for export in exports {
            let modified = (try? FileManager.default.attributesOfItem(atPath: export.path)[.modificationDate] as? Date) ?? now
            let age = now.timeIntervalSince(modified)
            if age > maximumAge {
                stale = true
                report.fail(
                    "data age",
                    (export.source.map { "source \($0): " } ?? "")
                        + "\(export.path) was last written \(TimeSpan(seconds: Int64(age) / 60 * 60)) ago, more than --max-data-age \(TimeSpan(seconds: Int64(maximumAge)))",
                    fix: "check that the platform export still runs; kisictl would grant and revoke from old data")
            }
        }
        if !exports.isEmpty, !stale {
            report.ok("data age", "\(exports.count) export\(exports.count == 1 ? "" : "s"), none older than \(TimeSpan(seconds: Int64(maximumAge)))")
        }
        // Several sources: each on its own line, so that the failing one is named.
        if case .several(let sources) = config.source {
            for source in sources {
                do {
                    let loaded = try MemberSource.load(source.spec, relativeTo: config.directory, withholding: [config.kisi.apiKeyEnv])
                    report.ok(
                        "source \(source.name)",
                        "\(loaded.origin): \(loaded.data.customers.count) customers, \(loaded.data.memberships.count) memberships")
                } catch {
                    let errors = error.diagnostics.filter { $0.severity == .error }
                    report.fail(
                        "source \(source.name)",
                        "does not load: \(errors.count) error\(errors.count == 1 ? "" : "s"), first: \(errors.first?.description ?? "unknown")",
                        fix: "run `kisictl validate` and correct this source's data (or its entry in sources:)")
                }
            }
        }
        do {
            let loaded = try MemberSource.load(config.source, relativeTo: config.directory, withholding: [config.kisi.apiKeyEnv])
            report.ok(
                "data",
                "\(loaded.origin): \(loaded.data.customers.count) customers, \(loaded.data.memberships.count) memberships, \(loaded.data.registrations.count) registrations, \(loaded.data.bookings.count) bookings"
            )
            // The data's own warnings and those of the rules over it, as a plan shows them.
            let warnings = (loaded.warnings + AccessEvaluator(config: config, data: loaded.data).diagnostics).warnings.sortedByLocation()
            if let first = warnings.first {
                let skipped = Set(warnings.skippedRecords.map(\.person)).count
                var message = warnings.count == 1 ? "1 warning" : "\(warnings.count) warnings"
                if skipped > 0 { message += ", the records of \(skipped) people skipped" }
                message += "; first: " + first.description
                report.warn(
                    "data warnings", message,
                    fix: "`kisictl validate` lists them all; correct the export (a skipped person is revoked, and too many stop apply)")
            }
        } catch {
            let errors = error.diagnostics.filter { $0.severity == .error }
            report.fail(
                "data",
                "the member data does not load: \(errors.count) error\(errors.count == 1 ? "" : "s"), first: \(errors.first?.description ?? "unknown")",
                fix: "run `kisictl validate` and correct the export (or source: in the config)")
        }
    }
}
