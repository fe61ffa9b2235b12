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
    public private(set) var diagnostics: [Diagnostic]

    let index: RecordIndex
    let groups: [CompiledGroup]
    /// The tags rules name (`require`, `unless`), as first written: what a
    /// ``Evidence/Note/tag(_:)`` means, by the tag's bit.
    let ruleTags: [String]
    /// The ages rules ask (`min_age`), each once: a rule's ``CompiledGroup/Rule/ageSlot``.
    let minAges: [Int]

    public init(config: SiteConfig, data: MemberData) {
        self.config = config
        self.data = data
        let rules = config.managedGroups.flatMap(\.rules)
        var ruleTags: [String] = [], normalizedTags: [String] = []
        for tag in rules.flatMap({ $0.conditions.requiredTags + $0.conditions.blockingTags }) where !normalizedTags.contains(RecordIndex.key(tag)) {
            ruleTags.append(tag)
            normalizedTags.append(RecordIndex.key(tag))
        }
        let minAges = Array(Set(rules.compactMap(\.conditions.minAge))).sorted()
        let directory = PeopleDirectory(data: data, alsoEmails: config.managedGroups.flatMap { $0.extra.map(\.email) })
        let index = RecordIndex(data: data, directory: directory, zone: config.timeZone, ruleTags: normalizedTags)
        self.directory = directory
        self.index = index
        groups = config.managedGroups.enumerated().map { position, group in
            CompiledGroup(group, position: position, index: index, directory: directory, zone: config.timeZone, minAges: minAges)
        }
        self.ruleTags = ruleTags
        self.minAges = minAges
        diagnostics = directory.warnings + index.warnings + RuleChecks.diagnostics(config: config, data: data, index: index)
        diagnostics += ageWarnings()
    }

    /// A rule's `min_age` cannot be checked for people with no birth date: they are granted, and
    /// the plan says how many of the people the rule's records name.
    private func ageWarnings() -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for group in groups {
            for (position, rule) in group.rules.enumerated() where rule.ageSlot >= 0 {
                let undated = (0..<directory.count).filter { p in
                    index.birthDays[p] == RecordIndex.noBirthDate && selects(rule, p)
                }
                guard let first = undated.first else { continue }
                let config = group.config.rules[position]
                let customer = directory.person(PersonID(first)).customerIDs.first.map { "customer #\($0)" } ?? "a booking invitee"
                warnings.append(
                    .warning(
                        at: config.location, path: "groups.\(group.config.address).grant[\(position)].min_age",
                        "\(RuleChecks.count(undated.count, "person")) this rule's records name \(undated.count == 1 ? "has" : "have") no birth_date (first: \(customer)): their age is not checked and they are granted"
                    ))
            }
        }
        return warnings
    }

    /// Whether any of the person's records is one the rule looks at, whatever it says.
    private func selects(_ rule: CompiledGroup.Rule, _ p: Int) -> Bool {
        switch rule.matcher {
        case .memberships(let types, _): index.memberships[p].contains { types[Int(index.membershipTypeOf[Int($0)])] }
        case .registrations(let kinds, let sessions):
            index.registrations[p].contains { kinds[index.registrationKind[Int($0)]] && sessions[Int(index.sessionNameOf[Int($0)])] }
        case .bookings(let resources):
            index.bookings[p].contains { resources[Int(index.resourceKeyOf[Int($0)])] }
                || (rule.invitees != .excluded && index.invitations[p].contains { resources[Int(index.resourceKeyOf[Int($0)])] })
        }
    }

    /// Every managed group's desired members at `instant`, groups evaluated in parallel.
    /// Grants carry no evidence (``decision(for:in:at:)`` gives it for the few that need reasons),
    /// which keeps a million-customer site in memory.
    public func evaluate(at instant: Instant) -> DesiredAccess {
        let clock = Clock(instant, zone: config.timeZone, minAges: minAges)
        let results = groups.parallelMap { group in
            var scratch = Scratch()
            var grants: [DesiredGrant] = []
            for person in 0..<directory.count {
                let id = PersonID(person)
                let decision = decide(id, group, at: clock, explaining: false, scratch: &scratch)
                if let window = decision.window {
                    grants.append(DesiredGrant(person: id, window: window, asGuest: decision.asGuest))
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
        return decide(person, group, at: Clock(instant, zone: config.timeZone, minAges: minAges), explaining: true, scratch: &scratch)
    }

    /// One decision per managed group, sorted by address.
    public func decisions(for person: PersonID, at instant: Instant) -> [AccessDecision] {
        var scratch = Scratch()
        let clock = Clock(instant, zone: config.timeZone, minAges: minAges)
        return groups.map { decide(person, $0, at: clock, explaining: true, scratch: &scratch) }
    }

    /// Warnings that depend on the instant: `extra` grants that have ended (to be removed from
    /// the config), and ones without `from` that run longer than `max_extra_grant` from now (not
    /// granted).
    public func warnings(at instant: Instant) -> [Diagnostic] {
        let now = instant.secondsSinceEpoch, zone = config.timeZone
        var warnings: [Diagnostic] = []
        for group in config.managedGroups {
            for (position, extra) in group.extra.enumerated() {
                let until = extra.until.instant(in: zone)
                let path = "groups.\(group.address).extra[\(position)]"
                if until.secondsSinceEpoch <= now {
                    warnings.append(
                        .warning(
                            at: extra.location, path: path,
                            "extra grant \"\(extra.reason)\" ended \(zone.localDateTime(for: until).displayString); remove it from the config"))
                } else if extra.from == nil, until.secondsSinceEpoch - now > config.policy.maxExtraGrant.seconds {
                    warnings.append(
                        .warning(
                            at: extra.location, path: path,
                            "extra grant \"\(extra.reason)\" has no from and ends more than policy.max_extra_grant (\(config.policy.maxExtraGrant)) from now, so it is not granted: give from, or an earlier until"
                        ))
                }
            }
        }
        return warnings
    }

    /// The instant, with the site's local day it falls on: ages and payment graces without a
    /// start count in days.
    struct Clock {
        var now: Int64
        var today: LocalDate
        var startOfToday: Int64
        /// Per rule age (``AccessEvaluator/minAges``): the last birth date (days since the epoch)
        /// of someone that old today. Born on 29 February, one is a year older on 1 March.
        var lastBirthDays: [Int64]

        init(_ instant: Instant, zone: SiteTimeZone, minAges: [Int] = []) {
            now = instant.secondsSinceEpoch
            today = zone.localDateTime(for: instant).date
            startOfToday = zone.startOfDay(today).secondsSinceEpoch
            let today = today
            lastBirthDays = minAges.map { today.yearsEarlier($0).daysSinceEpoch }
        }
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
        _ person: PersonID, _ group: CompiledGroup, at clock: Clock, explaining: Bool,
        scratch: inout Scratch
    ) -> AccessDecision {
        scratch.candidates.removeAll(keepingCapacity: true)
        scratch.denials.removeAll(keepingCapacity: true)
        let now = clock.now
        let p = Int(person.index)
        for rule in group.rules {
            let firstCandidate = scratch.candidates.count
            switch rule.matcher {
            case .memberships(let types, let blocked):
                for m in index.memberships[p] where types[Int(index.membershipTypeOf[Int(m)])] {
                    judgeMembership(m, window: rule.window, blocked: blocked, clock: clock, explaining: explaining, scratch: &scratch)
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
                if rule.invitees != .excluded {
                    // Visitors get in as Kisi guests; an invitee who is a customer has a Kisi user.
                    let asGuest = rule.invitees == .guests && !directory.isCustomer(person)
                    for b in index.invitations[p] where resources[Int(index.resourceKeyOf[Int(b)])] {
                        judgeBooking(b, as: asGuest ? .guestInvitation(b) : .invitation(b), window: rule.window, scratch: &scratch)
                    }
                }
            }
            // The rule's records grant only a person who meets its conditions.
            if rule.hasConditions, scratch.candidates.count > firstCandidate, let unmet = unmetCondition(p, rule, clock) {
                if explaining {
                    for candidate in scratch.candidates[firstCandidate...] {
                        scratch.denials.append(Evidence(candidate.evidence.record, unmet.finding, unmet.note))
                    }
                }
                scratch.candidates.removeSubrange(firstCandidate...)
            }
        }
        if !group.extras.isEmpty {
            for extra in group.extras where extra.person == person {
                // One without `from` may run at most max_extra_grant from now (``warnings(at:)`` says so).
                if extra.startsOpen, extra.span.until - now > config.policy.maxExtraGrant.seconds { continue }
                scratch.candidates.append(Candidate(span: extra.span, evidence: Evidence(.extra(group: group.position, extra.position), .grants)))
            }
        }
        return choose(group: group.config.address, now: now, explaining: explaining, scratch: &scratch)
    }

    /// The first of the rule's conditions the person does not meet, if any. A person with no
    /// birth date passes `min_age` (the plan warns about them).
    private func unmetCondition(_ p: Int, _ rule: CompiledGroup.Rule, _ clock: Clock) -> (finding: Evidence.Finding, note: Evidence.Note)? {
        if rule.ageSlot >= 0, index.birthDays[p] != RecordIndex.noBirthDate, index.birthDays[p] > clock.lastBirthDays[rule.ageSlot] {
            return (.underAge, .minAge(Int32(minAges[rule.ageSlot])))
        }
        let words = index.tagWords
        for word in 0..<rule.requiredTags.count {
            let missing = rule.requiredTags[word] & ~index.personTagBits[p * words + word]
            if missing != 0 { return (.missingTag, .tag(Int32(word * 64 + missing.trailingZeroBitCount))) }
        }
        for word in 0..<rule.blockingTags.count {
            let found = rule.blockingTags[word] & index.personTagBits[p * words + word]
            if found != 0 { return (.blockedByTag, .tag(Int32(word * 64 + found.trailingZeroBitCount))) }
        }
        return nil
    }

    private func judgeMembership(
        _ m: Int32, window ruleWindow: RuleWindow, blocked: BlockedMemberships, clock: Clock, explaining: Bool, scratch: inout Scratch
    ) {
        let now = clock.now
        let span = index.membershipSpans[Int(m)]
        let record = Evidence.Record.membership(m)
        let held = !index.membershipHolds.isEmpty(Int(m))
        var finding = Evidence.Finding.grants
        var note = Evidence.Note.none
        var graceEnds = Span.open
        switch index.membershipStatus[Int(m)] {
        case .active: break
        case .paused:
            // A paused membership with dated holds is frozen by them; without, until further notice.
            guard held else {
                scratch.denials.append(Evidence(record, .paused))
                return
            }
        case .cancelled:
            scratch.denials.append(Evidence(record, .cancelled))
            return
        case .blocked:
            switch blocked {
            case .deny:
                scratch.denials.append(Evidence(record, .blocked))
                return
            case .allow:
                finding = .grantsWhileBlocked
            case .allowFor(let grace):
                // Without blocked_since the block counts from today: the plan warns.
                let since = index.blockedSince[Int(m)]
                graceEnds = (since == Span.open ? clock.startOfToday : since) + grace.seconds
                note = .graceEnds(graceEnds)
                guard graceEnds > now else {
                    scratch.denials.append(Evidence(record, .paymentGraceOver, note))
                    return
                }
                finding = .grantsInPaymentGrace
            }
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
        window.until = min(window.until, graceEnds)
        guard held else {
            scratch.candidates.append(Candidate(span: window, evidence: Evidence(record, finding, note)))
            return
        }
        let holds = index.membershipHolds[Int(m)]
        // Holds cut the window into the pieces around them; a piece keeps a special finding
        // (a grace), else says which hold it ends at or follows.
        var from = window.from
        var after: Int32?
        for h in holds {
            let hold = index.holdSpans[Int(h)]
            if hold.until <= from { continue }
            if hold.from >= window.until { break }
            if hold.from > from {
                let piece = Span(from: from, until: hold.from)
                let evidence =
                    finding != .grants
                    ? Evidence(record, finding, note)
                    : after.map { Evidence(record, .grantsAfterHold, .hold($0)) } ?? Evidence(record, .grantsUntilHold, .hold(h))
                scratch.candidates.append(Candidate(span: piece, evidence: evidence))
            }
            if explaining, hold.from <= now, now < hold.until { scratch.denials.append(Evidence(record, .onHold, .hold(h))) }
            from = hold.until
            after = h
        }
        if from < window.until {
            let evidence = finding != .grants ? Evidence(record, finding, note) : after.map { Evidence(record, .grantsAfterHold, .hold($0)) }
            scratch.candidates.append(Candidate(span: Span(from: from, until: window.until), evidence: evidence ?? Evidence(record, finding, note)))
        }
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
                // A guest only when nothing but guest invitations opens the window: anyone with
                // a membership or a booking of their own is a Kisi user.
                let asGuest = scratch.candidates[start..<end].allSatisfy {
                    if case .guestInvitation = $0.evidence.record { true } else { false }
                }
                guard explaining else { return AccessDecision(group: group, window: window, evidence: [], asGuest: asGuest) }
                // Records that ended before the instant shaped valid_from but no longer explain access.
                let live = scratch.candidates[start..<end].filter { $0.span.until > now }
                return AccessDecision(group: group, window: window, evidence: Self.unique(live.map(\.evidence)), asGuest: asGuest)
            }
            if merged.from > horizon { break }
            start = end
        }
        guard explaining else { return AccessDecision(group: group, window: nil, evidence: []) }
        // No window qualifies: every granting record has ended or starts beyond the look-ahead.
        let lapsed = scratch.candidates.compactMap { candidate -> Evidence? in
            let ended = candidate.span.until <= now
            // A piece cut short by a hold is explained by the hold, not by an end of its own.
            if ended, candidate.evidence.finding == .grantsUntilHold { return nil }
            return Evidence(candidate.evidence.record, ended ? .ended : .startsBeyondLookahead, candidate.evidence.note)
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

    /// A class: the evaluation loop visits every rule for every person, and a reference is one
    /// retain where a struct of arrays is one per array.
    final class Rule: Sendable {
        let matcher: Matcher
        let window: RuleWindow
        let invitees: Invitees
        /// Index of the rule's `min_age` in ``AccessEvaluator/minAges``; -1 for none.
        let ageSlot: Int
        /// Masks over the rule tags' bits (empty when the rule names none).
        let requiredTags: [UInt64]
        let blockingTags: [UInt64]
        let hasConditions: Bool

        init(_ matcher: Matcher, _ rule: GrantRule, ageSlot: Int, requiredTags: [UInt64], blockingTags: [UInt64]) {
            self.matcher = matcher
            window = rule.window
            invitees = rule.invitees
            self.ageSlot = ageSlot
            self.requiredTags = requiredTags
            self.blockingTags = blockingTags
            hasConditions = ageSlot >= 0 || !requiredTags.isEmpty || !blockingTags.isEmpty
        }
    }

    /// An `extra` grant, its person found and its window resolved.
    struct Extra: Sendable {
        var position: Int32
        var person: PersonID
        var span: Span
        /// No `from`: open since ever.
        var startsOpen: Bool
    }

    let config: GroupConfig
    /// Among the managed groups.
    let position: Int32
    let rules: [Rule]
    let extras: [Extra]

    init(_ config: GroupConfig, position: Int, index: RecordIndex, directory: PeopleDirectory, zone: SiteTimeZone, minAges: [Int]) {
        self.config = config
        self.position = Int32(position)
        func mask(_ names: [String]) -> [UInt64] {
            guard !names.isEmpty else { return [] }
            var words = [UInt64](repeating: 0, count: index.tagWords)
            for name in names {
                let bit = index.ruleTags.firstIndex(of: RecordIndex.key(name))!
                words[bit / 64] |= 1 << UInt64(bit % 64)
            }
            return words
        }
        rules = config.rules.map { rule in
            let matcher: Matcher
            switch rule.selector {
            case .memberships(let types, let blocked):
                let wanted = Set(types.map(RecordIndex.key))
                matcher = .memberships(index.membershipTypes.table(wanted.contains), blocked)
            case .registrations(let selector):
                let patterns = selector.sessions.map(GlobPattern.init)
                matcher = .registrations(
                    KindSet(selector.kinds), index.sessionNames.table { name in patterns.isEmpty || patterns.contains { $0.matches(name) } })
            case .bookings(let resources):
                matcher = .bookings(index.resourceKeys.table { key in resources.contains { $0.matches(resourceKey: key) } })
            }
            return Rule(
                matcher, rule, ageSlot: rule.conditions.minAge.flatMap { minAges.firstIndex(of: $0) } ?? -1,
                requiredTags: mask(rule.conditions.requiredTags), blockingTags: mask(rule.conditions.blockingTags))
        }
        extras = config.extra.enumerated().compactMap { position, extra in
            guard let person = directory.personID(normalizedEmail: EmailAddress.normalized(extra.email)) else { return nil }
            let from = extra.from.map { $0.instant(in: zone).secondsSinceEpoch } ?? Span.beginning
            return Extra(
                position: Int32(position), person: person, span: Span(from: from, until: extra.until.instant(in: zone).secondsSinceEpoch),
                startsOpen: extra.from == nil)
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
