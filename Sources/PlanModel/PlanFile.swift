import AccessModel
import Crypto
import Foundation

/// Saved plans (`plan -out FILE`): the plan as JSON, readable and diffable, signed with a secret
/// derived from the API key, with the fingerprints `apply FILE` checks. It never contains the
/// API key; it does contain members' e-mails, so it is written readable by its owner only.
public enum PlanFile {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unreadable(String, String)
        case unsupportedVersion(String, String)
        case unsigned(String)
        case forged(String)
        case fromTheFuture(createdAt: Instant)
        case tooOld(age: TimeInterval, limit: TimeInterval)
        case changedFiles([String])
        case stale([String])
        case otherTarget(planned: String, now: String)
        case untouchable([String])

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "cannot read the saved plan \(path): \(reason)"
            case .unsupportedVersion(let path, let version):
                return "\(path) is a version \(version) plan; this kisictl applies version \(Plan.formatVersion) plans. Make a new plan."
            case .unsigned(let path):
                return "\(path) carries no signature: apply only takes plans saved by `kisictl plan -out`. Make a new plan."
            case .forged(let path):
                return
                    "\(path) was changed after kisictl saved it, or saved with another API key: its signature does not match. Refusing it; make a new plan."
            case .fromTheFuture(let createdAt):
                return "the saved plan says it was made at \(createdAt.rfc3339), which is in the future: refusing it. Make a new plan."
            case .tooOld(let age, let limit):
                return
                    "the saved plan is \(Self.duration(age)) old, older than --max-plan-age \(Self.duration(limit)). Make a new plan and review it again."
            case .changedFiles(let files):
                return
                    "the config or the member data changed since the plan was made: \(files.joined(separator: ", ")). Make a new plan and review it again."
            case .stale(let groups):
                return
                    "the saved plan is stale: Kisi changed since it was made, in \(groups.joined(separator: ", ")). Make a new plan and review it again."
            case .otherTarget(let planned, let now):
                return "the saved plan was made against \(planned), not \(now)."
            case .untouchable(let changes):
                return
                    "the saved plan changes what kisictl never touches: \(changes.joined(separator: "; ")). Refusing it; make a new plan."
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

    /// The plan's bytes as signed: sorted keys, so decoding and encoding again gives them back.
    static func canonical(_ plan: Plan) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(plan)
    }

    /// A short id of the plan's content, for the audit log: the lines of one apply share it, and
    /// a saved plan applied later is known by it.
    public static func id(of plan: Plan) -> String {
        let bytes = (try? canonical(plan)) ?? Data()
        return SHA256.hash(data: bytes).prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    public static func save(_ plan: Plan, to path: String, key: PlanKey) throws {
        let bytes = try canonical(plan)
        // The signature goes first, beside the plan's own keys: the file stays the plan's JSON.
        var data = Data("{\n  \"signature\" : \"\(key.signature(of: bytes))\",".utf8)
        data.append(bytes.dropFirst())
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Failure.unreadable(path, "cannot write it")
        }
        guard rename(temporary, path) == 0 else { throw Failure.unreadable(path, "cannot write it") }
    }

    /// The plan, unverified: for `show`, which holds no key.
    public static func load(from path: String) throws -> Plan {
        try read(path).plan
    }

    /// The plan, after checking its signature with the key it will be applied with.
    public static func load(from path: String, key: PlanKey) throws -> Plan {
        let (plan, signature) = try read(path)
        guard let signature else { throw Failure.unsigned(path) }
        guard key.isSignature(signature, of: try canonical(plan)) else { throw Failure.forged(path) }
        return plan
    }

    private static func read(_ path: String) throws -> (plan: Plan, signature: String?) {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure.unreadable(path, "no such file") }
        struct Header: Decodable {
            var formatVersion: String
            var signature: String?
            enum CodingKeys: String, CodingKey {
                case formatVersion = "format_version"
                case signature
            }
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw Failure.unreadable(path, "it is not a kisictl plan")
        }
        guard header.formatVersion == Plan.formatVersion else { throw Failure.unsupportedVersion(path, header.formatVersion) }
        do {
            return (try JSONDecoder().decode(Plan.self, from: data), header.signature)
        } catch {
            throw Failure.unreadable(path, "\(error)")
        }
    }

    /// Refuses a saved plan made in the future or too long ago, made from other config or data
    /// files than those here now, or whose groups changed in Kisi since.
    public static func check(
        _ plan: Plan, now: Date, maximumAge: TimeInterval, files: [String: String], live: [String: String]
    ) throws {
        let age = now.timeIntervalSince1970 - TimeInterval(plan.createdAt.secondsSinceEpoch)
        // A minute's grace for clocks of two machines (the CI runner that planned, the one applying).
        if age < -60 { throw Failure.fromTheFuture(createdAt: plan.createdAt) }
        if age > maximumAge { throw Failure.tooOld(age: age, limit: maximumAge) }
        let paths = Set(plan.fingerprints.files.keys).union(files.keys).sorted()
        let changed = paths.filter { plan.fingerprints.files[$0] != files[$0] }
        if !changed.isEmpty { throw Failure.changedFiles(changed) }
        let stale = plan.fingerprints.live.keys.sorted().filter { live[$0] != plan.fingerprints.live[$0] }
        if !stale.isEmpty { throw Failure.stale(stale) }
    }
}
