import AccessModel
import Dispatch
import Foundation

/// Decides who should be in which managed group, and why, at a given instant.
///
/// Construction does the instant-independent work once (people, indexes, resolved times,
/// compiled rules); ``evaluate(at:)`` and ``decision(for:in:at:)`` are then pure and cheap, so
/// `plan`, `explain` and benchmarks all share one code path and one answer.
public struct AccessEvaluator: Sendable {
    public let config: SiteConfig
    public let data: MemberData
    public let directory: PeopleDirectory
    /// Data warnings (skipped records, duplicates) and mismatches between rules and data;
    /// errors here mean the data cannot be evaluated safely.
    public let diagnostics: [Diagnostic]

    let index: RecordIndex
    let groups: [CompiledGroup]

    public init(config: SiteConfig, data: MemberData) {
        self.config = config
        self.data = data
        let directory = PeopleDirectory(data: data)
        let index = RecordIndex(data: data, directory: directory, zone: config.timeZone)
        self.directory = directory
        self.index = index
        groups = config.managedGroups.map { CompiledGroup($0, index: index) }
        diagnostics = directory.warnings + index.warnings + RuleChecks.diagnostics(config: config, data: data, index: index)
    }

    /// Every managed group's desired members at `instant`, groups evaluated in parallel.
    /// Grants carry no evidence (``decision(for:in:at:)`` gives it for the few that need reasons),
    /// which keeps a million-customer site in memory.
    public func evaluate(at instant: Instant) -> DesiredAccess {
        let results = groups.parallelMap { group in
            var scratch = Scratch()
            var grants: [DesiredGrant] = []
            for person in 0..<directory.count {
                let id = PersonID(person)
                if let window = decide(id, group, at: instant, explaining: false, scratch: &scratch).window {
                    grants.append(DesiredGrant(person: id, window: window))
                }
            }
            return GroupGrants(address: group.config.address, grants: grants)
        }
        return DesiredAccess(instant: instant, groups: results)
    }

    /// One person in one managed group, with the evidence for or against.
    public func decision(for person: PersonID, in address: String, at instant: Instant) -> AccessDecision? {
        guard let group = groups.first(where: { $0.config.address == address }) else { return nil }
        var scratch = Scratch()
        return decide(person, group, at: instant, explaining: true, scratch: &scratch)
    }

    /// One decision per managed group, sorted by address.
    public func decisions(for person: PersonID, at instant: Instant) -> [AccessDecision] {
        var scratch = Scratch()
        return groups.map { decide(person, $0, at: instant, explaining: true, scratch: &scratch) }
    }

    // MARK: - Deciding

    struct Candidate {
        var span: Span
        var evidence: Evidence
    }

    /// Reused buffers, so evaluating a large site does not allocate per person.
    struct Scratch {
        var candidates: [Candidate] = []
        var denials: [Evidence] = []
    }

    private func decide(
        _ person: PersonID, _ group: CompiledGroup, at instant: Instant, explaining: Bool,
        scratch: inout Scratch
    ) -> AccessDecision {
        scratch.candidates.removeAll(keepingCapacity: true)
        scratch.denials.removeAll(keepingCapacity: true)
        let now = instant.secondsSinceEpoch
        let p = Int(person.index)
        for rule in group.rules {
            switch rule.matcher {
            case .memberships(let types, let blocked):
                for m in index.memberships[p] where types[Int(index.membershipTypeOf[Int(m)])] {
                    judgeMembership(m, window: rule.window, blocked: blocked, now: now, scratch: &scratch)
                }
            case .registrations(let kinds, let sessions):
                for r in index.registrations[p] {
                    guard kinds[index.registrationKind[Int(r)]], sessions[Int(index.sessionNameOf[Int(r)])] else { continue }
                    switch index.registrationStatus[Int(r)] {
                    case .booked, .attended:
                        scratch.candidates.append(
                            Candidate(
                                span: index.registrationSpans[Int(r)].widened(by: rule.window),
                                evidence: Evidence(.registration(r), .grants)))
                    case .cancelled: scratch.denials.append(Evidence(.registration(r), .cancelled))
                    case .waitlisted, .noShow: scratch.denials.append(Evidence(.registration(r), .notConfirmed))
                    }
                }
            case .bookings(let resources):
                for b in index.bookings[p] where resources[Int(index.resourceKeyOf[Int(b)])] {
                    judgeBooking(b, as: .booking(b), window: rule.window, scratch: &scratch)
                }
                if rule.invitees {
                    for b in index.invitations[p] where resources[Int(index.resourceKeyOf[Int(b)])] {
                        judgeBooking(b, as: .invitation(b), window: rule.window, scratch: &scratch)
                    }
                }
            }
        }
        return choose(group: group.config.address, now: now, explaining: explaining, scratch: &scratch)
    }

    private func judgeMembership(_ m: Int32, window ruleWindow: RuleWindow, blocked: BlockedMemberships, now: Int64, scratch: inout Scratch) {
        let span = index.membershipSpans[Int(m)]
        let record = Evidence.Record.membership(m)
        var finding = Evidence.Finding.grants
        switch index.membershipStatus[Int(m)] {
        case .active: break
        case .paused:
            scratch.denials.append(Evidence(record, .paused))
            return
        case .cancelled:
            scratch.denials.append(Evidence(record, .cancelled))
            return
        case .blocked:
            guard blocked == .allow else {
                scratch.denials.append(Evidence(record, .blocked))
                return
            }
            finding = .grantsWhileBlocked
        case .expired:
            // An expired membership grants only inside the renewal grace after its last day.
            guard span.until != Span.open, ruleWindow.after.seconds > 0, now >= span.until else {
                scratch.denials.append(Evidence(record, .expired))
                return
            }
            finding = .grantsInRenewalGrace
        }
        if index.membershipSessions[Int(m)] == 0 {
            scratch.denials.append(Evidence(record, .usedUp))
            return
        }
        var window = span.widened(by: ruleWindow)
        if finding == .grantsInRenewalGrace { window.from = span.until }
        scratch.candidates.append(Candidate(span: window, evidence: Evidence(record, finding)))
    }

