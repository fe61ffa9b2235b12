import AccessModel
import AccessRules
import Testing

@Suite("Access semantics: households and ages")
struct HouseholdTests {
    func site(minAge: Int? = 16) -> Fixture {
        var site = Fixture()
        site.customer("c-1", "parent@example.com", household: "h-7", born: "1985-04-02")
        site.customer("c-2", "teen@example.com", household: "h-7", born: "2010-11-23")
        site.customer("c-3", "child@example.com", household: "h-7", born: "2015-06-01")
        site.customer("c-4", "neighbour@example.com", household: "h-8")
        site.membership("m-1", household: "h-7", type: "Family", starts: "2026-01-01")
        site.group("gym", .memberships("Family", conditions: PersonConditions(minAge: minAge)))
        return site
    }

    @Test("a household membership grants every customer of the household, like a company membership")
    func householdGrantsAll() {
        let site = site(minAge: nil)
        for email in ["parent@example.com", "teen@example.com", "child@example.com"] {
            #expect(site.decide(email, in: "gym", at: "2026-11-23T09:00").hasAccessNow)
        }
        #expect(!site.decide("neighbour@example.com", in: "gym", at: "2026-11-23T09:00").granted)
        #expect(
            site.decide("parent@example.com", in: "gym", at: "2026-11-23T09:00").reasons == [
                "household membership Family #m-1 (household h-7) active with no end date"
            ])
    }

    @Test("min_age: a minor of the household is not granted, and the reason names the age rule")
    func minorNotGranted() {
        let site = site()
        let child = site.decide("child@example.com", in: "gym", at: "2026-11-23T09:00")
        #expect(!child.granted)
        #expect(child.reasons == ["household membership Family #m-1 (household h-7), but the person is under 16 (the rule's min_age)"])
        #expect(site.decide("parent@example.com", in: "gym", at: "2026-11-23T09:00").hasAccessNow)
    }

    @Test("min_age counts birthdays in the site's days: 16 on the birthday, not the day before")
    func birthday() {
        let site = site()
        #expect(!site.decide("teen@example.com", in: "gym", at: "2026-11-22T23:59").granted)
        #expect(site.decide("teen@example.com", in: "gym", at: "2026-11-23T00:00").hasAccessNow)
    }

    @Test("a birthday on 29 February counts on the 29th of a leap year; others on their own day")
    func leapDayBirthday() {
        var site = site()
        site.customer("c-9", "leap@example.com", household: "h-7", born: "2012-02-29")
        #expect(!site.decide("leap@example.com", in: "gym", at: "2028-02-28T12:00").granted)
        #expect(site.decide("leap@example.com", in: "gym", at: "2028-02-29T00:00").hasAccessNow)
        site.data.customers[site.data.customers.count - 1].birthDate = date("2011-03-01")
        #expect(!site.decide("leap@example.com", in: "gym", at: "2027-02-28T23:59").granted)
        #expect(site.decide("leap@example.com", in: "gym", at: "2027-03-01T00:00").hasAccessNow)
    }

    @Test("a person with no birth date is granted, with a warning")
    func noBirthDate() {
        var site = site()
        site.membership("m-2", household: "h-8", type: "Family", starts: "2026-01-01")
        #expect(site.decide("neighbour@example.com", in: "gym", at: "2026-11-23T09:00").hasAccessNow)
        let warnings = site.evaluator.diagnostics.map(\.message)
        #expect(
            warnings.contains(
                "1 person this rule's records name has no birth_date (first: customer #c-4): their age is not checked and they are granted"))
    }

    @Test("a household membership nobody belongs to is a warning")
    func emptyHousehold() {
        var site = site()
        site.membership("m-3", household: "h-404", type: "Family", starts: "2026-01-01")
        #expect(
            site.evaluator.diagnostics.map(\.message).contains("household membership #m-3: no customer has household_id h-404; it grants nobody"))
    }
}

@Suite("Access semantics: required and blocking tags")
struct TagConditionTests {
    func site() -> Fixture {
        var site = Fixture()
        site.customer("c-1", "signed@example.com", tags: ["Waiver", "induction"])
        site.customer("c-2", "unsigned@example.com", tags: ["induction"])
        site.customer("c-3", "banned@example.com", tags: ["waiver", "banned"])
        for (id, customer) in [("m-1", "c-1"), ("m-2", "c-2"), ("m-3", "c-3")] {
            site.membership(id, customer: customer, starts: "2026-01-01")
        }
        site.group(
            "studio", .memberships("Unlimited", conditions: PersonConditions(requiredTags: ["waiver"], blockingTags: ["banned"])))
        return site
    }

    @Test("require: a person with every tag (any case) is granted")
    func allTagsPresent() {
        #expect(site().decide("signed@example.com", in: "studio", at: "2026-11-23T09:00").hasAccessNow)
    }

    @Test("require: a missing tag denies, naming the tag")
    func missingTag() {
        let result = site().decide("unsigned@example.com", in: "studio", at: "2026-11-23T09:00")
        #expect(!result.granted)
        #expect(result.reasons == ["membership Unlimited #m-2, but the person lacks the tag \"waiver\" the rule requires"])
    }

    @Test("unless: a blocking tag denies, naming the tag")
    func blockingTag() {
        let result = site().decide("banned@example.com", in: "studio", at: "2026-11-23T09:00")
        #expect(!result.granted)
        #expect(result.reasons == ["membership Unlimited #m-3, but the person has the tag \"banned\" the rule's unless excludes"])
    }

