import AccessModel
import AccessRules
import Testing

@Suite("Access semantics: dated holds")
struct HoldTests {
    func site(zone: String = "Europe/London", _ configure: (inout Fixture) -> Void) -> Fixture {
        var site = Fixture(zone: zone)
        site.customer("c-1", "member@example.com")
        site.group("gym", .memberships("Unlimited"))
        site.membership("m-1", customer: "c-1", starts: "2026-01-01")
        configure(&site)
        return site
    }

    @Test("a hold in progress: no access, and the return is granted ahead once it is within the look-ahead")
    func holdInProgress() {
        let site = site { $0.hold("h-1", membership: "m-1", starts: "2026-11-20", ends: "2026-11-30") }
        let during = site.decide("member@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(!during.granted)
        #expect(during.reasons.contains("membership Unlimited #m-1 on hold #h-1 2026-11-20 to 2026-11-30 (back 2026-12-01)"))
        #expect(during.reasons.contains("membership Unlimited #m-1 not yet started: starts 2026-12-01, beyond the 7d look-ahead"))
        let nearEnd = site.decide("member@example.com", in: "gym", at: "2026-11-25T09:00")
        #expect(!nearEnd.hasAccessNow)
        #expect(nearEnd.window == "2026-12-01 00:00 → open")
        #expect(nearEnd.reasons == ["membership Unlimited #m-1 back from hold #h-1 2026-11-20 to 2026-11-30 on 2026-12-01"])
        // ends_on is inclusive: the last day of the hold is still closed, the next morning open.
        #expect(!site.decide("member@example.com", in: "gym", at: "2026-11-30T23:59").hasAccessNow)
        #expect(site.decide("member@example.com", in: "gym", at: "2026-12-01T00:00").hasAccessNow)
    }

    @Test("a hold in the future ends the Kisi window at its start")
    func futureHold() {
        let result = site { $0.hold("h-1", membership: "m-1", starts: "2026-12-10", ends: "2026-12-20") }
            .decide("member@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(result.hasAccessNow)
        #expect(result.window == "2026-01-01 00:00 → 2026-12-10 00:00")
        #expect(result.reasons == ["membership Unlimited #m-1 active until hold #h-1 2026-12-10 to 2026-12-20 (back 2026-12-21)"])
    }

    @Test("a hold across the end of summer time starts and ends at local midnight")
    func holdAcrossDaylightSaving() {
        // Britain leaves summer time on 2026-10-25: the hold starts at 00:00 BST and ends at 00:00 GMT.
        let site = site { $0.hold("h-1", membership: "m-1", starts: "2026-10-20", ends: "2026-10-28") }
        let before = site.decide("member@example.com", in: "gym", at: "2026-10-15T09:00").decision!.window!
        #expect(before.until?.rfc3339 == "2026-10-19T23:00:00Z")
        let during = site.decide("member@example.com", in: "gym", at: "2026-10-26T09:00")
        #expect(!during.hasAccessNow)
        #expect(during.decision!.window!.from.rfc3339 == "2026-10-29T00:00:00Z")
        #expect(during.window == "2026-10-29 00:00 → open")
    }

    @Test("paused with a hold follows the hold's dates; paused without one stays closed until further notice")
    func pausedWithAndWithoutHold() {
        var site = site { _ in }
        site.data.memberships[0].status = .paused
        #expect(site.decide("member@example.com", in: "gym", at: "2026-12-05T09:00").reasons == ["membership Unlimited #m-1 paused"])
        site.hold("h-1", membership: "m-1", starts: "2026-11-20", ends: "2026-11-30")
        #expect(!site.decide("member@example.com", in: "gym", at: "2026-11-23T09:00").hasAccessNow)
        #expect(site.decide("member@example.com", in: "gym", at: "2026-12-05T09:00").hasAccessNow)
    }

    @Test("a hold naming no membership is a warning and changes nothing")
    func unknownMembership() {
        let site = site { $0.hold("h-9", membership: "m-404", starts: "2026-11-20", ends: "2026-11-30") }
        #expect(site.decide("member@example.com", in: "gym", at: "2026-11-23T09:00").hasAccessNow)
        #expect(
            site.evaluator.diagnostics.map(\.message) == ["hold #h-9: membership_id m-404 matches no membership; the hold is ignored"])
    }
}

@Suite("Access semantics: payment grace")
struct PaymentGraceTests {
    func site(blockedSince: String?) -> Fixture {
        var site = Fixture()
        site.customer("c-1", "member@example.com")
        site.group("gym", .memberships("Unlimited", blocked: .allowFor(.days(7))))
        site.membership(
            "m-1", customer: "c-1", status: .blocked, starts: "2026-01-01", blockedReason: "card declined", blockedSince: blockedSince)
        return site
    }

    @Test("a blocked membership keeps access until blocked_since plus allow_for, written as valid_until")
    func graceRunning() {
        let result = site(blockedSince: "2026-11-20").decide("member@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(result.hasAccessNow)
        #expect(result.window == "2026-01-01 00:00 → 2026-11-27 00:00")
        #expect(result.reasons == ["membership Unlimited #m-1 blocked (card declined), in payment grace until 2026-11-27 00:00"])
    }

    @Test("once the grace is over the membership grants nothing, and says since when")
    func graceExpired() {
        let result = site(blockedSince: "2026-11-20T14:30").decide("member@example.com", in: "gym", at: "2026-11-28T09:00")
        #expect(!result.granted)
        #expect(result.reasons == ["membership Unlimited #m-1 blocked (card declined), payment grace over since 2026-11-27 14:30"])
    }

    @Test("without blocked_since the block counts from today, with a warning")
    func undated() {
        let site = site(blockedSince: nil)
        let result = site.decide("member@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(result.window == "2026-01-01 00:00 → 2026-11-30 00:00")
        let warnings = site.evaluator.diagnostics.map(\.message)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("1 blocked membership of the rule at groups.gym.grant[0] has no blocked_since (first: #m-1)") == true)
    }

    @Test("blocked: deny and blocked: allow keep their meaning")
    func allowAndDeny() {
        var site = site(blockedSince: "2026-11-20")
        site.groups = []
        site.group("deny", .memberships("Unlimited", blocked: .deny))
        site.group("allow", .memberships("Unlimited", blocked: .allow))
        #expect(!site.decide("member@example.com", in: "deny", at: "2026-12-23T09:00").granted)
        #expect(site.decide("member@example.com", in: "allow", at: "2026-12-23T09:00").window == "2026-01-01 00:00 → open")
    }
}
