/// What a member-data record says about access at an instant: the finding behind every reason a
/// plan or `explain` gives.
public enum RecordFinding: String, Hashable, Comparable, Codable, Sendable {
    // The record grants (within its window).
    case grants
    /// A blocked membership kept by `blocked: allow`.
    case grantsWhileBlocked = "grants_while_blocked"
    /// A membership past its last day, inside the rule's `window.after`.
    case grantsInRenewalGrace = "grants_in_renewal_grace"
    // The record does not grant at the instant.
    /// Its window (with the rule's grace) is over.
    case ended
    /// Its window starts after the look-ahead.
    case startsBeyondLookahead = "starts_beyond_lookahead"
    case paused
    case cancelled
    case expired
    /// Blocked, and the rule says `blocked: deny`.
    case blocked
    /// A pack with no sessions left.
    case usedUp = "used_up"
    /// A registration or booking whose status does not grant (waitlisted, no_show, tentative).
    case notConfirmed = "not_confirmed"

    public var grants: Bool { self == .grants || self == .grantsWhileBlocked || self == .grantsInRenewalGrace }

    public static func < (lhs: RecordFinding, rhs: RecordFinding) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension RecordFinding: CaseIterable {}
