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
    }

    public typealias Finding = RecordFinding

    public var record: Record
    public var finding: Finding

    public init(_ record: Record, _ finding: Finding) {
        self.record = record
        self.finding = finding
    }

    public var grants: Bool { finding.grants }

    public static func < (lhs: Evidence, rhs: Evidence) -> Bool {
        (lhs.record, lhs.finding) < (rhs.record, rhs.finding)
    }
}
