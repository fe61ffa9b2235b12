import AccessModel

/// One record's part in a decision: the record, and what it says at the instant.
///
/// Evidence is compact (indexes into ``MemberData``) so evaluating a large site builds no strings;
/// ``AccessEvaluator/reason(_:)`` turns it into the data plans and `explain` show.
public struct Evidence: Hashable, Comparable, Sendable {
    public enum Record: Hashable, Comparable, Sendable {
        /// Index into ``MemberData/memberships`` (the person's own or their company's).
        case membership(Int32)
        /// Index into ``MemberData/registrations``.
        case registration(Int32)
        /// Index into ``MemberData/bookings``: the person made the booking.
        case booking(Int32)
        /// Index into ``MemberData/bookings``: the person is invited to it.
        case invitation(Int32)
        /// Index into ``MemberData/bookings``: the person is invited to it, and gets in as a Kisi guest.
        case guestInvitation(Int32)
        /// A group's `extra` grant: the group's index among the managed groups, and the grant's.
        case extra(group: Int32, Int32)
    }

    /// What else the finding needs to be told: the hold, the tag, the age or the end of a grace.
    public enum Note: Hashable, Comparable, Sendable {
        case none
        /// Index into ``MemberData/holds``.
        case hold(Int32)
        /// Index into the evaluator's list of the tags rules name.
        case tag(Int32)
        case minAge(Int32)
        /// Seconds since the epoch.
        case graceEnds(Int64)
    }

    public typealias Finding = RecordFinding

    public var record: Record
    public var finding: Finding
    public var note: Note

    public init(_ record: Record, _ finding: Finding, _ note: Note = .none) {
        self.record = record
        self.finding = finding
        self.note = note
    }

    public var grants: Bool { finding.grants }

    public static func < (lhs: Evidence, rhs: Evidence) -> Bool {
        (lhs.record, lhs.finding, lhs.note) < (rhs.record, rhs.finding, rhs.note)
    }
}
