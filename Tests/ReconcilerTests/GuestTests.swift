import AccessModel
import Foundation
import KisiSandbox
import PlanModel
import Rendering
import Testing

@Suite("Booking invitees as Kisi guests")
struct GuestTests {
    static let config = Studio.config(
        groups: """
              rooms:
                name: Rooms
                place: Studio
                grant:
                  - bookings: [room]
                    window: {before: 30m, after: 30m}
                    invitees: guest
            """)

    static func bookings(_ status: String) -> String {
        """
        id,customer_id,resource_type,resource,starts_at,ends_at,status,invitees
        b-1,c-1,room,Board Room,2026-11-23T10:00,2026-11-23T12:00,\(status),visitor@partner.example;ben@example.com
        """
    }

    @Test("an invitee the data knows only as an invitee is granted as a Kisi guest and revoked like a member (over real HTTP)")
    func grantedAndRevoked() async throws {
        let site = try await SiteHarness(
            config: Self.config, data: ["customers.csv": Studio.customers, "bookings.csv": Self.bookings("confirmed")],
            seed: Studio.seed(groups: "  - {name: Rooms, place: Studio}"), transport: .http)
        defer { Task { await site.stop() } }

        let plan = try await site.plan().plan
        let roles = plan.changes(in: "rooms").filter { $0.address.kind == .role }
        #expect(
            roles.map(\.address.description).sorted() == [
                "kisi_role_assignment.rooms[\"ann@example.com\"]", "kisi_role_assignment.rooms[\"ben@example.com\"]",
                "kisi_role_assignment.rooms[\"guest:visitor@partner.example\"]",
            ])
        let guest = try #require(roles.first { $0.role?.holder.kind == .memberGuest })
        #expect(guest.role?.holder.kisiID == nil)
        #expect(guest.after?.role?.window == PlanWindow(from: utc("2026-11-23T09:30:00Z"), until: utc("2026-11-23T12:30:00Z")))
        let zone = SiteTimeZone(identifier: "Europe/London")!
        #expect(
            guest.reasons.map { ReasonText.sentence($0, at: plan.instant, zone: zone) } == [
                "invited as a guest to booking room Board Room #b-1 2026-11-23 10:00–12:00"
            ])
        // An invitee who is a customer gets in as a user, like the booker.
        #expect(roles.filter { $0.role?.holder.kind == .user }.count == 2)

        let report = await site.apply(plan)
        #expect(report.succeeded)
        #expect(report.completed[.guestsCreated] == 1)
        let state = await site.state
        #expect(state.guests.map(\.email) == ["visitor@partner.example"])
        #expect(state.guests.first?.name == "Visitor")
        #expect(!state.users.contains { $0.email == "visitor@partner.example" }, "a guest is not a Kisi user")
        let granted = await site.guests(of: "Rooms")
        #expect(granted["visitor@partner.example"]?.from == "2026-11-23T09:30:00.000Z")
        #expect(granted["visitor@partner.example"]?.until == "2026-11-23T12:30:00.000Z")
        #expect(!(try await site.plan().plan.hasChanges), "converged")

        // The booking is cancelled: the guest's role goes, with the reason; the guest record stays.
        try Self.bookings("cancelled").write(toFile: site.folder + "/data/bookings.csv", atomically: true, encoding: .utf8)
        let cancelled = try await site.plan().plan
        let revoke = try #require(cancelled.changes(in: "rooms").first { $0.address.index == "guest:visitor@partner.example" })
        #expect(revoke.action == .delete)
        #expect(revoke.before?.role?.holder.kisiID == state.guests.first?.id)
        #expect(
            revoke.reasons.map { ReasonText.sentence($0, at: cancelled.instant, zone: zone, revoking: true) } == [
                "no rule grants: invited as a guest to booking room Board Room #b-1 2026-11-23 10:00–12:00 cancelled"
            ])
        #expect(await site.apply(cancelled).succeeded)
        #expect(await site.guests(of: "Rooms").isEmpty)
        #expect(!(try await site.plan().plan.hasChanges))
    }

    @Test("a guest someone made by hand, with an address the data does not know, is left alone")
    func othersGuestsLeftAlone() async throws {
        let site = try await SiteHarness(
            config: Self.config, data: ["customers.csv": Studio.customers, "bookings.csv": Self.bookings("confirmed")],
            seed: Studio.seed(
                groups: "  - {name: Rooms, place: Studio, guests: [Courier]}", extra: "guests:\n  - {name: Courier, email: courier@post.example}"))
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        #expect(!plan.changes(in: "rooms").contains { $0.before?.role?.holder.kind == .guest })
        #expect(await site.apply(plan).succeeded)
        #expect(await site.guests(of: "Rooms").keys.sorted() == ["courier@post.example", "visitor@partner.example"])
    }
}
