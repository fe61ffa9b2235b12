import AccessModel
import AccessRules
import SeededRandom

/// The Kisi organization of a synthetic site: its groups hold exactly what the rules want,
/// except for a share of churn — people not granted yet, out-of-date windows, members whose
/// records lapsed, and members no rule explains — so a plan has realistic work to do.
public struct SyntheticKisi: Sendable {
    public struct Member: Sendable, Equatable {
        public var email: String
        public var role: String
        /// RFC 3339, nil when open.
        public var validFrom: String?
        public var validUntil: String?
    }

    public struct Group: Sendable {
        public var name: String
        public var place: String?
        public var doors: [String]
        public var members: [Member]
    }

    public var groups: [Group]
    /// What the churn does, for reports: grants missing, windows off, lapsed and unexplained members.
    public var churn: (missing: Int, windows: Int, lapsed: Int, unexplained: Int)

    /// - Parameter churn: the share of each group's desired members that differ (0.02 for 2%).
    public init(site: SyntheticSite, churn: Double, seed: UInt64) {
        var random = SplitMix64(seed: seed &+ 0x5EED)
        let evaluator = AccessEvaluator(config: site.config, data: site.data)
        let desired = evaluator.evaluate(at: site.anchor)
        let people = evaluator.directory.people
        var counts = (missing: 0, windows: 0, lapsed: 0, unexplained: 0)
        var groups: [Group] = []
        for (config, wanted) in zip(site.config.managedGroups, desired.groups) {
            var members: [Member] = []
            var granted = Set<Int32>()
            for grant in wanted.grants {
                granted.insert(grant.person.index)
                let email = people[Int(grant.person.index)].email
                let from = grant.window.from > site.anchor ? grant.window.from.rfc3339 : nil
                let until = grant.window.until?.rfc3339
                let roll = random.unit()
                if roll < churn / 2 {
                    counts.missing += 1  // not granted yet: the plan grants
                    continue
                }
                if roll < churn * 3 / 4, let end = grant.window.until {
                    counts.windows += 1  // a window a day short: the plan changes it
                    members.append(Member(email: email, role: "group_basic", validFrom: from, validUntil: (end - .days(1)).rfc3339))
                    continue
                }
                members.append(Member(email: email, role: "group_basic", validFrom: from, validUntil: until))
            }
            // Members that should not be there: a share of churn/8 lapsed and churn/8 unexplained.
            let extra = Int((Double(wanted.grants.count) * churn / 8).rounded(.up))
            var lapsed = 0, unexplained = 0
            var tries = 0
            while lapsed < extra || unexplained < extra, tries < extra * 50 {
                tries += 1
                let candidate = people[random.below(people.count)]
                guard !granted.contains(candidate.id.index), candidate.email != SyntheticSite.owner else { continue }
                let decision = evaluator.decision(for: candidate.id, in: config.address, at: site.anchor)
                let hasRecords = !(decision?.evidence.isEmpty ?? true)
                if hasRecords, lapsed < extra {
                    lapsed += 1
                } else if !hasRecords, unexplained < extra {
                    unexplained += 1
                } else {
                    continue
                }
                granted.insert(candidate.id.index)
                members.append(Member(email: candidate.email, role: "group_basic", validFrom: nil, validUntil: nil))
            }
            counts.lapsed += lapsed
            counts.unexplained += unexplained
            groups.append(Group(name: config.name, place: config.place, doors: config.doors ?? [], members: members))
        }
        // The owner manages the first group: a group manager kisictl never touches.
        if !groups.isEmpty { groups[0].members.append(Member(email: SyntheticSite.owner, role: "group_manager", validFrom: nil, validUntil: nil)) }
        self.groups = groups
        self.churn = counts
    }
}
