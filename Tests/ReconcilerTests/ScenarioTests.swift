import AccessModel
import Foundation
import KisiAPI
import KisiSandbox
import PlanModel
import Reconciler
import Testing

/// Plan and apply end to end, over HTTP against the sandbox: each action and each policy.
@Suite("Plan and apply against the sandbox", .serialized)
struct ScenarioTests {
    static let unlimited = """
          unlimited:
            name: Unlimited
            place: Studio
            doors: [Front Door]
            grant:
              - memberships: [Unlimited]
        """

    @Test("a membership that expires is revoked, with the reason; apply converges (over real HTTP)")
    func membershipExpires() async throws {
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited),
            data: [
                "customers.csv": Studio.customers,
                "memberships.csv": """
                id,customer_id,type,status,starts_on,ends_on
                m-1,c-1,Unlimited,active,2026-01-01,2026-12-31
                m-2,c-2,Unlimited,active,2026-01-01,2026-11-20
                """,
            ],
            seed: Studio.seed(groups: "  - {name: Unlimited, place: Studio, locks: [Front Door], members: [ann@example.com, ben@example.com]}"),
            transport: .http)
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        let revoked = plan.changes("unlimited", .revoke)
        #expect(revoked.map(\.email) == ["ben@example.com"])
        #expect(revoked.first?.reasons == ["no rule grants: membership Unlimited #m-2 expired 2026-11-20"])
        #expect(revoked.first?.cause == "membership expired")
        // Ann's open role gets the membership's end as its valid_until.
        #expect(plan.changes("unlimited", .change).map(\.email) == ["ann@example.com"])
        let report = await site.apply(plan)
        #expect(report.succeeded)
        #expect(await site.members(of: "Unlimited").keys.sorted() == ["ann@example.com"])
        #expect(await site.members(of: "Unlimited")["ann@example.com"]?.until == "2027-01-01T00:00:00.000Z")
        #expect(!(try await site.plan().plan.hasChanges))
    }

    @Test("a class tomorrow is granted now, with the class window, to a user created in the same call")
    func classTomorrow() async throws {
        let site = try await SiteHarness(
            config: Studio.config(
                groups: """
                      classes:
                        name: Classes
                        place: Studio
                        grant:
                          - registrations: {kinds: [class]}
                            window: {before: 30m, after: 15m}
                    """),
            data: [
                "customers.csv": Studio.customers,
                "registrations.csv": """
                id,customer_id,kind,session,starts_at,ends_at,status
                r-1,c-3,class,HIIT,2026-11-24T07:00,2026-11-24T08:00,booked
                """,
            ],
            seed: Studio.seed(groups: "  - {name: Classes, place: Studio}"))
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        let grant = try #require(plan.changes("classes", .createUserAndGrant).first)
        #expect(grant.email == "cat@example.com")
        #expect(grant.after == PlanWindow(from: utc("2026-11-24T06:30:00Z"), until: utc("2026-11-24T08:15:00Z")))
        #expect(grant.reasons == ["registration HIIT #r-1 2026-11-24 07:00–08:00"])
        #expect(await site.apply(plan).succeeded)
        let state = await site.state
        #expect(state.users.first { $0.email == "cat@example.com" }?.name == "Cat Chen")
        #expect(await site.members(of: "Classes")["cat@example.com"]?.from == "2026-11-24T06:30:00.000Z")
        #expect(await site.members(of: "Classes")["cat@example.com"]?.until == "2026-11-24T08:15:00.000Z")
        #expect(!(try await site.plan().plan.hasChanges))
    }

    @Test("a booking moved to another time changes the member's window")
    func bookingMoved() async throws {
        let site = try await SiteHarness(
            config: Studio.config(
                groups: """
                      rooms:
                        name: Rooms
                        place: Studio
                        grant:
                          - bookings: [room]
                            window: {before: 30m, after: 30m}
                    """),
            data: [
                "customers.csv": Studio.customers,
                "bookings.csv": """
                id,customer_id,resource_type,resource,starts_at,ends_at,status,invitees
                b-1,c-4,room,Board Room,2026-11-23T14:00,2026-11-23T16:00,confirmed,
                """,
            ],
            seed: Studio.seed(
                groups: """
                      - name: Rooms
                        place: Studio
                        members: [{email: dan@example.com, valid_from: 2026-11-23T11:30:00Z, valid_until: 2026-11-23T13:30:00Z}]
                    """))
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        let change = try #require(plan.changes("rooms", .change).first)
        #expect(change.before == PlanWindow(from: utc("2026-11-23T11:30:00Z"), until: utc("2026-11-23T13:30:00Z")))
        #expect(change.after == PlanWindow(from: utc("2026-11-23T13:30:00Z"), until: utc("2026-11-23T16:30:00Z")))
        #expect(change.reasons == ["booking room Board Room #b-1 2026-11-23 14:00–16:00"])
        #expect(await site.apply(plan).succeeded)
        #expect(await site.members(of: "Rooms")["dan@example.com"]?.from == "2026-11-23T13:30:00.000Z")
        #expect(!(try await site.plan().plan.hasChanges))
    }

    static let unexplainedSeed = Studio.seed(
        groups: "  - {name: Unlimited, place: Studio, locks: [Front Door], members: [ann@example.com, stranger@example.com, cat@example.com]}")
    static let unexplainedData = [
        "customers.csv": Studio.customers,
        "memberships.csv": """
        id,customer_id,type,status,starts_on
        m-1,c-1,Unlimited,active,2026-01-01
        """,
    ]

    @Test("a member no rule explains is revoked under unexplained_members: revoke")
    func unexplainedRevoke() async throws {
        let site = try await SiteHarness(config: Studio.config(groups: Self.unlimited), data: Self.unexplainedData, seed: Self.unexplainedSeed)
        defer { Task { await site.stop() } }
        let outcome = try await site.plan()
        #expect(outcome.problems.isEmpty)
        let revoked = outcome.plan.changes("unlimited", .revoke)
        #expect(revoked.map(\.email) == ["cat@example.com", "stranger@example.com"])
        #expect(
            revoked.map(\.reasons) == [
                ["no rule explains this member: no membership, registration or booking matches this group's rules"],
                ["no rule explains this member: not in the member data"],
            ])
    }

    @Test("a member no rule explains is left alone under unexplained_members: keep")
    func unexplainedKeep() async throws {
        let site = try await SiteHarness(
            config: Studio.config(policy: "  unexplained_members: keep\n", groups: Self.unlimited),
            data: Self.unexplainedData, seed: Self.unexplainedSeed)
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        #expect(plan.changes("unlimited", .revoke).isEmpty)
        #expect(
            plan.group("unlimited")?.kept == [
                KeptMember(email: "cat@example.com", why: .unexplained),
                KeptMember(email: "stranger@example.com", why: .unexplained),
            ])
        #expect(!plan.hasChanges)
    }

    @Test("a member no rule explains stops the plan under unexplained_members: fail")
    func unexplainedFail() async throws {
        let site = try await SiteHarness(
            config: Studio.config(policy: "  unexplained_members: fail\n", groups: Self.unlimited),
            data: Self.unexplainedData, seed: Self.unexplainedSeed)
        defer { Task { await site.stop() } }
        let outcome = try await site.plan()
        #expect(
            outcome.problems == [
                "groups.unlimited: 2 members no rule explains (c***@example.com, s***@example.com), and policy.unexplained_members is fail"
            ])
    }

    @Test("group managers and exempt people are never touched")
    func managerAndExempt() async throws {
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited),
            data: [
                "customers.csv": Studio.customers,
                "memberships.csv": "id,customer_id,type,status,starts_on\nm-0,c-3,Unlimited,cancelled,2026-01-01\n",
            ],
            seed: Studio.seed(
                groups: "  - {name: Unlimited, place: Studio, locks: [Front Door], members: [owner@example.com], managers: [dan@example.com]}"))
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        #expect(!plan.hasChanges)
        #expect(
            plan.group("unlimited")?.kept == [
                KeptMember(email: "owner@example.com", why: .exempt),
                KeptMember(email: "dan@example.com", why: .manager),
            ])
        let roles = await site.state.roleAssignments
        _ = await site.apply(plan)
        #expect(await site.state.roleAssignments == roles)
    }

    @Test("a group another integration feeds is refused")
    func integrationFed() async throws {
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited), data: Self.unexplainedData,
            seed: Studio.seed(
                groups: "  - {name: Unlimited, place: Studio, members: [ann@example.com]}",
                extra: "integrations: [{name: Directory sync, type: active_directory_user_import, group: Unlimited}]"))
        defer { Task { await site.stop() } }
        let outcome = try await site.plan()
        #expect(outcome.problems.count == 1)
        #expect(outcome.problems.first?.hasPrefix("groups.unlimited: Kisi group \"Unlimited\" is fed by the integration \"Directory sync\"") == true)
        #expect(outcome.plan.group("unlimited") == nil)
    }

    @Test("a new group is created in its place, with its doors and members; doors not in the config are unlinked")
    func newGroup() async throws {
        let site = try await SiteHarness(
            config: Studio.config(
                groups: """
                      unlimited:
                        name: Unlimited
                        description: Members with an active Unlimited membership
                        place: Studio
                        doors: [Front Door, Studio 1]
                        grant:
                          - memberships: [Unlimited]
                      old:
                        name: Old
                        place: Studio
                        doors: [Front Door]
                        grant: []
                    """),
            data: Self.unexplainedData,
            seed: Studio.seed(groups: "  - {name: Old, place: Studio, locks: [Front Door, Back Office]}"))
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        #expect(plan.changes(in: "unlimited").first?.address == .group("unlimited"))
        #expect(plan.changes(in: "unlimited").first?.action == .create)
        #expect(plan.changes(in: "unlimited").filter { $0.address.kind == .door }.map { $0.address.index } == ["Front Door", "Studio 1"])
        #expect(plan.changes(in: "old").filter { $0.address.kind == .door }.map { "\($0.action) \($0.address.index!)" } == ["delete Back Office"])
        #expect(plan.summary.line == "Plan: 1 group to create, 2 doors to link, 1 door to unlink, 1 user to create, 1 grant.")
        #expect(await site.apply(plan).succeeded)
        let state = await site.state
        let created = try #require(state.groups.first { $0.name == "Unlimited" })
        #expect(created.placeID == state.places[0].id)
        #expect(created.description == "Members with an active Unlimited membership")
        #expect(Set(state.groupLocks.filter { $0.groupID == created.id }.map(\.lockID)).count == 2)
        #expect(await site.members(of: "Unlimited").keys.sorted() == ["ann@example.com"])
        #expect(!(try await site.plan().plan.hasChanges))
    }

    @Test("a person granted in two groups is created once; grants land before revocations")
    func oneUserManyGroups() async throws {
        let site = try await SiteHarness(
            config: Studio.config(
                groups: """
                      a:
                        name: A
                        grant: [{memberships: [Unlimited]}]
                      b:
                        name: B
                        grant: [{memberships: [Unlimited]}]
                    """),
            data: Self.unexplainedData, seed: Studio.seed(groups: "  - {name: A}\n  - {name: B}"))
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        #expect(plan.summary.usersToCreate == 1)
        #expect(plan.summary.grants == 2)
        #expect(await site.apply(plan).completed[.usersCreated] == 1)
        #expect(await site.state.users.filter { $0.email == "ann@example.com" }.count == 1)
    }

    @Test("Kisi's 401 becomes an actionable error naming where the key came from")
    func rejectedKey() async throws {
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited), data: Self.unexplainedData,
            seed: Studio.seed(groups: "  - {name: Unlimited, place: Studio}"))
        defer { Task { await site.stop() } }
        let reader = KisiReader(
            credentials: KisiCredentials(baseURL: site.credentials.baseURL, apiKey: "wrong", keySource: "$KISI_API_KEY"), exchange: site.exchange)
        await #expect(throws: KisiError.unauthorized(keySource: "$KISI_API_KEY")) { try await reader.organization() }
        #expect(KisiError.unauthorized(keySource: "$KISI_API_KEY").description.contains("Check that it holds a current key"))
    }
}
