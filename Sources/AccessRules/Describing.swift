import AccessModel

extension AccessEvaluator {
    /// A piece of evidence as data for plans and `explain`: the record (kind, id, what it is),
    /// its span and the finding, with the fields the sentence needs. Never an e-mail address.
    public func reason(_ evidence: Evidence) -> RecordReason {
        var reason = recordReason(evidence)
        switch evidence.note {
        case .none: break
        case .hold(let h):
            let hold = data.holds[Int(h)]
            reason.hold = RecordReason.HoldNote(id: hold.id, startsOn: hold.startsOn, endsOn: hold.endsOn)
        case .tag(let tag): reason.tag = ruleTags[Int(tag)]
        case .minAge(let age): reason.minAge = Int(age)
        case .graceEnds(let end): reason.graceEnds = Instant(secondsSinceEpoch: end)
        }
        if evidence.finding == .startsBeyondLookahead { reason.lookahead = config.policy.lookahead }
        return reason
    }

    private func recordReason(_ evidence: Evidence) -> RecordReason {
        switch evidence.record {
        case .membership(let m):
            let membership = data.memberships[Int(m)], span = index.membershipSpans[Int(m)]
            var kind = RecordReason.Kind.membership, company: String?, household: String?
            switch membership.holder {
            case .customer: break
            case .company(let holder):
                kind = .companyMembership
                company = holder
            case .household(let holder):
                kind = .householdMembership
                household = holder
            }
            var reason = RecordReason(
                kind: kind, id: membership.id, label: membership.type, company: company, finding: evidence.finding,
                from: Instant(secondsSinceEpoch: span.from), until: span.until == Span.open ? nil : Instant(secondsSinceEpoch: span.until),
                status: membership.status.rawValue, startsOn: membership.startsOn, endsOn: membership.endsOn,
                sessionsRemaining: membership.sessionsRemaining, blockedReason: membership.blockedReason)
            reason.household = household
            return reason
        case .registration(let r):
            let registration = data.registrations[Int(r)], span = index.registrationSpans[Int(r)]
            return RecordReason(
                kind: .registration, id: registration.id, label: registration.session, finding: evidence.finding,
                from: Instant(secondsSinceEpoch: span.from), until: Instant(secondsSinceEpoch: span.until), status: registration.status.rawValue)
        case .booking(let b), .invitation(let b), .guestInvitation(let b):
            let booking = data.bookings[Int(b)], span = index.bookingSpans[Int(b)]
            let kind: RecordReason.Kind =
                switch evidence.record {
                case .invitation: .invitation
                case .guestInvitation: .guestInvitation
                default: .booking
                }
            return RecordReason(
                kind: kind, id: booking.id, label: booking.resource, resourceType: booking.resourceType.rawValue, finding: evidence.finding,
                from: Instant(secondsSinceEpoch: span.from), until: Instant(secondsSinceEpoch: span.until), status: booking.status.rawValue)
        case .extra(let group, let position):
            let compiled = groups[Int(group)], extra = compiled.config.extra[Int(position)]
            let span = compiled.extras.first { $0.position == position }!.span
            // Identified by its place in the config, never by the address it grants.
            return RecordReason(
                kind: .extraGrant, id: "\(compiled.config.address).extra[\(position)]", label: extra.reason, finding: evidence.finding,
                from: Instant(secondsSinceEpoch: span.from), until: Instant(secondsSinceEpoch: span.until), status: "extra")
        }
    }
}
