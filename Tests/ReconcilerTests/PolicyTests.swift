import AccessModel
import PlanModel
import Testing

@testable import KisiAPI
@testable import Reconciler

/// Each policy over a hand-made draft: no Kisi, no HTTP, no member data.
@Suite("Plan policies, one by one")
struct PolicyTests {
    static func user(_ email: String, role: String = Role.basicID) -> RoleValues {
        RoleValues(
            holder: HolderValues(kind: .user, email: email, name: nil, kisiID: 1), role: role, window: PlanWindow(from: nil, until: nil), kisiID: 10)
    }

    static func revoke(_ email: String, in group: String = "members", cause: Cause = .noRuleExplains, role: String = Role.basicID) -> ResourceChange {
        ResourceChange(.init(.role, group: group, index: email), .delete, before: .role(user(email, role: role)), cause: cause)
    }

    static func holder(_ kind: HolderValues.Kind, id: Int, name: String) -> ResourceChange {
        let role = RoleValues(
            holder: HolderValues(kind: kind, email: nil, name: name, kisiID: id), role: Role.basicID, window: PlanWindow(from: nil, until: nil),
            kisiID: 20 + id)
        return ResourceChange(.init(.role, group: "members", index: "\(kind.rawValue):\(id)"), .delete, before: .role(role), cause: .noRuleExplains)
    }

    static func grant(_ email: String, in group: String = "members") -> ResourceChange {
        ResourceChange(.init(.role, group: group, index: email), .create, after: .role(user(email)), reasons: [])
    }

    static func draft(_ changes: [ResourceChange], groups: [String] = ["members"]) -> PlanDraft {
        PlanDraft(
            changes: changes,
            groups: Dictionary(
                uniqueKeysWithValues: groups.map {
                    ($0, PlannedGroup(address: $0, name: $0.capitalized, description: nil, place: nil, placeID: nil, kisiID: 1))
                }),
            problems: [])
    }

    static func addresses(_ draft: PlanDraft) -> [String] { draft.changes.map { "\($0.action.rawValue) \($0.address)" } }

