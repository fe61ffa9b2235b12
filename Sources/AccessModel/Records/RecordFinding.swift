/// What a member-data record says about access at an instant: the finding behind every reason a
/// plan or `explain` gives.
public enum RecordFinding: String, Hashable, Comparable, Codable, Sendable {
    // The record grants (within its window).
    case grants
    /// A blocked membership kept by `blocked: allow`.
    case grantsWhileBlocked = "grants_while_blocked"
    /// A membership past its last day, inside the rule's `window.after`.
    case grantsInRenewalGrace = "grants_in_renewal_grace"
    /// A blocked membership inside the rule's payment grace (`blocked: {allow_for: 7d}`).
    case grantsInPaymentGrace = "grants_in_payment_grace"
    /// Grants until a hold starts.
    case grantsUntilHold = "grants_until_hold"
    /// Grants again once a hold is over.
    case grantsAfterHold = "grants_after_hold"
    // The record does not grant at the instant.
    /// Its window (with the rule's grace) is over.
    case ended
    /// Its window starts after the look-ahead.
    case startsBeyondLookahead = "starts_beyond_lookahead"
    case paused
    case cancelled
    case expired
    /// A hold covers the instant.
    case onHold = "on_hold"
    /// Blocked, and the rule says `blocked: deny`.
    case blocked
    /// Blocked for longer than the rule's payment grace.
    case paymentGraceOver = "payment_grace_over"
    /// The person is younger than the rule's `min_age`.
    case underAge = "under_age"
    /// The person lacks a tag the rule requires.
    case missingTag = "missing_tag"
    /// The person has a tag the rule's `unless` names.
    case blockedByTag = "blocked_by_tag"
    /// A pack with no sessions left.
    case usedUp = "used_up"
    /// A registration or booking whose status does not grant (waitlisted, no_show, tentative).
    case notConfirmed = "not_confirmed"

    public var grants: Bool {
        switch self {
        case .grants, .grantsWhileBlocked, .grantsInRenewalGrace, .grantsInPaymentGrace, .grantsUntilHold, .grantsAfterHold: true
        default: false
        }
    }

    public static func < (lhs: RecordFinding, rhs: RecordFinding) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension RecordFinding: CaseIterable {}
