import AccessModel

/// Refuses a plan that would revoke more people than `policy.max_revocations` allows, unless
/// the operator says `--allow-mass-revoke`: a broken export or a bad rule edit must not lock
/// out a whole site in one run.
public enum RevocationGuard {
    /// A share-based limit never blocks this many revocations, so one lapse in a tiny group is not
    /// a "mass" revocation.
    public static let floor = 3

    /// The number of revocations allowed for a site whose managed groups hold `members` roles.
    public static func allowed(_ limit: AccessPolicy.RevocationLimit, members: Int) -> Int {
        switch limit {
        case .count(let count): return count
        case .percent(let percent): return max(floor, Int((percent / 100 * Double(members)).rounded(.down)))
        }
    }

    /// Nil when the plan is within the limit; otherwise the refusal, with the top causes.
    public static func refusal(_ plan: Plan, policy: AccessPolicy, members: Int) -> String? {
        let revocations = plan.groups.flatMap(\.access).filter { $0.action == .revoke }
        let allowed = allowed(policy.maxRevocations, members: members)
        guard revocations.count > allowed else { return nil }
        var causes: [String: Int] = [:]
        for revocation in revocations { causes[revocation.cause ?? "other", default: 0] += 1 }
        let top = causes.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3).map { "\($0.value) \($0.key)" }
        let limit: String =
            switch policy.maxRevocations {
            case .count(let count): "policy.max_revocations is \(count)"
            case .percent(let percent):
                "policy.max_revocations is \(AccessPolicy.RevocationLimit.percent(percent)) of the \(members) members of managed groups, so \(allowed)"
            }
        return
            "refusing to revoke access of \(revocations.count) members: \(limit) (top causes: \(top.joined(separator: ", "))). Check the member data and the rules; if this is intended, apply with --allow-mass-revoke."
    }
}
