import AccessModel
import AccessRules
import Testing

@Suite("Access semantics: registrations and bookings")
struct SessionRuleTests {
    @Test("a registration grants from before its start to after its end while booked or attended")
    func registrationWindow() {
        var site = Fixture()
        site.customer("c-1", "yogi@example.com")
        site.registration("r-5", customer: "c-1", session: "Yoga Flow", from: "2026-11-23T07:00", to: "2026-11-23T08:00")
        site.group("classes", .registrations(kinds: [.class], sessions: ["Yoga *", "HIIT"], before: .minutes(30), after: .minutes(15)))
        let result = site.decide("yogi@example.com", in: "classes", at: "2026-11-23T06:45")
        #expect(result.hasAccessNow)
        #expect(result.window == "2026-11-23 06:30 → 2026-11-23 08:15")
        #expect(result.reasons == ["registration Yoga Flow #r-5 2026-11-23 07:00–08:00"])
        let ended = site.decide("yogi@example.com", in: "classes", at: "2026-11-23T08:15")
        #expect(!ended.granted)
        #expect(ended.reasons == ["registration Yoga Flow #r-5 2026-11-23 07:00–08:00 ended"])
    }

    @Test("waitlisted, cancelled and no-show registrations do not grant; attended does")
    func registrationStatuses() {
        var site = Fixture()
        site.customer("c-1", "a@example.com")
        site.registration("r-1", customer: "c-1", session: "HIIT", from: "2026-11-23T09:00", to: "2026-11-23T10:00", status: .waitlisted)
        site.registration("r-2", customer: "c-1", session: "HIIT", from: "2026-11-23T11:00", to: "2026-11-23T12:00", status: .cancelled)
        site.registration("r-3", customer: "c-1", session: "HIIT", from: "2026-11-22T11:00", to: "2026-11-22T12:00", status: .noShow)
        site.customer("c-2", "b@example.com")
        site.registration("r-4", customer: "c-2", session: "HIIT", from: "2026-11-23T08:00", to: "2026-11-23T09:30", status: .attended)
        site.group("classes", .registrations())
        let denied = site.decide("a@example.com", in: "classes", at: "2026-11-23T09:00")
        #expect(!denied.granted)
        #expect(
            denied.reasons == [
                "registration HIIT #r-1 2026-11-23 09:00–10:00 waitlisted",
                "registration HIIT #r-2 2026-11-23 11:00–12:00 cancelled",
                "registration HIIT #r-3 2026-11-22 11:00–12:00 no-show",
            ])
        #expect(site.decide("b@example.com", in: "classes", at: "2026-11-23T09:00").hasAccessNow)
    }

    @Test("kinds and session patterns select registrations (case-insensitive globs)")
    func registrationSelectors() {
        var site = Fixture()
        site.customer("c-1", "a@example.com")
        site.registration("r-1", customer: "c-1", kind: .appointment, session: "Yoga Therapy", from: "2026-11-23T10:00", to: "2026-11-23T11:00")
        site.registration("r-2", customer: "c-1", kind: .course, session: "yoga teacher training", from: "2026-11-24T10:00", to: "2026-11-24T16:00")
        site.group("classes", .registrations(kinds: [.class], sessions: ["Yoga *"]))
        site.group("courses", .registrations(kinds: [.course], sessions: ["Yoga Teacher ?raining"]))
        #expect(!site.decide("a@example.com", in: "classes", at: "2026-11-23T10:30").granted)
        #expect(site.decide("a@example.com", in: "courses", at: "2026-11-23T10:30").window == "2026-11-24 10:00 → 2026-11-24 16:00")
    }

    @Test("TeamUp: membership OR registration, either rule grants")
    func teamUpMembershipOrRegistration() {
        var site = Fixture()
        site.customer("c-1", "member@example.com")
        site.customer("c-2", "dropin@example.com")
        site.customer("c-3", "neither@example.com")
        site.membership("m-1", customer: "c-1", starts: "2026-01-01")
        site.registration("r-1", customer: "c-2", session: "Pilates Core", from: "2026-11-23T09:30", to: "2026-11-23T10:30")
        site.membership("m-2", customer: "c-3", status: .paused, starts: "2026-01-01")
        site.group("studio-1", .memberships("Unlimited"), .registrations(sessions: ["Pilates *"], before: .minutes(30), after: .minutes(15)))
        #expect(site.decide("member@example.com", in: "studio-1", at: "2026-11-23T09:00").hasAccessNow)
        let dropIn = site.decide("dropin@example.com", in: "studio-1", at: "2026-11-23T09:00")
        #expect(dropIn.hasAccessNow)
        #expect(dropIn.window == "2026-11-23 09:00 → 2026-11-23 10:45")
        #expect(!site.decide("neither@example.com", in: "studio-1", at: "2026-11-23T09:00").granted)
    }

    @Test("Spacebring: a booking 12:00–16:00 with 30-minute grace gives 11:30–16:30")
    func spacebringFirstRow() {
        var site = Fixture(zone: "America/New_York")
        site.customer("u-1", "booker@example.com")
        site.booking("b-1", customer: "u-1", from: "2024-01-08T12:00", to: "2024-01-08T16:00")
        site.group("rooms", .bookings([ResourceSelector(type: .room)], before: .minutes(30), after: .minutes(30)))
        let result = site.decide("booker@example.com", in: "rooms", at: "2024-01-08T11:30")
        #expect(result.hasAccessNow)
        #expect(result.window == "2024-01-08 11:30 → 2024-01-08 16:30")
        #expect(result.reasons == ["booking room Board Room #b-1 2024-01-08 12:00–16:00"])
    }

    @Test("Spacebring: a booking 9:30–11:30 with 30-minute grace gives 9:00–12:00")
    func spacebringSecondRow() {
        var site = Fixture(zone: "America/New_York")
        site.customer("u-1", "booker@example.com")
        site.booking("b-2", customer: "u-1", resource: "Focus Room", from: "2024-05-12T09:30", to: "2024-05-12T11:30")
        site.group("rooms", .bookings([ResourceSelector(type: .room)], before: .minutes(30), after: .minutes(30)))
        #expect(site.decide("booker@example.com", in: "rooms", at: "2024-05-12T08:00").window == "2024-05-12 09:00 → 2024-05-12 12:00")
    }

    @Test("Spacebring: invitees get the booker's window when invitees: true, and only then")
    func invitees() {
        var site = Fixture()
        site.customer("u-1", "booker@example.com")
        site.customer("u-2", "colleague@example.com")
        site.booking(
            "b-1", customer: "u-1", from: "2026-11-23T12:00", to: "2026-11-23T16:00",
            invitees: ["Guest@Partner.example", "COLLEAGUE@example.com"])
        site.group("rooms", .bookings([ResourceSelector(type: .room)], before: .minutes(30), after: .minutes(30), invitees: true))
        site.group("rooms-no-guests", .bookings([ResourceSelector(type: .room)]))
        for email in ["guest@partner.example", "colleague@example.com"] {
            let result = site.decide(email, in: "rooms", at: "2026-11-23T12:00")
            #expect(result.window == "2026-11-23 11:30 → 2026-11-23 16:30")
            #expect(result.reasons == ["invited to booking room Board Room #b-1 2026-11-23 12:00–16:00"])
            #expect(!site.decide(email, in: "rooms-no-guests", at: "2026-11-23T12:00").granted)
        }
    }

    @Test("only confirmed bookings grant: tentative and cancelled do not, for invitees either")
    func bookingStatuses() {
        var site = Fixture()
        site.customer("u-1", "booker@example.com")
        site.booking("b-1", customer: "u-1", from: "2026-11-23T12:00", to: "2026-11-23T13:00", status: .tentative, invitees: ["g@example.org"])
        site.booking("b-2", customer: "u-1", from: "2026-11-23T14:00", to: "2026-11-23T15:00", status: .cancelled)
        site.group("rooms", .bookings([ResourceSelector(type: .room)], invitees: true))
        let booker = site.decide("booker@example.com", in: "rooms", at: "2026-11-23T12:00")
        #expect(!booker.granted)
        #expect(
            booker.reasons == [
                "booking room Board Room #b-1 2026-11-23 12:00–13:00 tentative",
                "booking room Board Room #b-2 2026-11-23 14:00–15:00 cancelled",
            ])
        #expect(
            site.decide("g@example.org", in: "rooms", at: "2026-11-23T12:00").reasons
                == ["invited to booking room Board Room #b-1 2026-11-23 12:00–13:00 tentative"])
    }

    @Test("a booking cancelled mid-window revokes at once")
    func cancelledMidWindow() {
        var site = Fixture()
        site.customer("u-1", "booker@example.com")
        site.booking("b-1", customer: "u-1", from: "2026-11-23T08:00", to: "2026-11-23T18:00", status: .cancelled)
        site.group("rooms", .bookings([ResourceSelector(type: .room)]))
        #expect(!site.decide("booker@example.com", in: "rooms", at: "2026-11-23T12:00").granted)
    }

    @Test("resource selectors: a type, or type:name with a glob")
    func resourceSelectors() {
        var site = Fixture()
        site.customer("u-1", "a@example.com")
        site.booking("b-1", customer: "u-1", type: .office, resource: "Suite 305", from: "2026-11-23T08:00", to: "2026-11-23T18:00")
        site.booking("b-2", customer: "u-1", type: .parking, resource: "Bay 2", from: "2026-11-23T08:00", to: "2026-11-23T18:00")
        site.group("suites", .bookings([ResourceSelector(type: .office, name: "suite *")]))
        site.group("board-room", .bookings([ResourceSelector(type: .room, name: "Board Room")]))
        site.group("parking", .bookings([ResourceSelector(type: .parking)]))
        #expect(site.decide("a@example.com", in: "suites", at: "2026-11-23T09:00").hasAccessNow)
        #expect(!site.decide("a@example.com", in: "board-room", at: "2026-11-23T09:00").granted)
        #expect(site.decide("a@example.com", in: "parking", at: "2026-11-23T09:00").hasAccessNow)
    }
}
