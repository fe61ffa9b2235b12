import AccessModel
import PlanModel

/// Refuses a plan that would revoke more people than `policy.max_revocations` allows, unless
/// the operator says `--allow-mass-revoke`: a broken export or a bad rule edit must not lock
/// out a whole site in one run.
public enum RevocationGuard {
    /// A share-based limit never blocks this many revocations, so one lapse in a tiny group is not
    /// a "mass" revocation.
    public static let floor = 3

    /// Why the guard refuses a plan: the facts the message is made of.
    public struct Refusal: Sendable, Equatable {
        public var revocations: Int
        public var allowed: Int
        public var limit: AccessPolicy.RevocationLimit
        /// The members of the managed groups a share is taken of.
        public var members: Int
        /// Every cause, with how many revocations it has (the renderer names the commonest).
        public var causes: [(cause: Cause, count: Int)]

        public static func == (lhs: Refusal, rhs: Refusal) -> Bool {
            lhs.revocations == rhs.revocations && lhs.allowed == rhs.allowed && lhs.limit == rhs.limit && lhs.members == rhs.members
                && lhs.causes.map(\.cause) == rhs.causes.map(\.cause) && lhs.causes.map(\.count) == rhs.causes.map(\.count)
        }
    }

    /// The number of revocations allowed for a site whose managed groups hold `members` roles.
    public static func allowed(_ limit: AccessPolicy.RevocationLimit, members: Int) -> Int {
        switch limit {
        case .count(let count): return count
        case .percent(let percent): return max(floor, Int((percent / 100 * Double(members)).rounded(.down)))
        }
    }

    /// Nil when the plan is within the limit; otherwise the refusal, with the top causes.
    public static func refusal(_ plan: Plan, policy: AccessPolicy, members: Int) -> Refusal? {
        let revocations = plan.changes.filter { $0.address.kind == .role && $0.action == .delete }
        let allowed = allowed(policy.maxRevocations, members: members)
        guard revocations.count > allowed else { return nil }
        var causes: [Cause: Int] = [:]
        for revocation in revocations { causes[revocation.cause ?? .noRuleExplains, default: 0] += 1 }
        return Refusal(
            revocations: revocations.count, allowed: allowed, limit: policy.maxRevocations, members: members,
            causes: causes.map { (cause: $0.key, count: $0.value) })
    }
}
