import AccessModel
import Foundation
import PlanModel

/// The guards: limits on what one apply may do, and on what the member data may look like,
/// so that a broken export or a bad rule edit cannot lock out (or let in) a whole site in one
/// run. Pure functions of the plan and a few measures; apply decides what a trip holds back.
public enum Guards {
    /// A share-based limit never blocks this many, so one lapse in a tiny site is not "mass".
    public static let floor = 3

    /// What the guards measure besides the plan.
    public struct Measures: Sendable, Equatable {
        /// `group_basic` roles in the managed groups now.
        public var members: Int
        public var customers: Int
        /// Every skipped record of the member data.
        public var skipped: [SkippedRecord]
        /// Records per entity now, of the entities the rules need (customers included).
        public var sizes: DataSizes
        /// The same at the last successful apply.
        public var previousSizes: DataSizes?

        public init(members: Int, customers: Int, skipped: [SkippedRecord], sizes: DataSizes, previousSizes: DataSizes?) {
            self.members = members
            self.customers = customers
            self.skipped = skipped
            self.sizes = sizes
            self.previousSizes = previousSizes
        }
    }

    /// Every guard the plan trips, in a fixed order.
    public static func trips(_ plan: Plan, policy: AccessPolicy, measures: Measures) -> [GuardTrip] {
        var trips: [GuardTrip] = []
        let roles = plan.changes.filter { $0.address.kind == .role }

        let narrowing = roles.filter { narrows($0, at: plan.instant) }
        let allowedRevocations = policy.maxRevocations.allowed(of: measures.members, floor: floor)
        if narrowing.count > allowedRevocations {
            trips.append(
                GuardTrip(
                    kind: .revocations, count: narrowing.count, allowed: allowedRevocations, limit: policy.maxRevocations, base: measures.members,
                    causes: causes(of: narrowing)))
        }

        let grants = roles.filter { $0.action == .create && !isMerge($0) }.count
        // Before the first successful apply from here, the grants are the onboarding itself,
        // reviewed as the config's first plan: only a count limits them.
        if measures.previousSizes != nil || policy.maxGrants.isCount {
            let allowed = policy.maxGrants.allowed(of: measures.members, floor: floor)
            if grants > allowed {
                trips.append(GuardTrip(kind: .grants, count: grants, allowed: allowed, limit: policy.maxGrants, base: measures.members))
            }
        }

        let skippedPeople = Set(measures.skipped.map(\.person)).count
        let allowedSkipped = policy.maxSkippedRecords.allowed(of: measures.customers, floor: floor)
        if skippedPeople > allowedSkipped {
            trips.append(
                GuardTrip(
                    kind: .skippedRecords, count: skippedPeople, allowed: allowedSkipped, limit: policy.maxSkippedRecords,
                    base: measures.customers))
        }

        let missing = roles.filter { $0.action == .delete && $0.reasons.first == .noRuleExplains(.notInMemberData) }
        let allowedMissing = policy.maxMissingMembers.allowed(of: measures.members, floor: floor)
        if missing.count > allowedMissing {
            trips.append(
                GuardTrip(
                    kind: .missingMembers, count: missing.count, allowed: allowedMissing, limit: policy.maxMissingMembers,
                    base: measures.members, causes: causes(of: missing)))
        }

        if let previous = measures.previousSizes {
            for (entity, size) in measures.sizes.counts.sorted(by: { $0.key < $1.key }) {
                guard let before = previous.counts[entity], before > size else { continue }
                let allowed = policy.maxDataShrink.allowed(of: before, floor: 0)
                if before - size > allowed {
                    trips.append(
                        GuardTrip(
                            kind: .dataShrink, count: before - size, allowed: allowed, limit: policy.maxDataShrink, base: before, entity: entity))
                }
            }
        }
        return trips
    }

    /// Whether a change removes access someone has now or ends it sooner: a revocation of a
    /// role still valid, a door unlinked, a later `valid_from` or an earlier `valid_until`, and
    /// for a group's hours a time restriction turned on, an exception added, hours removed or
    /// shortened. A role whose `valid_until` has passed gives nothing: cleaning it up narrows
    /// nothing. A door's unlock hours never narrow access: members still unlock it.
    public static func narrows(_ change: ResourceChange, at instant: Instant) -> Bool {
        // Merging a duplicate group moves access; nobody loses it.
        if isMerge(change) { return false }
        switch (change.address.kind, change.action) {
        case (.door, .delete): return true
        case (.group, .update): return change.after?.group?.timeRestriction == true && change.before?.group?.timeRestriction != true
        case (.schedule, _):
            let before = change.before?.schedule.map { [$0.entry] } ?? [], after = change.after?.schedule.map { [$0.entry] } ?? []
            return !ScheduleMeaning(after).admits(atLeast: ScheduleMeaning(before))
        case (.role, .delete):
            guard let until = change.beforeRole?.window.until else { return true }
            return until > instant
        case (.role, .update):
            guard let before = change.beforeRole?.window, let after = change.afterRole?.window else { return false }
            if let until = before.until, until <= instant { return false }
            let past = Instant(secondsSinceEpoch: .min), future = Instant(secondsSinceEpoch: .max)
            let startsLater = (after.from ?? past) > max(before.from ?? past, instant)
            let endsSooner = (after.until ?? future) < (before.until ?? future)
            return startsLater || endsSooner
        default: return false
        }
    }

    static func isMerge(_ change: ResourceChange) -> Bool {
        change.reasons.contains { if case .mergedDuplicate = $0 { true } else { false } }
    }

    /// The plan's changes split for a tripped revocation guard: what gives or widens access
    /// (applied) and what removes or narrows it (held back).
    public static func split(_ plan: Plan) -> (widening: Plan, held: [ResourceChange]) {
        var widening = plan
        widening.changes = plan.changes.filter { !narrows($0, at: plan.instant) }
        return (widening, plan.changes.filter { narrows($0, at: plan.instant) })
    }

    private static func causes(of changes: [ResourceChange]) -> [CauseCount] {
        var counts: [Cause: Int] = [:]
        for change in changes { counts[change.cause ?? .windowNarrowed, default: 0] += 1 }
        return counts.map { CauseCount($0.key, $0.value) }.sorted { ($1.count, "\($0.cause)") < ($0.count, "\($1.cause)") }
    }
}

extension AccessPolicy.Limit {
    var isCount: Bool { if case .count = self { true } else { false } }
}

/// Records per entity, kept in `.kisictl/` after each successful apply so the next plan can
/// notice an export that shrank.
public struct DataSizes: Codable, Sendable, Equatable {
    public static let fileName = "data-sizes.json"
    public var counts: [MemberEntity: Int]

    public init(_ counts: [MemberEntity: Int]) {
        self.counts = counts
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode([String: Int].self)
        counts = Dictionary(uniqueKeysWithValues: raw.compactMap { key, value in MemberEntity(rawValue: key).map { ($0, value) } })
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))
    }

    /// The sizes at the last successful apply, or nil before the first.
    public static func load(folder: String) -> DataSizes? {
        FileManager.default.contents(atPath: folder + "/" + fileName).flatMap { try? JSONDecoder().decode(DataSizes.self, from: $0) }
    }

    public func save(folder: String) throws {
        try PrivateFolder.create(folder)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = folder + "/" + Self.fileName, temporary = path + ".tmp"
        try encoder.encode(self).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