    @Test("exempt people are never revoked, whatever the spelling; their grants still happen")
    func exempt() {
        var draft = Self.draft([Self.revoke("Boss@Example.com"), Self.revoke("ann@example.com"), Self.grant("boss@example.com", in: "members")])
        draft.changes[0].before = .role(Self.user("Boss@Example.com"))
        ExemptPeople(exempt: ["boss@example.com"]).apply(to: &draft)
        #expect(
            Self.addresses(draft) == [
                "delete kisi_role_assignment.members[\"ann@example.com\"]", "create kisi_role_assignment.members[\"boss@example.com\"]",
            ])
        #expect(draft.groups["members"]?.kept == [KeptMember(email: "Boss@Example.com", name: nil, why: .exempt)])
        #expect(draft.groups["members"]?.unchanged.count == 1, "the kept role is one of the group's roles after apply")
    }

    @Test("managers, teams, guests and unknown assignees are never touched; basic user roles are")
    func untouchable() {
        var draft = Self.draft([
            Self.revoke("manager@example.com", role: Role.managerID), Self.holder(.team, id: 1, name: "Night staff"),
            Self.holder(.guest, id: 2, name: "Visitor"), Self.holder(.other, id: 3, name: "Robot"), Self.revoke("ann@example.com"),
        ])
        UntouchableRoles().apply(to: &draft)
        #expect(Self.addresses(draft) == ["delete kisi_role_assignment.members[\"ann@example.com\"]"])
        #expect(draft.groups["members"]?.kept.map(\.why) == [.manager, .team, .guest, .otherAssignee])
        #expect(draft.groups["members"]?.kept.map(\.name) == [nil, "Night staff", "Visitor", "Robot"])
    }

    @Test("unexplained members: revoke plans them, keep keeps them, fail leaves them and names them in a problem; lapsed ones always go")
    func unexplained() {
        let changes = [Self.revoke("stray@example.com"), Self.revoke("lapsed@example.com", cause: .record(.membership, .expired))]
        var revoke = Self.draft(changes)
        UnexplainedMembers(policy: .revoke).apply(to: &revoke)
        #expect(revoke.changes.count == 2)

        var keep = Self.draft(changes)
        UnexplainedMembers(policy: .keep).apply(to: &keep)
        #expect(Self.addresses(keep) == ["delete kisi_role_assignment.members[\"lapsed@example.com\"]"])
        #expect(keep.groups["members"]?.kept == [KeptMember(email: "stray@example.com", name: nil, why: .unexplained)])
        #expect(keep.problems.isEmpty)

        var fail = Self.draft(changes)
        UnexplainedMembers(policy: .fail).apply(to: &fail)
        #expect(Self.addresses(fail) == ["delete kisi_role_assignment.members[\"lapsed@example.com\"]"])
        #expect(fail.groups["members"]?.kept == [])
        #expect(fail.problems == [.unexplainedMembers(group: "members", emails: ["stray@example.com"])])
    }

    @Test("destroy revokes only roles, each with the destroy reason; unexplained members stay unless the policy revokes them")
    func destroy() {
        let changes = [
            ResourceChange(.init(.door, group: "members", index: "Front Door"), .delete),
            Self.revoke("ann@example.com", cause: .record(.membership, .grants)), Self.revoke("stray@example.com"),
        ]
        var keep = Self.draft(changes)
        Destroy(policy: .keep).apply(to: &keep)
        #expect(Self.addresses(keep) == ["delete kisi_role_assignment.members[\"ann@example.com\"]"])
        #expect(keep.changes.allSatisfy { $0.reasons == [.destroy] && $0.cause == .destroy })
        #expect(keep.groups["members"]?.kept.map(\.email) == ["stray@example.com"])

        var revoke = Self.draft(changes)
        Destroy(policy: .revoke).apply(to: &revoke)
        #expect(revoke.changes.count == 2)
    }

    @Test("a group another integration feeds is dropped, with a problem when converging and silently when destroying")
    func integrationFed() {
        let fed = LiveGroup(
            group: KisiGroup(id: 1, name: "Fed", description: nil, placeID: nil), roles: [], doors: nil,
            integrations: [KisiIntegration(id: 5, name: "Mindbody", type: "mindbody")])
        let live = LiveState(
            organization: KisiOrganization(id: 1, name: "Studio", domain: nil), places: [], locks: [],
            keyUser: KisiUser(id: 1, name: nil, email: "key@example.com"),
            resolution: GroupResolver.Resolution(), groups: ["fed": fed], users: [:])
        let changes = [Self.grant("ann@example.com", in: "fed"), Self.grant("ann@example.com", in: "members")]
        var converge = Self.draft(changes, groups: ["fed", "members"])
        IntegrationFedGroups(live: live, mode: .converge).apply(to: &converge)
        #expect(Self.addresses(converge) == ["create kisi_role_assignment.members[\"ann@example.com\"]"])
        #expect(converge.groups.keys.sorted() == ["members"])
        #expect(converge.problems == [.integrationFed(group: "fed", name: "Fed", integration: "Mindbody", type: "mindbody")])

        var destroy = Self.draft(changes, groups: ["fed", "members"])
        IntegrationFedGroups(live: live, mode: .destroy).apply(to: &destroy)
        #expect(destroy.groups.keys.sorted() == ["members"])
        #expect(destroy.problems.isEmpty)
    }

    @Test("targets keep only the resources they name: a group, or one person's role in it")
    func targeting() throws {
        let changes = [Self.grant("ann@example.com"), Self.grant("ben@example.com"), Self.grant("ann@example.com", in: "classes")]
        var group = Self.draft(changes, groups: ["members", "classes"])
        Targeting(targets: Targets([.group("classes")])).apply(to: &group)
        #expect(Self.addresses(group) == ["create kisi_role_assignment.classes[\"ann@example.com\"]"])
        #expect(group.groups.keys.sorted() == ["classes"])

        var person = Self.draft(changes, groups: ["members", "classes"])
        Targeting(targets: Targets([try #require(ResourceAddress(parsing: "members[\"Ben@Example.com\"]"))])).apply(to: &person)
        #expect(Self.addresses(person) == ["create kisi_role_assignment.members[\"ben@example.com\"]"])

        var none = Self.draft(changes, groups: ["members", "classes"])
        Targeting(targets: Targets()).apply(to: &none)
        #expect(none.changes.count == 3)
    }

    static func window(_ email: String, from: (Int64?, Int64?), to: (Int64?, Int64?)) -> ResourceChange {
        func values(_ window: (Int64?, Int64?)) -> RoleValues {
            var role = user(email)
            role.window = PlanWindow(
                from: window.0.map { Instant(secondsSinceEpoch: $0) }, until: window.1.map { Instant(secondsSinceEpoch: $0) })
            return role
        }
        return ResourceChange(.init(.role, group: "members", index: email), .update, before: .role(values(from)), after: .role(values(to)))
    }

    static func plan(_ changes: [ResourceChange], at instant: Int64 = 0) -> Plan {
        Plan(
            instant: Instant(secondsSinceEpoch: instant), timeZone: "UTC", createdAt: Instant(secondsSinceEpoch: 0),
            organization: PlanOrganization(id: 1, name: "Studio"),
            endpoint: "https://api.kisi.io", fingerprints: PlanFingerprints(config: "", data: "", live: [:]), groups: [], changes: changes)
    }

    static func measures(members: Int, applied: Bool = true) -> Guards.Measures {
        Guards.Measures(members: members, customers: 100, skipped: [], sizes: DataSizes([:]), previousSizes: applied ? DataSizes([:]) : nil)
    }

    @Test("the revocation guard refuses more revocations than the limit, never fewer, and names the causes")
    func revocationGuard() throws {
        let revocations = (1...5).map { Self.revoke("p\($0)@example.com", cause: $0 <= 3 ? .record(.membership, .expired) : .noRuleExplains) }
        let plan = Self.plan(revocations + [Self.grant("new@example.com")])
        let trip = try #require(Guards.trips(plan, policy: AccessPolicy(maxRevocations: .count(4)), measures: Self.measures(members: 100)).first)
        #expect(trip.kind == .revocations)
        #expect(trip.count == 5)
        #expect(trip.allowed == 4)
        #expect(trip.causes == [CauseCount(.record(.membership, .expired), 3), CauseCount(.noRuleExplains, 2)])
        #expect(Guards.trips(plan, policy: AccessPolicy(maxRevocations: .count(5)), measures: Self.measures(members: 100)).isEmpty)
        #expect(AccessPolicy.Limit.percent(10).allowed(of: 10, floor: Guards.floor) == Guards.floor, "a share never blocks fewer than the floor")
        #expect(AccessPolicy.Limit.percent(10).allowed(of: 100, floor: Guards.floor) == 10)
    }

    @Test("windows that start later or end sooner count as revocations; widening windows and expired roles do not")
    func narrowingWindows() {
        let now: Int64 = 1_000
        let changes = [
            Self.window("later@example.com", from: (nil, nil), to: (now + 259_200, nil)),  // starts three days later
            Self.window("sooner@example.com", from: (nil, now + 86_400 * 30), to: (nil, now + 86_400)),  // ends sooner
            Self.window("wider@example.com", from: (now + 86_400, now + 86_400 * 2), to: (nil, now + 86_400 * 9)),  // widens
            Self.window("notyet@example.com", from: (now + 100, nil), to: (now + 50, nil)),  // starts sooner
        ]
        var expired = Self.revoke("gone@example.com")
        expired.before = .role(
            RoleValues(
                holder: Self.user("gone@example.com").holder, role: Role.basicID,
                window: PlanWindow(from: nil, until: Instant(secondsSinceEpoch: now - 1)), kisiID: 9))
        let plan = Self.plan(changes + [expired], at: now)
        #expect(plan.changes.filter { Guards.narrows($0, at: plan.instant) }.map { $0.address.index } == ["later@example.com", "sooner@example.com"])
        let trips = Guards.trips(plan, policy: AccessPolicy(maxRevocations: .count(1)), measures: Self.measures(members: 100))
        #expect(trips.map(\.count) == [2])
        let (widening, held) = Guards.split(plan)
        #expect(held.map { $0.address.index } == ["later@example.com", "sooner@example.com"])
        #expect(widening.changes.map { $0.address.index } == ["wider@example.com", "notyet@example.com", "gone@example.com"])
    }

    @Test("grants beyond policy.max_grants trip a data guard; before the first apply only a count limits them")
    func grantGuard() {
        let plan = Self.plan((1...10).map { Self.grant("g\($0)@example.com") })
        let trips = Guards.trips(plan, policy: AccessPolicy(maxGrants: .percent(50)), measures: Self.measures(members: 10))
        #expect(trips.map(\.kind) == [.grants])
        #expect(trips.first?.kind.distrustsData == true)
        #expect(Guards.trips(plan, policy: AccessPolicy(maxGrants: .percent(50)), measures: Self.measures(members: 10, applied: false)).isEmpty)
        #expect(
            Guards.trips(plan, policy: AccessPolicy(maxGrants: .count(5)), measures: Self.measures(members: 10, applied: false)).map(\.kind) == [
                .grants
            ])
    }

    @Test("skipped people are counted once per person, and a shrunken entity trips max_data_shrink")
    func dataGuards() {
        let location = { (line: Int) in SourceLocation(file: "memberships.csv", line: line) }
        let skipped = (1...8).flatMap { person in
            [
                SkippedRecord(at: location(person * 2), .unknownCustomer, customerID: "c\(person)"),
                SkippedRecord(at: location(person * 2 + 1), .unknownCustomer, customerID: "c\(person)"),
            ]
        }
        let measures = Guards.Measures(
            members: 100, customers: 200, skipped: skipped, sizes: DataSizes([.customers: 150, .memberships: 190]),
            previousSizes: DataSizes([.customers: 200, .memberships: 200]))
        let trips = Guards.trips(Self.plan([]), policy: AccessPolicy(), measures: measures)
        #expect(trips.map(\.kind) == [.skippedRecords, .dataShrink])
        #expect(trips.first?.count == 8)
        #expect(trips.last?.entity == .customers)
        #expect(trips.last?.count == 50)
    }
}
