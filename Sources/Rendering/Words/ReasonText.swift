import AccessModel
import PlanModel

/// Reasons and causes in words, in the site's local time: "membership Unlimited #m-17 active
/// until 2026-12-31", "registration Yoga Flow #r-5 2026-11-23 07:00–08:00 waitlisted". Never an
/// e-mail address.
public enum ReasonText {
    /// A reason for a grant or a window, or (with `revoking`) for a removal.
    public static func sentence(_ reason: Reason, at instant: Instant, zone: SiteTimeZone, revoking: Bool = false) -> String {
        switch reason {
        case .record(let record): return (revoking ? "no rule grants: " : "") + sentence(record, at: instant, zone: zone)
        case .noRuleExplains(.notInMemberData): return "no rule explains this member: not in the member data"
        case .noRuleExplains(.noMatchingRecord):
            return "no rule explains this member: no membership, registration or booking matches this group's rules"
        case .destroy: return "kisictl plan --destroy: every grant kisictl manages is revoked"
        case .skipped(let record): return skipped(record)
        case .mergedDuplicate(let merge): return merged(merge)
        case .schedule(.declared): return "in the config's schedule"
        case .schedule(.notDeclared): return "not in the config's schedule"
        case .schedule(.noSchedule): return "the config says there is no schedule"
        case .schedule(.timeRestriction): return "Kisi's time restriction makes the group's schedule count"
        }
    }

    /// A step of merging a duplicate group: "duplicate Kisi group 512 merged into 411: moved".
    public static func merged(_ merge: DuplicateMerge) -> String {
        let step =
            switch merge.step {
            case .moved: "the role moves to \(merge.keptID) with its window"
            case .alreadyInKept: "the person holds a role in \(merge.keptID) already"
            case .groupDeleted: "it is deleted once its roles have moved"
            }
        return "Kisi group \(merge.copyID) duplicates group \(merge.keptID) (same name, made later): \(step)"
    }

    /// "customers.csv:12 skipped: invalid e-mail".
    public static func skipped(_ record: SkippedRecord) -> String {
        let file = record.location.file.split(separator: "/").last.map(String.init) ?? record.location.file
        let problem =
            switch record.problem {
            case .missingEmail: "no e-mail address"
            case .invalidEmail: "invalid e-mail"
            case .invalidInvitee: "invalid invitee e-mail"
            case .unknownCustomer: "its customer is missing from the export"
            }
        return "\(file):\(record.location.line) skipped: \(problem)"
    }

    public static func sentence(_ record: RecordReason, at instant: Instant, zone: SiteTimeZone) -> String {
        if let condition = condition(record) {
            return described(record, zone: zone) + ", but " + condition
        }
        switch record.kind {
        case .membership, .companyMembership, .householdMembership: return membership(record, at: instant, zone: zone)
        case .registration, .booking, .invitation, .guestInvitation: return described(record, zone: zone) + suffix(record)
        case .extraGrant:
            let until = record.until.map { zone.localDateTime(for: $0).displayString } ?? ""
            switch record.finding {
            case .ended: return "extra grant: \(record.label) ended \(until)"
            case .startsBeyondLookahead:
                return
                    "extra grant: \(record.label) starts \(zone.localDateTime(for: record.from).displayString), beyond the \(record.lookahead ?? .zero) look-ahead"
            default:
                return instant < record.from
                    ? "extra grant: \(record.label) from \(zone.localDateTime(for: record.from).displayString) until \(until)"
                    : "extra grant: \(record.label) until \(until)"
            }
        }
    }

    /// The record itself: "membership Unlimited #m-17", "registration Yoga Flow #r-5 2026-11-23 07:00–08:00".
    private static func described(_ record: RecordReason, zone: SiteTimeZone) -> String {
        switch record.kind {
        case .membership: "membership \(record.label) #\(record.id)"
        case .companyMembership: "company membership \(record.label) #\(record.id) (company \(record.company ?? ""))"
        case .householdMembership: "household membership \(record.label) #\(record.id) (household \(record.household ?? ""))"
        case .registration: "registration \(record.label) #\(record.id) \(timeRange(record, zone: zone))"
        case .booking, .invitation, .guestInvitation:
            "\(bookingRole(record.kind)) \(record.resourceType ?? "") \(record.label) #\(record.id) \(timeRange(record, zone: zone))"
        case .extraGrant: "extra grant: \(record.label)"
        }
    }

    private static func bookingRole(_ kind: RecordReason.Kind) -> String {
        switch kind {
        case .invitation: "invited to booking"
        case .guestInvitation: "invited as a guest to booking"
        default: "booking"
        }
    }

    /// A rule's condition the person does not meet, for a record that would grant.
    private static func condition(_ record: RecordReason) -> String? {
        switch record.finding {
        case .underAge: "the person is under \(record.minAge ?? 0) (the rule's min_age)"
        case .missingTag: "the person lacks the tag \"\(record.tag ?? "")\" the rule requires"
        case .blockedByTag: "the person has the tag \"\(record.tag ?? "")\" the rule's unless excludes"
        default: nil
        }
    }

