import AccessModel
import PlanModel

/// The guards' refusals in words.
public enum GuardText {
    /// "refusing to revoke access of 12 members: policy.max_revocations is 10% of the 80 members
    /// of managed groups, so 8 (top causes: 7 membership expired, …)".
    public static func revocations(count: Int, allowed: Int, limit: AccessPolicy.RevocationLimit, members: Int, causes: [(Cause, Int)]) -> String {
        let top = causes.map { (ReasonText.cause($0.0), $0.1) }.sorted { ($1.1, $0.0) < ($0.1, $1.0) }.prefix(3).map { "\($0.1) \($0.0)" }
        let limitText: String =
            switch limit {
            case .count(let count): "policy.max_revocations is \(count)"
            case .percent(let percent):
                "policy.max_revocations is \(AccessPolicy.RevocationLimit.percent(percent)) of the \(members) members of managed groups, so \(allowed)"
            }
        return
            "refusing to revoke access of \(count) members: \(limitText) (top causes: \(top.joined(separator: ", "))). Check the member data and the rules; if this is intended, apply with --allow-mass-revoke."
    }
}