    @Test("a required tag no customer has is a warning (usually a typo)")
    func unknownTag() {
        var site = site()
        site.groups = []
        site.group("studio", .memberships("Unlimited", conditions: PersonConditions(requiredTags: ["waivre"])))
        #expect(
            site.evaluator.diagnostics.map(\.message) == [
                "tag \"waivre\" is on no customer, so this rule grants nobody (did you mean \"waiver\"?)"
            ])
        #expect(!site.decide("signed@example.com", in: "studio", at: "2026-11-23T09:00").granted)
    }

    @Test("conditions belong to their rule: another rule of the group still grants")
    func perRule() {
        var site = site()
        site.groups = []
        site.group(
            "studio", .memberships("Unlimited", conditions: PersonConditions(requiredTags: ["waiver"])),
            .memberships("Unlimited", conditions: PersonConditions(requiredTags: ["induction"])))
        #expect(site.decide("unsigned@example.com", in: "studio", at: "2026-11-23T09:00").hasAccessNow)
    }
}

@Suite("Access semantics: extra grants in the config")
struct ExtraGrantTests {
    func site(_ extra: ExtraGrant...) -> Fixture {
        var site = Fixture()
        site.customer("c-1", "member@example.com")
        site.membership("m-1", customer: "c-1", starts: "2026-01-01")
        site.group("cowork", extra: extra, .memberships("Unlimited"))
        return site
    }

    func extra(from: String? = nil, until: String, reason: String = "HVAC contractor") -> ExtraGrant {
        ExtraGrant(email: "Fixer@Contractor.example", from: from.map(moment), until: moment(until), reason: reason)
    }

    @Test("an extra grant that starts later is granted ahead with its window, for a person the data does not know")
    func startsLater() {
        let site = site(extra(from: "2026-11-26T08:00", until: "2026-11-28T00:00"))
        let result = site.decide("fixer@contractor.example", in: "cowork", at: "2026-11-23T09:00")
        #expect(!result.hasAccessNow)
        #expect(result.window == "2026-11-26 08:00 → 2026-11-28 00:00")
        #expect(result.reasons == ["extra grant: HVAC contractor from 2026-11-26 08:00 until 2026-11-28 00:00"])
        #expect(site.evaluator.warnings(at: site.at("2026-11-23T09:00")).isEmpty)
    }

    @Test("an extra grant past its end grants nothing and is a warning")
    func expired() {
        let site = site(extra(until: "2026-11-21T00:00"))
        let result = site.decide("fixer@contractor.example", in: "cowork", at: "2026-11-23T09:00")
        #expect(!result.granted)
        #expect(result.reasons == ["extra grant: HVAC contractor ended 2026-11-21 00:00"])
        #expect(
            site.evaluator.warnings(at: site.at("2026-11-23T09:00")).map(\.message) == [
                "extra grant \"HVAC contractor\" ended 2026-11-21 00:00; remove it from the config"
            ])
    }

    @Test("without from, an extra grant runs from now, and one ending past max_extra_grant is not granted")
    func withoutFrom() {
        let short = site(extra(until: "2026-12-01T00:00"))
        let granted = short.decide("fixer@contractor.example", in: "cowork", at: "2026-11-23T09:00")
        #expect(granted.hasAccessNow)
        #expect(granted.reasons == ["extra grant: HVAC contractor until 2026-12-01 00:00"])
        let long = site(extra(until: "2027-02-01T00:00"))
        #expect(!long.decide("fixer@contractor.example", in: "cowork", at: "2026-11-23T09:00").granted)
        #expect(long.evaluator.warnings(at: long.at("2026-11-23T09:00")).map(\.message).first?.contains("not granted") == true)
    }

    @Test("an extra grant for a member joins their membership's window")
    func memberExtra() {
        var site = site()
        site.groups = []
        site.group(
            "cowork",
            extra: [
                ExtraGrant(email: "member@example.com", from: moment("2026-11-20T00:00"), until: moment("2026-11-25T00:00"), reason: "trial")
            ], .memberships("Off-Peak"))
        let result = site.decide("member@example.com", in: "cowork", at: "2026-11-23T09:00")
        #expect(result.window == "2026-11-20 00:00 → 2026-11-25 00:00")
        #expect(result.reasons == ["extra grant: trial until 2026-11-25 00:00"])
    }
}

@Suite("Access semantics: invitees as guests")
struct GuestInviteeTests {
    @Test("invitees: guest grants a visitor as a Kisi guest, and an invitee who is a customer as a user")
    func guestsAndCustomers() {
        var site = Fixture()
        site.customer("c-1", "booker@example.com")
        site.customer("c-2", "member@example.com")
        site.booking(
            "b-1", customer: "c-1", from: "2026-11-23T10:00", to: "2026-11-23T12:00", invitees: ["Visitor@Partner.example", "member@example.com"])
        site.group("rooms", .bookings([ResourceSelector(type: .room)], invitees: .guests))
        let visitor = site.decide("visitor@partner.example", in: "rooms", at: "2026-11-23T09:00")
        #expect(visitor.decision?.asGuest == true)
        #expect(visitor.window == "2026-11-23 10:00 → 2026-11-23 12:00")
        #expect(visitor.reasons == ["invited as a guest to booking room Board Room #b-1 2026-11-23 10:00–12:00"])
        let member = site.decide("member@example.com", in: "rooms", at: "2026-11-23T09:00")
        #expect(member.decision?.asGuest == false)
        #expect(member.reasons == ["invited to booking room Board Room #b-1 2026-11-23 10:00–12:00"])
        let grants = site.evaluator.evaluate(at: site.at("2026-11-23T09:00")).grants(in: "rooms")
        #expect(grants.filter(\.asGuest).count == 1)
    }
}
