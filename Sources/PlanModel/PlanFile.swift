import AccessModel
import Foundation

/// Saved plans (`plan -out FILE`): the plan as JSON, readable and diffable, with the
/// fingerprints `apply FILE` checks. It never contains the API key; it does contain members'
/// e-mails, so it is written readable by its owner only.
public enum PlanFile {
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String, String)
        case unsupportedVersion(String, String)
        case tooOld(age: TimeInterval, limit: TimeInterval)
        case stale([String])
        case otherTarget(planned: String, now: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "cannot read the saved plan \(path): \(reason)"
            case .unsupportedVersion(let path, let version):
                return "\(path) is a version \(version) plan; this kisictl applies version \(Plan.formatVersion) plans. Make a new plan."
            case .tooOld(let age, let limit):
                return
                    "the saved plan is \(Self.duration(age)) old, older than --max-plan-age \(Self.duration(limit)). Make a new plan and review it again."
            case .stale(let groups):
                return
                    "the saved plan is stale: Kisi changed since it was made, in \(groups.joined(separator: ", ")). Make a new plan and review it again."
            case .otherTarget(let planned, let now):
                return "the saved plan was made against \(planned), not \(now)."
            }
        }

        static func duration(_ seconds: TimeInterval) -> String {
            let total = Int(seconds)
            if total >= 86_400 { return "\(total / 86_400)d\(total % 86_400 / 3600)h" }
            if total >= 3600 { return "\(total / 3600)h\(total % 3600 / 60)m" }
            if total >= 60 { return "\(total / 60)m\(total % 60)s" }
            return "\(total)s"
        }
    }

    public static func save(_ plan: Plan, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(plan)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Failure.unreadable(path, "cannot write it")
        }
        guard rename(temporary, path) == 0 else { throw Failure.unreadable(path, "cannot write it") }
    }

    public static func load(from path: String) throws -> Plan {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure.unreadable(path, "no such file") }
        struct Version: Decodable {
            var formatVersion: String
            enum CodingKeys: String, CodingKey { case formatVersion = "format_version" }
        }
        guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
            throw Failure.unreadable(path, "it is not a kisictl plan")
        }
        guard version.formatVersion == Plan.formatVersion else { throw Failure.unsupportedVersion(path, version.formatVersion) }
        do {
            return try JSONDecoder().decode(Plan.self, from: data)
        } catch {
            throw Failure.unreadable(path, "\(error)")
        }
    }

    /// Refuses a saved plan that is too old, or whose groups changed in Kisi since it was made.
    public static func check(_ plan: Plan, now: Date, maximumAge: TimeInterval, live: [String: String]) throws {
        let age = now.timeIntervalSince1970 - TimeInterval(plan.createdAt.secondsSinceEpoch)
        if age > maximumAge { throw Failure.tooOld(age: age, limit: maximumAge) }
        let changed = plan.fingerprints.live.keys.sorted().filter { live[$0] != plan.fingerprints.live[$0] }
        if !changed.isEmpty { throw Failure.stale(changed) }
    }
}
