import AccessModel

extension AccessEvaluator {
    /// The sentence a plan or `explain` shows for a piece of evidence, in the site's local time:
    /// "membership Unlimited #m-17 active until 2026-12-31", "registration Yoga Flow #r-5
    /// 2026-11-23 07:00–08:00 waitlisted". Never contains an e-mail address.
    public func describe(_ evidence: Evidence, at instant: Instant) -> String {
        switch evidence.record {
        case .membership(let m):
            return describeMembership(data.memberships[Int(m)], span: index.membershipSpans[Int(m)], evidence.finding, at: instant)
        case .registration(let r):
            let registration = data.registrations[Int(r)]
            let label = "registration \(registration.session) #\(registration.id) \(timeRange(index.registrationSpans[Int(r)]))"
            return label + sessionSuffix(evidence.finding, status: registration.status.rawValue)
        case .booking(let b), .invitation(let b):
            let booking = data.bookings[Int(b)]
            let prefix = if case .invitation = evidence.record { "invited to booking" } else { "booking" }
            let label = "\(prefix) \(booking.resourceType.rawValue) \(booking.resource) #\(booking.id) \(timeRange(index.bookingSpans[Int(b)]))"
            return label + sessionSuffix(evidence.finding, status: booking.status.rawValue)
        }
    }

    private func describeMembership(_ membership: Membership, span: Span, _ finding: Evidence.Finding, at instant: Instant) -> String {
        let label =
            switch membership.holder {
            case .customer: "membership \(membership.type) #\(membership.id)"
            case .company(let company): "company membership \(membership.type) #\(membership.id) (company \(company))"
            }
        let ends = membership.endsOn.map { "until \($0)" } ?? "with no end date"
        let blocked = "blocked" + (membership.blockedReason.map { " (\($0))" } ?? "")
        switch finding {
        case .grants, .grantsWhileBlocked:
            let state = finding == .grants ? "active" : "\(blocked), kept by blocked: allow,"
            if instant.secondsSinceEpoch < span.from {
                return "\(label) \(state) from \(membership.startsOn) \(ends)"
            }
            if span.until != Span.open, instant.secondsSinceEpoch >= span.until, let endsOn = membership.endsOn {
                return "\(label) ended \(endsOn), in renewal grace"
            }
            return "\(label) \(state) \(ends)"
        case .grantsInRenewalGrace:
            return "\(label) expired \(membership.endsOn.map(\.description) ?? ""), in renewal grace"
        case .ended, .expired:
            return membership.endsOn.map { "\(label) expired \($0)" } ?? "\(label) expired"
        case .startsBeyondLookahead:
            return "\(label) not yet started: starts \(membership.startsOn), beyond the \(config.policy.lookahead) look-ahead"
        case .paused: return "\(label) paused"
        case .cancelled: return "\(label) cancelled"
        case .blocked: return "\(label) \(blocked) and the rule says blocked: deny"
        case .usedUp: return "\(label) used up (\(membership.sessionsRemaining ?? 0) sessions remaining)"
        case .notConfirmed: return "\(label) \(membership.status.rawValue)"
        }
    }

    private func sessionSuffix(_ finding: Evidence.Finding, status: String) -> String {
        switch finding {
        case .grants, .grantsWhileBlocked, .grantsInRenewalGrace: return ""
        case .ended: return " ended"
        case .startsBeyondLookahead: return " starts beyond the \(config.policy.lookahead) look-ahead"
        case .cancelled: return " cancelled"
        case .notConfirmed: return " " + status.replacingUnderscores()
        case .paused, .expired, .blocked, .usedUp: return " " + status
        }
    }

    /// `2026-11-23 07:00–08:00`, or `2026-11-23 22:00–2026-11-24 02:00` across midnight.
    func timeRange(_ span: Span) -> String {
        let zone = config.timeZone
        let start = zone.localDateTime(for: Instant(secondsSinceEpoch: span.from))
        let end = zone.localDateTime(for: Instant(secondsSinceEpoch: span.until))
        let endText = end.date == start.date ? end.clock(withSeconds: end.secondOfDay % 60 != 0) : end.displayString
        return "\(start.displayString)–\(endText)"
    }
}

extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
