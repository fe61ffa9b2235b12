import AccessModel

extension AccessEvaluator {
    /// A piece of evidence as data for plans and `explain`: the record (kind, id, what it is),
    /// its span and the finding, with the fields the sentence needs. Never an e-mail address.
    public func reason(_ evidence: Evidence) -> RecordReason {
        switch evidence.record {
        case .membership(let m):
            let membership = data.memberships[Int(m)], span = index.membershipSpans[Int(m)]
            var kind = RecordReason.Kind.membership, company: String?
            if case .company(let holder) = membership.holder {
                kind = .companyMembership
                company = holder
            }
            return RecordReason(
                kind: kind, id: membership.id, label: membership.type, company: company, finding: evidence.finding,
                from: Instant(secondsSinceEpoch: span.from), until: span.until == Span.open ? nil : Instant(secondsSinceEpoch: span.until),
                status: membership.status.rawValue, startsOn: membership.startsOn, endsOn: membership.endsOn,
                sessionsRemaining: membership.sessionsRemaining, blockedReason: membership.blockedReason,
                lookahead: evidence.finding == .startsBeyondLookahead ? config.policy.lookahead : nil)
        case .registration(let r):
            let registration = data.registrations[Int(r)], span = index.registrationSpans[Int(r)]
            return RecordReason(
                kind: .registration, id: registration.id, label: registration.session, finding: evidence.finding,
                from: Instant(secondsSinceEpoch: span.from), until: Instant(secondsSinceEpoch: span.until), status: registration.status.rawValue,
                lookahead: evidence.finding == .startsBeyondLookahead ? config.policy.lookahead : nil)
        case .booking(let b), .invitation(let b):
            let booking = data.bookings[Int(b)], span = index.bookingSpans[Int(b)]
            let kind: RecordReason.Kind = if case .invitation = evidence.record { .invitation } else { .booking }
            return RecordReason(
                kind: kind, id: booking.id, label: booking.resource, resourceType: booking.resourceType.rawValue, finding: evidence.finding,
                from: Instant(secondsSinceEpoch: span.from), until: Instant(secondsSinceEpoch: span.until), status: booking.status.rawValue,
                lookahead: evidence.finding == .startsBeyondLookahead ? config.policy.lookahead : nil)
        }
    }
}
