import AccessModel

/// One record's part in a decision: the record, and what it says at the instant.
///
/// Evidence is compact (indexes into ``MemberData``) so evaluating a large site builds no strings;
/// ``AccessEvaluator/describe(_:at:)`` turns it into the sentence plans and `explain` show.
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

    public enum Finding: Hashable, Comparable, Sendable {
        // The record grants (within its window).
        case grants
        /// A blocked membership kept by `blocked: allow`.
        case grantsWhileBlocked
        /// A membership past its last day, inside the rule's `window.after`.
        case grantsInRenewalGrace
        // The record does not grant at the instant.
        /// Its window (with the rule's grace) is over.
        case ended
        /// Its window starts after the look-ahead.
        case startsBeyondLookahead
        case paused
        case cancelled
        case expired
        /// Blocked, and the rule says `blocked: deny`.
        case blocked
        /// A pack with no sessions left.
        case usedUp
        /// A registration or booking whose status does not grant (waitlisted, no_show, tentative).
        case notConfirmed
    }

    public var record: Record
    public var finding: Finding

    public init(_ record: Record, _ finding: Finding) {
        self.record = record
        self.finding = finding
    }

    public var grants: Bool {
        switch finding {
        case .grants, .grantsWhileBlocked, .grantsInRenewalGrace: return true
        default: return false
        }
    }

    public static func < (lhs: Evidence, rhs: Evidence) -> Bool {
        (lhs.record, lhs.finding) < (rhs.record, rhs.finding)
    }
}
