import AccessModel
import ArgumentParser
import Foundation
import JSONSupport
import Reconciler

/// `kisictl log [EMAIL] [--since]`: the audit log read back, a person's lines found by the keyed
/// hash their masked address carries (so finding them needs the API key the plans were made with).
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Read the audit log back: every write to Kisi, or one person's, with when, why and the outcome.",
        discussion:
            "A person is found by e-mail: the log holds only masked addresses with a hash keyed from the API key, so give the key as for plan (or --sandbox)."
    )

    @Argument(help: ArgumentHelp("Only this person's lines.", valueName: "email"))
    var email: String?

    @OptionGroup var site: SiteOptions
    @OptionGroup var kisi: KisiOptions

    @Option(help: ArgumentHelp("Only lines since this long ago (7d, 12h) or this time (2026-11-23, 2026-11-23T09:00:00Z).", valueName: "when"))
    var since: String?

    @Option(
        name: .customLong("audit-log"),
        help: ArgumentHelp("The audit log to read (default: .kisictl/audit.jsonl beside the config).", valueName: "file"))
    var auditLog: String?

    @Option(help: "Output format: text, or json (the matching lines as they are, one per line).")
    var format: OutputFormat = .text

    func validate() throws {
        if let email, !EmailAddress.isValid(email) { throw ValidationError("\"\(email)\" is not an e-mail address") }
        if let since, cutoff(since, now: .now) == nil {
            throw ValidationError("--since expects a duration such as 7d or 12h, or a date or time such as 2026-11-23")
        }
    }

    /// The earliest instant shown: now minus a duration, or a date (UTC midnight) or time.
    func cutoff(_ text: String, now: Instant) -> Instant? {
        if let span = TimeSpan(parsing: text) { return Instant(secondsSinceEpoch: now.secondsSinceEpoch - span.seconds) }
        if case .instant(let instant)? = TimeParsing.moment(text) { return instant }
        if let date = TimeParsing.localDate(text) { return SiteTimeZone(identifier: "UTC")?.startOfDay(date) }
        return nil
    }

    func run() async throws {
        let loaded = try site.load(reportingErrorsAs: .text)
        let path = auditLog ?? KisiConnection.stateDirectory(for: loaded.config) + "/audit.jsonl"
        guard let data = FileManager.default.contents(atPath: path) else {
            Output.standardError("error: no audit log at \(path): nothing was applied from here yet (or give --audit-log FILE)\n")
            throw ExitCode(1)
        }
        var person: String?
        if let email {
            let connection = try await KisiConnection.open(config: loaded.config, options: kisi)
            person = AuditLog.person(email, salt: connection.planKey.maskSalt)
            await connection.close()
        }
        let earliest = since.flatMap { cutoff($0, now: .now) }
        var shown = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let entry = try? JSONParser.parse(Array(line)) else { continue }
            if let person, entry["person"]?.stringValue != person { continue }
            if let earliest, let time = entry["time"]?.stringValue.flatMap(TimeParsing.moment),
                case .instant(let instant) = time, instant < earliest
            {
                continue
            }
            shown += 1
            Output.standardOutput(format == .json ? String(decoding: line, as: UTF8.self) + "\n" : Self.text(entry))
        }
        if format == .text { Output.standardError("\(shown) line\(shown == 1 ? "" : "s") of \(path)\n") }
    }

    /// `2026-11-23T09:00:03Z revoke kisi_role_assignment.all-hours["h***@…"]: ok` and the details below.
    static func text(_ entry: JSONValue) -> String {
        func string(_ key: String) -> String? { entry[key]?.stringValue }
        var out = "\(string("time") ?? "?") \(string("action") ?? "?") \(string("address") ?? "?"): \(string("outcome") ?? "?")\n"
        let ids = ["role_assignment_id", "new_role_assignment_id", "user_id", "kisi_group_id"].compactMap { key in
            entry[key]?.intValue.map { "\(key) \($0)" }
        }
        if !ids.isEmpty { out += "    " + ids.joined(separator: ", ") + "\n" }
        for (key, label) in [("window_before", "window before"), ("window_after", "window after")] {
            if let window = entry[key] {
                out += "    \(label): \(window["valid_from"]?.stringValue ?? "open") – \(window["valid_until"]?.stringValue ?? "open")\n"
            }
        }
        if case .array(let reasons)? = entry["reasons"] { for reason in reasons { out += "    because \(reason.stringValue ?? "")\n" } }
        if let detail = string("detail") { out += "    \(detail)\n" }
        if let plan = string("plan_id") { out += "    plan \(plan)\n" }
        return out
    }
}