    private static func membership(_ record: RecordReason, at instant: Instant, zone: SiteTimeZone) -> String {
        let label = described(record, zone: zone)
        let ends = record.endsOn.map { "until \($0)" } ?? "with no end date"
        let blocked = "blocked" + (record.blockedReason.map { " (\($0))" } ?? "")
        let hold = record.hold.map { "hold #\($0.id) \($0.startsOn) to \($0.endsOn)" } ?? "a hold"
        let back = record.hold.map { " (back \($0.endsOn.adding(days: 1)))" } ?? ""
        let graceEnds = record.graceEnds.map { zone.localDateTime(for: $0).displayString } ?? ""
        switch record.finding {
        case .grants, .grantsWhileBlocked:
            let state = record.finding == .grants ? "active" : "\(blocked), kept by blocked: allow,"
            if instant < record.from, let startsOn = record.startsOn {
                return "\(label) \(state) from \(startsOn) \(ends)"
            }
            if let until = record.until, instant >= until, let endsOn = record.endsOn {
                return "\(label) ended \(endsOn), in renewal grace"
            }
            return "\(label) \(state) \(ends)"
        case .grantsInRenewalGrace:
            return "\(label) expired \(record.endsOn.map(\.description) ?? ""), in renewal grace"
        case .grantsInPaymentGrace:
            return "\(label) \(blocked), in payment grace until \(graceEnds)"
        case .grantsUntilHold:
            return "\(label) active until \(hold)\(back)"
        case .grantsAfterHold:
            return "\(label) back from \(hold) on \(record.hold.map { $0.endsOn.adding(days: 1).description } ?? "")"
        case .onHold:
            return "\(label) on \(hold)\(back)"
        case .ended, .expired:
            return record.endsOn.map { "\(label) expired \($0)" } ?? "\(label) expired"
        case .startsBeyondLookahead:
            let starts = record.hold.map { $0.endsOn.adding(days: 1) } ?? record.startsOn
            return "\(label) not yet started: starts \(starts.map(\.description) ?? ""), beyond the \(record.lookahead ?? .zero) look-ahead"
        case .paused: return "\(label) paused"
        case .cancelled: return "\(label) cancelled"
        case .blocked: return "\(label) \(blocked) and the rule says blocked: deny"
        case .paymentGraceOver: return "\(label) \(blocked), payment grace over since \(graceEnds)"
        case .usedUp: return "\(label) used up (\(record.sessionsRemaining ?? 0) sessions remaining)"
        case .notConfirmed: return "\(label) \(record.status)"
        case .underAge, .missingTag, .blockedByTag: return label
        }
    }

    private static func suffix(_ record: RecordReason) -> String {
        switch record.finding {
        case .grants, .grantsWhileBlocked, .grantsInRenewalGrace, .grantsInPaymentGrace, .grantsUntilHold, .grantsAfterHold: return ""
        case .ended: return " ended"
        case .startsBeyondLookahead: return " starts beyond the \(record.lookahead ?? .zero) look-ahead"
        case .cancelled: return " cancelled"
        case .notConfirmed: return " " + String(record.status.map { $0 == "_" ? "-" : $0 })
        case .paused, .expired, .blocked, .usedUp, .onHold, .paymentGraceOver, .underAge, .missingTag, .blockedByTag: return " " + record.status
        }
    }

    /// `2026-11-23 07:00–08:00`, or `2026-11-23 22:00–2026-11-24 02:00` across midnight.
    static func timeRange(_ record: RecordReason, zone: SiteTimeZone) -> String {
        let start = zone.localDateTime(for: record.from)
        guard let until = record.until else { return start.displayString + "–" }
        let end = zone.localDateTime(for: until)
        let endText = end.date == start.date ? end.clock(withSeconds: end.secondOfDay % 60 != 0) : end.displayString
        return "\(start.displayString)–\(endText)"
    }

    /// A removal's cause in a word or two: "membership expired", "no rule explains the member".
    public static func cause(_ cause: Cause) -> String {
        switch cause {
        case .noRuleExplains: return "no rule explains the member"
        case .destroy: return "destroy"
        case .windowNarrowed: return "window starts later or ends sooner"
        case .mergedDuplicate: return "duplicate group merged"
        case .record(let kind, let finding):
            let record: String =
                switch kind {
                case .membership, .companyMembership, .householdMembership: "membership"
                case .registration: "registration"
                case .booking: "booking"
                case .invitation, .guestInvitation: "booking invitation"
                case .extraGrant: "extra grant"
                }
            let word: String =
                switch finding {
                case .ended, .expired: record == "membership" ? "expired" : "ended"
                case .startsBeyondLookahead: "not started yet"
                case .paused: "paused"
                case .cancelled: "cancelled"
                case .blocked: "blocked"
                case .paymentGraceOver: "blocked past its payment grace"
                case .onHold: "on hold"
                case .underAge: "under the rule's min_age"
                case .missingTag: "missing a required tag"
                case .blockedByTag: "excluded by a tag"
                case .usedUp: "used up"
                case .notConfirmed: "not confirmed"
                case .grants, .grantsWhileBlocked, .grantsInRenewalGrace, .grantsInPaymentGrace, .grantsUntilHold, .grantsAfterHold: "granting"
                }
            return "\(record) \(word)"
        }
    }
}
