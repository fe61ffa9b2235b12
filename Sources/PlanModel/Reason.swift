import AccessModel

/// Why a change is planned, as data: the renderers put it into words.
public enum Reason: Codable, Sendable, Hashable {
    /// A member-data record and what it says at the instant.
    case record(RecordReason)
    /// A member no rule explains.
    case noRuleExplains(Unexplained)
    /// `plan --destroy`: every grant kisictl manages is revoked.
    case destroy
    /// A record with the person's address was skipped: why they are "not in the member data".
    case skipped(SkippedRecord)
    /// Kisi holds a second group for the address: its roles move to the older one, and it goes.
    case mergedDuplicate(DuplicateMerge)
    /// A schedule the config declares, or one it does not.
    case schedule(ScheduleReason)

    public enum Unexplained: String, Codable, Sendable {
        /// Nobody in the member data has the role holder's address.
        case notInMemberData = "not_in_member_data"
        /// The person has no record any of the group's rules looks at.
        case noMatchingRecord = "no_matching_record"
    }
}

/// Why a schedule is made, changed or removed.
public enum ScheduleReason: String, Codable, Sendable, Hashable {
    /// The config's `schedule:` or `unlock:` holds it.
    case declared
    /// Kisi holds it and the config's schedule does not.
    case notDeclared = "not_declared"
    /// `schedule: always` or `unlock: never`: no schedules.
    case noSchedule = "no_schedule"
    /// Kisi's `time_restriction_enabled`, which makes a group's schedules count.
    case timeRestriction = "time_restriction"
}

/// Why a role is removed, in a word the revocation guard and the reviewer group by.
public enum Cause: Codable, Sendable, Hashable {
    /// A record's finding: "membership expired", "registration ended".
    case record(RecordReason.Kind, RecordFinding)
    case noRuleExplains
    case destroy
    /// A window that starts later or ends sooner than the one Kisi holds.
    case windowNarrowed
    /// A duplicate group merged into the one kept: the access moves, nobody loses it.
    case mergedDuplicate

    /// The cause of a removal from its reasons: the first record's finding.
    public init(reasons: [Reason]) {
        switch reasons.first {
        case .record(let record)?: self = .record(record.kind, record.finding)
        case .destroy?: self = .destroy
        case .mergedDuplicate?: self = .mergedDuplicate
        default: self = .noRuleExplains
        }
    }
}

/// One step of merging a duplicate Kisi group into the one kisictl keeps (the oldest).
public struct DuplicateMerge: Codable, Sendable, Hashable {
    public enum Step: String, Codable, Sendable {
        /// The role is made again in the kept group, with the copy's role and window.
        case moved
        /// The role in the copy goes; the person holds one in the kept group already.
        case alreadyInKept = "already_in_kept"
        /// The copy itself goes, once empty.
        case groupDeleted = "group_deleted"
    }

    public var step: Step
    /// The group kept: the oldest with the name.
    public var keptID: Int
    /// The newer copy, deleted.
    public var copyID: Int

    public init(_ step: Step, keptID: Int, copyID: Int) {
        self.step = step
        self.keptID = keptID
        self.copyID = copyID
    }

    enum CodingKeys: String, CodingKey {
        case step
        case keptID = "kept_id"
        case copyID = "copy_id"
    }
}
