import AccessModel
import AccessRules
import Testing

@Suite("Access semantics: memberships")
struct MembershipRuleTests {
    func site(_ configure: (inout Fixture) -> Void) -> Fixture {
        var site = Fixture()
        site.customer("c-1", "member@example.com")
        site.group("gym", .memberships("Unlimited"))
        configure(&site)
        return site
    }

    @Test("an active membership grants from its first day to the end of ends_on, with the reason")
    func activeGrants() {
        let result = site { $0.membership("m-17", customer: "c-1", starts: "2026-11-01", ends: "2026-12-31") }
            .decide("member@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(result.hasAccessNow)
        #expect(result.window == "2026-11-01 00:00 → 2027-01-01 00:00")
        #expect(result.reasons == ["membership Unlimited #m-17 active until 2026-12-31"])
    }

    @Test("ends_on is inclusive: access lasts until the end of that local day")
    func endsOnInclusive() {
        let site = site { $0.membership("m-1", customer: "c-1", starts: "2026-11-01", ends: "2026-11-23") }
        #expect(site.decide("member@example.com", in: "gym", at: "2026-11-23T23:59").hasAccessNow)
        let after = site.decide("member@example.com", in: "gym", at: "2026-11-24T00:00")
        #expect(!after.granted)
        #expect(after.reasons == ["membership Unlimited #m-1 expired 2026-11-23"])
    }

    @Test("an open-ended membership grants with no valid_until")
    func openEnded() {
        let result = site { $0.membership("m-1", customer: "c-1", starts: "2026-01-01") }
            .decide("member@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(result.window == "2026-01-01 00:00 → open")
        #expect(result.reasons == ["membership Unlimited #m-1 active with no end date"])
    }

    @Test("membership types match case-insensitively; other types do not grant")
    func typeMatching() {
        let site = site {
            $0.membership("m-1", customer: "c-1", type: " unlimited ", starts: "2026-01-01")
            $0.customer("c-2", "other@example.com")
            $0.membership("m-2", customer: "c-2", type: "Off-Peak", starts: "2026-01-01")
        }
        #expect(site.decide("member@example.com", in: "gym", at: "2026-11-23T09:00").hasAccessNow)
        let other = site.decide("other@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(!other.granted)
        #expect(other.reasons.isEmpty)
    }

    @Test("Gymflow: a paused membership revokes")
    func gymflowPaused() {
        let result = site { $0.membership("m-9", customer: "c-1", status: .paused, starts: "2026-01-01", ends: "2027-01-01") }
            .decide("member@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(!result.granted)
        #expect(result.reasons == ["membership Unlimited #m-9 paused"])
    }

    @Test("Gymflow: a membership that has not started gives no access now, and is granted ahead within the look-ahead")
    func gymflowNotYetStarted() {
        let site = site { $0.membership("m-2", customer: "c-1", starts: "2026-11-25", ends: "2027-11-24") }
        let soon = site.decide("member@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(!soon.hasAccessNow)
        #expect(soon.window == "2026-11-25 00:00 → 2027-11-25 00:00")
        #expect(soon.reasons == ["membership Unlimited #m-2 active from 2026-11-25 until 2027-11-24"])
        let far = site.decide("member@example.com", in: "gym", at: "2026-11-10T09:00")
        #expect(!far.granted)
        #expect(far.reasons == ["membership Unlimited #m-2 not yet started: starts 2026-11-25, beyond the 7d look-ahead"])
    }

    @Test("Gymflow: a missed payment (blocked membership) revokes under blocked: deny")
    func gymflowMissedPayment() {
        let result = site {
            $0.membership("m-3", customer: "c-1", status: .blocked, starts: "2026-01-01", blockedReason: "missed payment")
        }.decide("member@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(!result.granted)
        #expect(result.reasons == ["membership Unlimited #m-3 blocked (missed payment) and the rule says blocked: deny"])
    }

    @Test("TeamUp: blocked: allow keeps access for a blocked membership")
    func teamUpBlockedAllow() {
        var site = Fixture()
        site.customer("c-1", "member@example.com")
        site.membership(
            "m-5", customer: "c-1", type: "Founding Member", status: .blocked, starts: "2025-01-01",
            blockedReason: "payment retry")
        site.group("founders", .memberships("Founding Member", blocked: .allow))
        let result = site.decide("member@example.com", in: "founders", at: "2026-11-23T09:00")
        #expect(result.hasAccessNow)
        #expect(result.reasons == ["membership Founding Member #m-5 blocked (payment retry), kept by blocked: allow, with no end date"])
    }

    @Test("TeamUp: a pack that is used up gives no access, one with sessions left does")
    func teamUpPacksUsedUp() {
        var site = Fixture()
        site.customer("c-1", "used@example.com")
        site.customer("c-2", "left@example.com")
        site.membership("m-6", customer: "c-1", type: "10-Class Pack", starts: "2026-11-01", ends: "2027-01-31", sessions: 0)
        site.membership("m-7", customer: "c-2", type: "10-Class Pack", starts: "2026-11-01", ends: "2027-01-31", sessions: 3)
        site.group("packs", .memberships("10-Class Pack"))
        let used = site.decide("used@example.com", in: "packs", at: "2026-11-23T09:00")
        #expect(!used.granted)
        #expect(used.reasons == ["membership 10-Class Pack #m-6 used up (0 sessions remaining)"])
        #expect(site.decide("left@example.com", in: "packs", at: "2026-11-23T09:00").hasAccessNow)
    }

    @Test("cancelled and expired memberships grant nothing")
    func cancelledAndExpired() {
        let site = site {
            $0.membership("m-1", customer: "c-1", status: .cancelled, starts: "2026-01-01", ends: "2026-12-31")
            $0.membership("m-2", customer: "c-1", status: .expired, starts: "2025-01-01", ends: "2026-11-15")
        }
        let result = site.decide("member@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(!result.granted)
        #expect(result.reasons == ["membership Unlimited #m-1 cancelled", "membership Unlimited #m-2 expired 2026-11-15"])
    }

    @Test("another active membership keeps access when one expires (the union of all sources)")
    func unionOfMemberships() {
        let result = site {
            $0.membership("m-1", customer: "c-1", status: .expired, starts: "2025-01-01", ends: "2026-11-15")
            $0.membership("m-2", customer: "c-1", starts: "2026-11-16", ends: "2027-11-15")
        }.decide("member@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(result.hasAccessNow)
        #expect(result.reasons == ["membership Unlimited #m-2 active until 2027-11-15"])
    }

    @Test("renewal grace: window.after on a membership rule keeps access after its last day")
    func renewalGrace() {
        var site = Fixture()
        site.customer("c-1", "member@example.com")
        site.membership("m-1", customer: "c-1", status: .expired, starts: "2026-10-23", ends: "2026-11-22")
        site.group("gym", .memberships("Unlimited", after: .days(1)))
        let during = site.decide("member@example.com", in: "gym", at: "2026-11-23T18:00")
        #expect(during.hasAccessNow)
        #expect(during.window == "2026-11-23 00:00 → 2026-11-24 00:00")
        #expect(during.reasons == ["membership Unlimited #m-1 expired 2026-11-22, in renewal grace"])
        #expect(!site.decide("member@example.com", in: "gym", at: "2026-11-24T00:00").granted)
    }

    @Test("company memberships grant every customer of that company")
    func companyMemberships() {
        var site = Fixture()
        site.customer("u-1", "ana@acme.example", company: "co-1")
        site.customer("u-2", "ben@acme.example", company: "co-1")
        site.customer("u-3", "cy@globex.example", company: "co-2")
        site.membership("s-1", company: "co-1", type: "Team Plan", starts: "2026-01-01")
        site.membership("s-2", company: "co-2", type: "Team Plan", status: .cancelled, starts: "2026-01-01", ends: "2026-11-20")
        site.group("members", .memberships("Team Plan"))
        for email in ["ana@acme.example", "ben@acme.example"] {
            let result = site.decide(email, in: "members", at: "2026-11-23T09:00")
            #expect(result.hasAccessNow)
            #expect(result.reasons == ["company membership Team Plan #s-1 (company co-1) active with no end date"])
        }
        let cancelled = site.decide("cy@globex.example", in: "members", at: "2026-11-23T09:00")
        #expect(!cancelled.granted)
        #expect(cancelled.reasons == ["company membership Team Plan #s-2 (company co-2) cancelled"])
    }
}
