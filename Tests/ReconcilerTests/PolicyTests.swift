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

    @Test("the revocation guard refuses more revocations than the limit, never fewer, and names the causes")
    func revocationGuard() {
        let revocations = (1...5).map { Self.revoke("p\($0)@example.com", cause: $0 <= 3 ? .record(.membership, .expired) : .noRuleExplains) }
        let plan = Plan(
            instant: Instant(secondsSinceEpoch: 0), timeZone: "UTC", createdAt: Instant(secondsSinceEpoch: 0),
            organization: PlanOrganization(id: 1, name: "Studio"),
            endpoint: "https://api.kisi.io", fingerprints: PlanFingerprints(config: "", data: "", live: [:]), groups: [],
            changes: revocations + [Self.grant("new@example.com")])
        let policy = AccessPolicy(maxRevocations: .count(4))
        let refusal = RevocationGuard.refusal(plan, policy: policy, members: 100)
        #expect(refusal?.revocations == 5)
        #expect(refusal?.allowed == 4)
        #expect(
            Dictionary(uniqueKeysWithValues: refusal?.causes.map { ($0.cause, $0.count) } ?? []) == [
                .record(.membership, .expired): 3, .noRuleExplains: 2,
            ])
        #expect(RevocationGuard.refusal(plan, policy: AccessPolicy(maxRevocations: .count(5)), members: 100) == nil)
        #expect(RevocationGuard.allowed(.percent(10), members: 10) == RevocationGuard.floor, "a share never blocks fewer than the floor")
        #expect(RevocationGuard.allowed(.percent(10), members: 100) == 10)
    }
}