    private func judgeBooking(_ b: Int32, as record: Evidence.Record, window: RuleWindow, scratch: inout Scratch) {
        switch index.bookingStatus[Int(b)] {
        case .confirmed:
            scratch.candidates.append(
                Candidate(
                    span: index.bookingSpans[Int(b)].widened(by: window),
                    evidence: Evidence(record, .grants)))
        case .cancelled: scratch.denials.append(Evidence(record, .cancelled))
        case .tentative: scratch.denials.append(Evidence(record, .notConfirmed))
        }
    }

    /// Merges the person's windows in the group and picks the one Kisi should hold: the merged
    /// window containing the instant, else the next one starting within the look-ahead.
    private func choose(group: String, now: Int64, explaining: Bool, scratch: inout Scratch) -> AccessDecision {
        guard !scratch.candidates.isEmpty else {
            return AccessDecision(group: group, window: nil, evidence: explaining ? Self.unique(scratch.denials) : [])
        }
        scratch.candidates.sort { ($0.span.from, $0.span.until, $0.evidence) < ($1.span.from, $1.span.until, $1.evidence) }
        let horizon = now + config.policy.lookahead.seconds
        var start = 0
        while start < scratch.candidates.count {
            var merged = scratch.candidates[start].span
            var end = start + 1
            while end < scratch.candidates.count, scratch.candidates[end].span.from <= merged.until {
                merged.until = max(merged.until, scratch.candidates[end].span.until)
                end += 1
            }
            let current = merged.from <= now && now < merged.until
            let upcoming = merged.from > now && merged.from <= horizon
            if current || upcoming {
                let window = AccessWindow(
                    from: Instant(secondsSinceEpoch: merged.from),
                    until: merged.until == Span.open ? nil : Instant(secondsSinceEpoch: merged.until))
                guard explaining else { return AccessDecision(group: group, window: window, evidence: []) }
                // Records that ended before the instant shaped valid_from but no longer explain access.
                let live = scratch.candidates[start..<end].filter { $0.span.until > now }
                return AccessDecision(group: group, window: window, evidence: Self.unique(live.map(\.evidence)))
            }
            if merged.from > horizon { break }
            start = end
        }
        guard explaining else { return AccessDecision(group: group, window: nil, evidence: []) }
        // No window qualifies: every granting record has ended or starts beyond the look-ahead.
        let lapsed = scratch.candidates.map { candidate in
            Evidence(candidate.evidence.record, candidate.span.until <= now ? .ended : .startsBeyondLookahead)
        }
        return AccessDecision(group: group, window: nil, evidence: Self.unique(scratch.denials + lapsed))
    }

    private static func unique(_ evidence: some Sequence<Evidence>) -> [Evidence] {
        Array(Set(evidence)).sorted()
    }
}

/// A managed group's rules with their selectors turned into lookup tables.
struct CompiledGroup: Sendable {
    enum Matcher: Sendable {
        /// Indexed by interned membership type.
        case memberships([Bool], BlockedMemberships)
        case registrations(KindSet, [Bool])
        /// Indexed by interned resource key.
        case bookings([Bool])
    }

    struct Rule: Sendable {
        var matcher: Matcher
        var window: RuleWindow
        var invitees: Bool
    }

    let config: GroupConfig
    let rules: [Rule]

    init(_ config: GroupConfig, index: RecordIndex) {
        self.config = config
        rules = config.rules.map { rule in
            switch rule.selector {
            case .memberships(let types, let blocked):
                let wanted = Set(types.map(RecordIndex.key))
                return Rule(
                    matcher: .memberships(index.membershipTypes.table(wanted.contains), blocked), window: rule.window, invitees: rule.invitees)
            case .registrations(let selector):
                let patterns = selector.sessions.map(GlobPattern.init)
                let sessions = index.sessionNames.table { name in patterns.isEmpty || patterns.contains { $0.matches(name) } }
                return Rule(matcher: .registrations(KindSet(selector.kinds), sessions), window: rule.window, invitees: rule.invitees)
            case .bookings(let resources):
                let table = index.resourceKeys.table { key in resources.contains { $0.matches(resourceKey: key) } }
                return Rule(matcher: .bookings(table), window: rule.window, invitees: rule.invitees)
            }
        }
    }
}

/// Registration kinds a rule accepts; an empty selection accepts every kind.
struct KindSet: Sendable {
    private var accepted: [Bool]

    init(_ kinds: [Registration.Kind]) {
        accepted = Registration.Kind.allCases.map { kinds.isEmpty || kinds.contains($0) }
    }

    subscript(kind: Registration.Kind) -> Bool {
        switch kind {
        case .class: return accepted[0]
        case .appointment: return accepted[1]
        case .course: return accepted[2]
        }
    }
}

extension ResourceSelector {
    /// Matches an interned `type:name` key (name lower-cased).
    func matches(resourceKey key: String) -> Bool {
        let prefix = type.rawValue + ":"
        guard key.hasPrefix(prefix) else { return false }
        guard let name else { return true }
        return GlobPattern(name).matches(String(key.dropFirst(prefix.count)))
    }
}
