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

    public enum Unexplained: String, Codable, Sendable {
        /// Nobody in the member data has the role holder's address.
        case notInMemberData = "not_in_member_data"
        /// The person has no record any of the group's rules looks at.
        case noMatchingRecord = "no_matching_record"
    }
}

/// Why a role is removed, in a word the revocation guard and the reviewer group by.
public enum Cause: Codable, Sendable, Hashable {
    /// A record's finding: "membership expired", "registration ended".
    case record(RecordReason.Kind, RecordFinding)
    case noRuleExplains
    case destroy
    /// A window that starts later or ends sooner than the one Kisi holds.
    case windowNarrowed

    /// The cause of a removal from its reasons: the first record's finding.
    public init(reasons: [Reason]) {
        switch reasons.first {
        case .record(let record)?: self = .record(record.kind, record.finding)
        case .destroy?: self = .destroy
        default: self = .noRuleExplains
        }
    }
}
