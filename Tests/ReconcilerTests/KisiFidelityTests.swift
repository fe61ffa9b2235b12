import AccessModel
import Foundation
import JSONSupport
import KisiAPI
import KisiSandbox
import PlanModel
import Reconciler
import Rendering
import Testing

/// Plan and apply where Kisi's behaviour is easy to get wrong: plus addresses, teams and guests
/// in managed groups, short and shifting pages, a Kisi that ignores window changes by PATCH,
/// e-mails nobody asked for, answers that must be read back, and other writers.
@Suite("Plan and apply against Kisi's real behaviour", .serialized)
struct KisiFidelityTests {
    let london = SiteTimeZone(identifier: "Europe/London")!

    static let unlimited = """
          unlimited:
            name: Unlimited
            place: Studio
            grant:
              - memberships: [Unlimited]
        """

    static func memberships(_ rows: [String]) -> String {
        "id,customer_id,type,status,starts_on,ends_on\n" + rows.joined(separator: "\n") + "\n"
    }

    @Test("a member with a plus address who already has a Kisi user is found, granted, not created again", arguments: [1, 3])
    func plusAddress(people: Int) async throws {
        // One person is looked up alone (GET /users?email=); several by listing users.
        var customers = "id,name,email\nc-0,Owner,owner@example.com\n", rows: [String] = [], users = ""
        for n in 1...people {
            customers += "c-\(n),Pia \(n),pia+gym\(n)@example.org\n"
            rows.append("m-\(n),c-\(n),Unlimited,active,2026-01-01,2027-01-31")
            users += "  - {email: pia+gym\(n)@example.org, name: Pia \(n)}\n"
        }
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited), data: ["customers.csv": customers, "memberships.csv": Self.memberships(rows)],
            seed: Studio.seed(
                groups: "  - {name: Unlimited, place: Studio}",
                extra: "users:\n" + users + "  - {email: pia gym1@example.org, name: Someone Else}\n"))
        defer { Task { await site.stop() } }
        let usersBefore = await site.state.users.count
        let plan = try await site.plan().plan
        #expect(plan.changes("unlimited", .createUserAndGrant).isEmpty, "nobody is created: \(plan.summary.line)")
        #expect(plan.changes("unlimited", .grant).map(\.email).sorted() == (1...people).map { "pia+gym\($0)@example.org" })
        #expect(await site.apply(plan).succeeded)
        let state = await site.state
        #expect(state.users.count == usersBefore)
        #expect(state.outbox.isEmpty)
        #expect(await site.members(of: "Unlimited").keys.sorted() == (1...people).map { "pia+gym\($0)@example.org" })
        #expect(!(try await site.plan().plan.hasChanges))
    }

    static let teamSeed = Studio.seed(
        groups: """
              - name: Unlimited
                place: Studio
                members: [ann@example.com, ben@example.com]
                teams: [Cleaners]
                guests: [Pat Visitor]
            """,
        extra: """
            teams: [{name: Cleaners, members: [cat@example.com]}]
            guests: [{name: Pat Visitor, email: pat@visitor.example}]
            """)

    @Test("team and guest roles in a managed group are left alone, listed by kind and name, while members are reconciled")
    func teamsAndGuests() async throws {
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited),
            data: [
                "customers.csv": Studio.customers,
                "memberships.csv": Self.memberships([
                    "m-1,c-1,Unlimited,active,2026-01-01,", "m-2,c-2,Unlimited,expired,2026-01-01,2026-11-01", "m-4,c-4,Unlimited,active,2026-01-01,",
                ]),
            ],
            seed: Self.teamSeed)
        defer { Task { await site.stop() } }
        let outcome = try await site.plan()
        #expect(outcome.problems.isEmpty)
        let plan = outcome.plan
        #expect(plan.changes("unlimited", .revoke).map(\.email) == ["ben@example.com"])
        #expect(plan.changes("unlimited", .createUserAndGrant).map(\.email) == ["dan@example.com"])
        #expect(plan.changes("unlimited", .revoke).allSatisfy { !$0.email.isEmpty }, "no revocation of a role with no user")
        let kept = plan.group("unlimited")?.kept ?? []
        #expect(kept.contains(KeptMember(email: "", name: "Cleaners", why: .team)))
        #expect(kept.contains(KeptMember(email: "pat@visitor.example", name: "Pat Visitor", why: .guest)))
        let text = PlanText.render(plan, style: PlanStyle(zone: london))
        #expect(text.contains("team \"Cleaners\" (a team's role)"))
        #expect(text.contains("guest \"Pat Visitor\" (a guest's role)"))
        let json = PlanJSON.render(plan, style: PlanStyle(zone: london)).rendered()
        #expect(json.contains("\"assignee_type\": \"Team\""))

        let before = await site.state.roleAssignments.filter { $0.assignee.kind != .user }
        #expect(before.count == 2)
        #expect(await site.apply(plan).succeeded)
        #expect(await site.state.roleAssignments.filter { $0.assignee.kind != .user } == before)
        #expect(await site.members(of: "Unlimited").keys.sorted() == ["ann@example.com", "dan@example.com"])
        #expect(!(try await site.plan().plan.hasChanges))
    }

    @Test("a team whose id equals a member's user id is not taken for that member")
    func teamIDCollision() async throws {
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited),
            data: ["customers.csv": Studio.customers, "memberships.csv": Self.memberships(["m-1,c-1,Unlimited,active,2026-01-01,"])],
            seed: Self.teamSeed)
        defer { Task { await site.stop() } }
        // Give the team the id of Ben's user (who holds a role Ben has no membership for).
        try await site.store.write { state, _ in
            let ben = state.users.first { $0.email == "ben@example.com" }!.id
            let old = state.teams[0].id
            state.teams[0].id = ben
            for index in state.teamMemberships.indices where state.teamMemberships[index].teamID == old { state.teamMemberships[index].teamID = ben }
            for index in state.roleAssignments.indices where state.roleAssignments[index].assignee == Assignee(kind: .team, id: old) {
                state.roleAssignments[index].assignee = Assignee(kind: .team, id: ben)
            }
        }
        let plan = try await site.plan().plan
        let revoked = plan.changes("unlimited", .revoke)
        #expect(revoked.map(\.email) == ["ben@example.com"])
        let benRole = await site.state.roleAssignments.first { $0.assignee.kind == .user && $0.userID == revoked.first?.userID }
        #expect(revoked.first?.roleAssignmentID == benRole?.id, "the revocation is Ben's role, not the team's")
        #expect(await site.apply(plan).succeeded)
        #expect(await site.state.roleAssignments.contains { $0.assignee.kind == .team })
    }

    @Test("short and shifting pages: the plan is the one a clean read makes, apply converges, nothing duplicated", arguments: [3, 4, 5] as [UInt64])
    func shiftingPages(seed: UInt64) async throws {
        let faults = try FaultPlan(spec: "seed=\(seed),short-pages=30%,shift-pages=30%")
        func site(_ faults: FaultPlan?) async throws -> SiteHarness {
            let clean = try await FaultTests.busySite(faults: faults, transport: .inProcess)
            return clean
        }
        let reference = try await site(nil)
        let expected = try await reference.plan().plan
        await reference.stop()
        let faulty = try await site(faults)
        defer { Task { await faulty.stop() } }
        // Small pages, so that lists span several of them.
        let plan = try await faulty.plan().plan
        #expect(Self.changes(plan) == Self.changes(expected))
        let stats = await faulty.api.stats.json
        #expect((stats["page_faults"]?.objectMembers?.count ?? 0) > 0, "the faults served short or shifted pages")
        #expect(await faulty.apply(plan).succeeded)
        #expect(!(try await faulty.plan().plan.hasChanges))
        let state = await faulty.state
        #expect(Set(state.users.map { $0.email.lowercased() }).count == state.users.count)
        #expect(Set(state.roleAssignments.map { "\($0.groupID)|\($0.assignee)" }).count == state.roleAssignments.count)
    }

    static func changes(_ plan: Plan) -> [String] {
        plan.changes.filter { $0.address.kind == .role }.map { "\($0.address) \($0.action.rawValue)" }.sorted()
    }

    static let windowSite = (
        config: Studio.config(groups: Self.unlimited),
        data: [
            "customers.csv": Studio.customers,
            "memberships.csv": Self.memberships([
                "m-1,c-1,Unlimited,active,2026-01-01,2026-12-31", "m-2,c-2,Unlimited,active,2026-01-01,2027-01-31",
                "m-3,c-3,Unlimited,active,2026-01-01,2027-02-28",
            ]),
        ],
        seed: Studio.seed(groups: "  - {name: Unlimited, place: Studio, members: [ann@example.com, ben@example.com, cat@example.com]}")
    )

    @Test("window changes by PATCH are read back once per apply; a Kisi that keeps the old window gets revoke and grant, and converges")
    func windowChanges() async throws {
        for ignoring in [false, true] {
            let seed = Self.windowSite.seed + (ignoring ? "\nemulate: {patch_ignores_validity: true}\n" : "")
            let site = try await SiteHarness(config: Self.windowSite.config, data: Self.windowSite.data, seed: seed)
            defer { Task { await site.stop() } }
            let plan = try await site.plan().plan
            #expect(plan.changes("unlimited", .change).count == 3)
            let folder = NSTemporaryDirectory() + "kisictl-audit-" + UUID().uuidString
            let audit = try AuditLog(path: folder + "/audit.jsonl", context: AuditLog.Context(planID: "test", maskSalt: "salt") { _ in [] })
            let report = await site.apply(plan, audit: audit)
            #expect(report.succeeded, "\(report.failures.map { "\($0.error)" })")
            #expect(report.windowChanges == (ignoring ? .reissue : .patch))
            #expect(report.completed[.windowChanges] == 3)
            #expect(await site.requests("GET /role_assignments/{id}") == 1, "one read-back per apply, not per change")
            #expect(await site.requests("PATCH /role_assignments/{id}") == 1 + (ignoring ? 0 : 2))
            #expect(await site.requests("DELETE /role_assignments/{id}") == (ignoring ? 3 : 0))
            #expect(await site.members(of: "Unlimited")["ann@example.com"]?.until == "2027-01-01T00:00:00.000Z")
            #expect(!(try await site.plan().plan.hasChanges), "converged (ignoring PATCH: \(ignoring))")
            #expect(await site.state.outbox.isEmpty, "window changes notify nobody under notify: false")
            let log = try String(contentsOfFile: folder + "/audit.jsonl", encoding: .utf8)
            #expect(log.contains("revoking role") == ignoring, "the audit log says how windows were changed")

            // The next plan says how it will change windows when an apply saw Kisi ignore PATCH.
            if ignoring {
                _ = try await site.store.write { state, _ in
                    let index = state.roleAssignments.firstIndex { $0.roleID == "group_basic" && $0.userID != nil }!
                    state.roleAssignments[index].validUntil = "2030-01-01T00:00:00.000Z"
                }
                let next = try await site.plan(windowChanges: .reissue).plan
                let text = PlanText.render(next, style: PlanStyle(zone: london))
                #expect(text.contains("(by revoking and granting again)"))
                #expect(text.contains("each window change revokes the role and grants it again"))
            }
        }
    }

    @Test("no Kisi e-mail unless policy.notify: new users are created quiet; with notify, they are told")
    func noSurpriseEmail() async throws {
        for notify in [false, true] {
            let site = try await SiteHarness(
                config: Studio.config(groups: Self.unlimited),
                data: ["customers.csv": Studio.customers, "memberships.csv": Self.memberships(["m-1,c-1,Unlimited,active,2026-01-01,"])],
                seed: Studio.seed(groups: "  - {name: Unlimited, place: Studio}"))
            defer { Task { await site.stop() } }
            let plan = try await site.plan().plan
            #expect(plan.changes("unlimited", .createUserAndGrant).count == 1)
            #expect(await site.apply(plan, notify: notify).succeeded)
            let mail = await site.state.outbox.map { "\($0.kind.rawValue) \($0.to)" }
            #expect(mail == (notify ? ["account_invitation ann@example.com", "access_granted ann@example.com"] : []))
            let ann = await site.state.users.first { $0.email == "ann@example.com" }
            #expect(ann?.confirmed == true)
        }
    }

    @Test("a refused create, a 404 on delete and a lost answer are settled by reading Kisi back")
    func readBacks() async throws {
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited),
            data: [
                "customers.csv": Studio.customers,
                "memberships.csv": Self.memberships(["m-1,c-1,Unlimited,active,2026-01-01,", "m-3,c-3,Unlimited,active,2026-01-01,"]),
            ],
            seed: Studio.seed(groups: "  - {name: Unlimited, place: Studio, members: [ben@example.com]}", extra: "users: [{email: cat@example.com}]"))
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        // Behind the plan's back: Cat gets her role, Ben's is removed.
        try await site.store.write { state, now in
            let group = state.groups[0].id
            let cat = state.users.first { $0.email == "cat@example.com" }!.id
            state.roleAssignments.append(
                RoleAssignmentRecord(
                    id: state.nextID("role_assignment"), roleID: "group_basic", groupID: group, assignee: .user(cat), notify: false, validFrom: nil,
                    validUntil: nil, createdBy: nil, createdAt: now, updatedAt: now))
            let ben = state.users.first { $0.email == "ben@example.com" }!.id
            state.roleAssignments.removeAll { $0.userID == ben }
        }
        let folder = NSTemporaryDirectory() + "kisictl-audit-" + UUID().uuidString
        let report = await site.apply(
            plan, audit: try AuditLog(path: folder + "/audit.jsonl", context: AuditLog.Context(planID: "test", maskSalt: "salt") { _ in [] }))
        #expect(report.succeeded, "\(report.failures.map { "\($0.error)" })")
        #expect(await site.requests("GET /role_assignments/{id}") == 1, "the 404 was read back")
        let log = try String(contentsOfFile: folder + "/audit.jsonl", encoding: .utf8)
        #expect(log.contains("already revoked (read back)"))
        #expect(log.contains("found in Kisi after Kisi refused the create"))
        #expect(await site.state.roleAssignments.filter { $0.userID != nil && $0.roleID == "group_basic" }.count == 2)
        #expect(!(try await site.plan().plan.hasChanges))
    }

    @Test("a 403 names the right the key's user lacks")
    func forbidden() async throws {
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited),
            data: ["customers.csv": Studio.customers, "memberships.csv": Self.memberships(["m-1,c-1,Unlimited,active,2026-01-01,"])],
            seed: Studio.seed(groups: "  - {name: Unlimited, place: Studio, members: [ann@example.com, ben@example.com]}")
                .replacingOccurrences(
                    of: "api_keys: [{key: test-key, user: owner@example.com}]",
                    with: "api_keys: [{key: test-key, user: owner@example.com}, {key: watcher, user: watcher@example.com, role: observer}]"))
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        let report = await site.apply(plan, key: "watcher")
        #expect(
            report.failures.map { "\($0.error)" } == [
                "Kisi refused DELETE /role_assignments/\(plan.changes("unlimited", .revoke)[0].roleAssignmentID!) (403): the key's user lacks the right to remove access from the group. Use a key of an organization administrator or owner."
            ])
    }

    @Test("one Kisi role is acted on once, even if a plan holds it twice")
    func onceperRole() async throws {
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited),
            data: ["customers.csv": Studio.customers, "memberships.csv": Self.memberships(["m-0,c-3,Unlimited,cancelled,2026-01-01,"])],
            seed: Studio.seed(groups: "  - {name: Unlimited, place: Studio, members: [ann@example.com]}"))
        defer { Task { await site.stop() } }
        var plan = try await site.plan().plan
        let revocation = try #require(plan.changes.first { $0.address.kind == .role })
        plan.changes.append(revocation)
        let report = await site.apply(plan)
        #expect(await site.requests("DELETE /role_assignments/{id}") == 1)
        #expect(
            report.failures.map { "\($0.error)" }
                == ["the plan holds Kisi role \(revocation.before!.role!.kisiID!) twice; it was acted on once"])
    }

    @Test("other writers of managed groups are named once each in the plan; SCIM is reported")
    func otherWriters() async throws {
        let recent = "2026-11-20T10:00:00Z"
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited),
            data: [
                "customers.csv": Studio.customers,
                "memberships.csv": Self.memberships([
                    "m-1,c-1,Unlimited,active,2026-01-01,", "m-2,c-2,Unlimited,active,2026-01-01,", "m-3,c-3,Unlimited,active,2026-01-01,",
                ]),
            ],
            seed: Studio.seed(
                groups: """
                      - name: Unlimited
                        place: Studio
                        members:
                          - {email: ann@example.com, created_by: sync@platform.example, created_at: \(recent)}
                          - {email: ben@example.com, created_by: sync@platform.example, created_at: \(recent)}
                          - {email: cat@example.com, created_by: "marketplace:77", created_at: \(recent)}
                          - {email: dan@example.com, created_by: sync@platform.example, created_at: 2026-01-01T00:00:00Z}
                    """
            ).replacingOccurrences(of: "time_zone: Europe/London}", with: "time_zone: Europe/London, scim_enabled: true}"))
        defer { Task { await site.stop() } }
        let plan = try await site.plan(now: Date(timeIntervalSince1970: TimeInterval(SiteHarness.instant.secondsSinceEpoch))).plan
        let writers = plan.notices.compactMap { notice -> PlanModel.OtherWriter? in if case .otherWriter(let writer) = notice { writer } else { nil }
        }
        #expect(writers.map(\.kind) == [.marketplaceInstallation, .user])
        #expect(writers.first { $0.kind == .user }?.email == "sync@platform.example")
        #expect(writers.first { $0.kind == .user }?.roles == 2, "Dan's role is too old to say the writer is still writing")
        #expect(plan.notices.contains(.scimEnabled))
        let masked = PlanText.render(plan, style: PlanStyle(zone: london, maskEmails: true))
        #expect(masked.contains("Kisi user") && masked.contains("(s***@platform.example) created 2 members' roles in unlimited"))
        #expect(masked.contains("the marketplace installation 77 created 1 member's role"))
        #expect(masked.contains("SCIM is enabled"))
        #expect(!masked.contains("sync@platform.example"))
    }

    @Test("a group with more roles than Kisi pages (offset capped at 20000) stops with a clear error, never a partial plan")
    func offsetCap() async throws {
        let site = try await SiteHarness(
            config: Studio.config(groups: Self.unlimited),
            data: ["customers.csv": Studio.customers, "memberships.csv": Self.memberships(["m-0,c-3,Unlimited,cancelled,2026-01-01,"])],
            seed: Studio.seed(groups: "  - {name: Unlimited, place: Studio}"))
        defer { Task { await site.stop() } }
        try await site.store.write { state, now in
            let group = state.groups[0].id
            for n in 0..<20_300 {
                let user = UserRecord(
                    id: state.nextID("user"), name: "M \(n)", email: "m\(n)@example.com", notes: nil, accessEnabled: true, passwordFlowEnabled: false,
                    confirmed: true, sendEmails: false, createdAt: now, updatedAt: now)
                state.users.append(user)
                state.roleAssignments.append(
                    RoleAssignmentRecord(
                        id: state.nextID("role_assignment"), roleID: "group_basic", groupID: group, assignee: .user(user.id), notify: false,
                        validFrom: nil, validUntil: nil, createdBy: nil, createdAt: now, updatedAt: now))
            }
        }
        await #expect(throws: KisiError.listTooLong("GET /role_assignments", total: 20_300)) { try await site.plan() }
        #expect(KisiError.listTooLong("GET /role_assignments", total: 20_300).description.contains("will not plan from part of it"))
    }
}
