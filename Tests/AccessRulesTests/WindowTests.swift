import AccessModel
import AccessRules
import Testing

@Suite("Access semantics: one merged window per person and group")
struct WindowTests {
    @Test("overlapping and back-to-back windows merge into one role, with every reason")
    func mergesOverlaps() {
        var site = Fixture()
        site.customer("c-1", "a@example.com")
        site.registration("r-1", customer: "c-1", session: "Yoga Flow", from: "2026-11-23T07:00", to: "2026-11-23T08:00")
        site.registration("r-2", customer: "c-1", session: "HIIT", from: "2026-11-23T08:30", to: "2026-11-23T09:15")
        site.registration("r-3", customer: "c-1", session: "Spin", from: "2026-11-23T18:00", to: "2026-11-23T19:00")
        site.group("classes", .registrations(before: .minutes(30), after: .minutes(15)))
        let result = site.decide("a@example.com", in: "classes", at: "2026-11-23T08:10")
        #expect(result.window == "2026-11-23 06:30 → 2026-11-23 09:30")
        #expect(result.reasons == ["registration Yoga Flow #r-1 2026-11-23 07:00–08:00", "registration HIIT #r-2 2026-11-23 08:30–09:15"])
        // Once a record's own window is over it no longer explains the access (it still set valid_from).
        let later = site.decide("a@example.com", in: "classes", at: "2026-11-23T08:20")
        #expect(later.window == "2026-11-23 06:30 → 2026-11-23 09:30")
        #expect(later.reasons == ["registration HIIT #r-2 2026-11-23 08:30–09:15"])
    }

    @Test("between windows, the grant is the next window to start within the look-ahead")
    func nextWindow() {
        var site = Fixture()
        site.customer("c-1", "a@example.com")
        site.registration("r-1", customer: "c-1", session: "Yoga Flow", from: "2026-11-23T07:00", to: "2026-11-23T08:00")
        site.registration("r-3", customer: "c-1", session: "Spin", from: "2026-11-24T18:00", to: "2026-11-24T19:00")
        site.group("classes", .registrations(before: .minutes(30), after: .minutes(15)))
        let result = site.decide("a@example.com", in: "classes", at: "2026-11-23T12:00")
        #expect(!result.hasAccessNow)
        #expect(result.window == "2026-11-24 17:30 → 2026-11-24 19:15")
        #expect(result.reasons == ["registration Spin #r-3 2026-11-24 18:00–19:00"])
    }

    @Test("a class tomorrow is granted now, with the class window, under the default 7-day look-ahead")
    func classTomorrow() {
        var site = Fixture()
        site.customer("c-1", "a@example.com")
        site.registration("r-1", customer: "c-1", session: "HIIT", from: "2026-11-24T07:00", to: "2026-11-24T08:00")
        site.group("classes", .registrations(before: .minutes(30), after: .minutes(15)))
        #expect(site.decide("a@example.com", in: "classes", at: "2026-11-23T09:00").window == "2026-11-24 06:30 → 2026-11-24 08:15")
    }

    @Test("windows beyond the look-ahead are not granted, and say so")
    func beyondLookahead() {
        var site = Fixture()
        site.policy.lookahead = .days(1)
        site.customer("c-1", "a@example.com")
        site.registration("r-1", customer: "c-1", session: "HIIT", from: "2026-11-26T07:00", to: "2026-11-26T08:00")
        site.group("classes", .registrations())
        let result = site.decide("a@example.com", in: "classes", at: "2026-11-23T09:00")
        #expect(!result.granted)
        #expect(result.reasons == ["registration HIIT #r-1 2026-11-26 07:00–08:00 starts beyond the 1d look-ahead"])
    }

    @Test("an overnight window runs across midnight as one role")
    func overnight() {
        var site = Fixture()
        site.customer("c-1", "a@example.com")
        site.booking("b-1", customer: "c-1", type: .parking, resource: "Bay 2", from: "2026-11-23T22:00", to: "2026-11-24T02:00")
        site.group("parking", .bookings([ResourceSelector(type: .parking)], before: .minutes(30), after: .minutes(30)))
        let result = site.decide("a@example.com", in: "parking", at: "2026-11-24T01:00")
        #expect(result.hasAccessNow)
        #expect(result.window == "2026-11-23 21:30 → 2026-11-24 02:30")
        #expect(result.reasons == ["booking parking Bay 2 #b-1 2026-11-23 22:00–2026-11-24 02:00"])
    }

    @Test("local times across the spring daylight-saving change keep their wall-clock meaning")
    func springForward() {
        var site = Fixture(zone: "Europe/London")
        site.customer("c-1", "a@example.com")
        // Clocks go from 01:00 GMT to 02:00 BST on 2026-03-29: this class spans the change.
        site.registration("r-1", customer: "c-1", session: "Night Yoga", from: "2026-03-29T00:30", to: "2026-03-29T03:00")
        site.group("classes", .registrations())
        let evaluator = site.evaluator
        let decision = evaluator.decision(
            for: evaluator.directory.person(email: "a@example.com")!.id, in: "classes",
            at: site.at("2026-03-29T00:45"))!
        #expect(decision.window?.from.rfc3339 == "2026-03-29T00:30:00Z")
        #expect(decision.window?.until?.rfc3339 == "2026-03-29T02:00:00Z")  // 03:00 BST: 1.5 real hours later
    }

    @Test("a membership's days follow the site's zone across the autumn change")
    func autumnDays() {
        var site = Fixture(zone: "America/New_York")
        site.customer("c-1", "a@example.com")
        site.membership("m-1", customer: "c-1", starts: "2026-10-31", ends: "2026-11-01")  // DST ends on 2026-11-01
        site.group("gym", .memberships("Unlimited"))
        let evaluator = site.evaluator
        let decision = evaluator.decision(
            for: evaluator.directory.person(email: "a@example.com")!.id, in: "gym",
            at: site.at("2026-11-01T23:30"))!
        #expect(decision.window?.from.rfc3339 == "2026-10-31T04:00:00Z")  // midnight EDT
        #expect(decision.window?.until?.rfc3339 == "2026-11-02T05:00:00Z")  // midnight EST
        #expect(decision.hasAccess(at: site.at("2026-11-01T23:59")))
    }

    @Test("times with an explicit offset are exact instants whatever the site's zone")
    func explicitOffsets() {
        var site = Fixture(zone: "Europe/London")
        site.customer("c-1", "a@example.com")
        site.registration("r-1", customer: "c-1", session: "HIIT", from: "2026-11-23T07:00:00-05:00", to: "2026-11-23T08:00:00-05:00")
        site.group("classes", .registrations())
        #expect(site.decide("a@example.com", in: "classes", at: "2026-11-23T12:30").window == "2026-11-23 12:00 → 2026-11-23 13:00")
    }
}
