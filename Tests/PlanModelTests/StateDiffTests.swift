import AccessModel
import Testing

@testable import PlanModel

/// Names for holders in these tests: person n is `pN@example.com` (Kisi spells it `PN@Example.com`),
/// a Kisi user n `uN@example.com`; person 9 has no Kisi user yet.
struct TestNames: HolderNames {
    func email(of holder: Holder) -> String? {
        switch holder.kind {
        case .person, .personAsGuest: "p\(holder.id)@example.com"
        case .user: "u\(holder.id)@example.com"
        case .guest: "guest\(holder.id)@example.com"
        case .team, .other: nil
        }
    }

    func kisiEmail(of holder: Holder) -> String? { holder.kind == .person ? "P\(holder.id)@Example.com" : email(of: holder) }
    func name(of holder: Holder) -> String? { holder.kind == .team ? "Team \(holder.id)" : "Name \(holder.id)" }
    func guestID(of holder: Holder) -> Int? { holder.kind == .personAsGuest ? 7000 + holder.id : nil }
    func userID(of holder: Holder) -> Int? { holder.kind == .person ? (holder.id == 9 ? nil : 1000 + holder.id) : holder.id }
}

@Suite("The diff of two access states")
struct StateDiffTests {
    static func window(_ from: Int64?, _ until: Int64?) -> StateWindow {
        StateWindow(from: from ?? StateWindow.open, until: until ?? StateWindow.open)
    }

    static func group(_ bindings: [RoleBinding], name: String = "Members", description: String? = nil, doors: [DoorLink]? = nil, kisiID: Int? = 7)
        -> GroupState
    {
        GroupState(
            address: "members", name: name, description: description, place: "Studio", placeID: 1, kisiID: kisiID, doors: doors, bindings: bindings)
    }

    static func changes(_ live: GroupState?, _ desired: GroupState) -> [String] {
        AccessState.changes(
            from: AccessState(groups: live.map { [$0] } ?? []), to: AccessState(groups: [desired]), names: TestNames(),
            zone: SiteTimeZone(identifier: "Europe/London")!
        ).changes.map { "\($0.action.rawValue) \($0.address)" }
    }

    @Test("equal states have no changes, and every role stays")
    func equal() {
        let state = Self.group([RoleBinding(holder: .person(1), window: Self.window(nil, 100), kisiID: 11)])
        let diff = AccessState.changes(
            from: AccessState(groups: [state]), to: AccessState(groups: [state]), names: TestNames(), zone: SiteTimeZone(identifier: "Europe/London")!
        )
        #expect(diff.changes.isEmpty)
        #expect(
            diff.unchanged["members"] == [
                MemberState(
                    holder: .user(email: "P1@Example.com"), role: "group_basic", window: PlanWindow(from: nil, until: Instant(secondsSinceEpoch: 100))
                )
            ])
    }

    @Test("roles are created, updated and deleted by holder; a person without a Kisi user is created first")
    func roles() {
        let live = Self.group([
            RoleBinding(holder: .person(1), window: Self.window(nil, 100), kisiID: 11),
            RoleBinding(holder: .person(2), window: Self.window(nil, nil), kisiID: 12),
            RoleBinding(holder: .user(77), window: Self.window(nil, nil), kisiID: 13),
        ])
        let desired = Self.group([
            RoleBinding(holder: .person(1), window: Self.window(nil, 200)), RoleBinding(holder: .person(3), window: Self.window(50, 60)),
            RoleBinding(holder: .person(9), window: Self.window(nil, nil)),
        ])
        #expect(
            Self.changes(live, desired) == [
                "create kisi_user.members[\"p9@example.com\"]",
                "create kisi_role_assignment.members[\"p3@example.com\"]", "create kisi_role_assignment.members[\"p9@example.com\"]",
                "update kisi_role_assignment.members[\"p1@example.com\"]",
                "delete kisi_role_assignment.members[\"p2@example.com\"]", "delete kisi_role_assignment.members[\"u77@example.com\"]",
            ])
        let diff = AccessState.changes(
            from: AccessState(groups: [live]), to: AccessState(groups: [desired]), names: TestNames(),
            zone: SiteTimeZone(identifier: "Europe/London")!)
        let update = diff.changes.first { $0.action == .update }!
        #expect(update.before?.role?.window.until == Instant(secondsSinceEpoch: 100))
        #expect(update.after?.role?.window.until == Instant(secondsSinceEpoch: 200))
        #expect(update.after?.role?.kisiID == 11, "the update keeps the Kisi role")
        #expect(update.before?.role?.email == "P1@Example.com", "what Kisi holds is shown as Kisi spells it")
        let create = diff.changes.first { $0.address.index == "p3@example.com" && $0.address.kind == .role }!
        #expect(create.after?.role?.email == "p3@example.com")
        #expect(create.after?.role?.holder.kisiID == 1003)
    }

    @Test("a holder Kisi lists twice keeps one role, the other goes")
    func duplicates() {
        let live = Self.group([
            RoleBinding(holder: .person(1), window: Self.window(nil, nil), kisiID: 11),
            RoleBinding(holder: .person(1), window: Self.window(nil, nil), kisiID: 12),
        ])
        let desired = Self.group([RoleBinding(holder: .person(1), window: Self.window(nil, nil))])
        let diff = AccessState.changes(
            from: AccessState(groups: [live]), to: AccessState(groups: [desired]), names: TestNames(),
            zone: SiteTimeZone(identifier: "Europe/London")!)
        #expect(diff.changes.map(\.action) == [.delete])
        #expect(diff.changes.first?.before?.role?.kisiID == 12)
    }

    @Test("a group Kisi lacks is created with its doors and roles; groups only Kisi has are not the diff's")
    func newGroup() {
        let desired = Self.group(
            [RoleBinding(holder: .person(1), window: Self.window(nil, nil))], description: "d", doors: [DoorLink(name: "Front", lockID: 3)],
            kisiID: nil)
        #expect(
            Self.changes(nil, desired) == [
                "create kisi_group.members", "create kisi_group_lock.members[\"Front\"]", "create kisi_role_assignment.members[\"p1@example.com\"]",
            ])
        let other = GroupState(address: "other", name: "Other", bindings: [RoleBinding(holder: .person(1), window: Self.window(nil, nil), kisiID: 5)])
        let diff = AccessState.changes(
            from: AccessState(groups: [other]), to: AccessState(groups: []), names: TestNames(), zone: SiteTimeZone(identifier: "Europe/London")!)
        #expect(diff.changes.isEmpty)
    }

    @Test("a renamed group is one update with the name before and after; a description is compared only when the config gives one")
    func rename() {
        let live = Self.group([], name: "Unlimited 6am-11pm", description: "kept")
        let renamed = Self.group([], name: "Unlimited 6am-10pm")
        let diff = AccessState.changes(
            from: AccessState(groups: [live]), to: AccessState(groups: [renamed]), names: TestNames(),
            zone: SiteTimeZone(identifier: "Europe/London")!)
        #expect(diff.changes.count == 1)
        #expect(diff.changes[0].before?.group?.name == "Unlimited 6am-11pm")
        #expect(diff.changes[0].after?.group?.name == "Unlimited 6am-10pm")
        #expect(diff.changes[0].after?.group?.description == "kept", "a description the config leaves alone stays")
        #expect(Self.changes(live, Self.group([], name: "Unlimited 6am-11pm", description: "new")) == ["update kisi_group.members"])
        #expect(Self.changes(live, Self.group([], name: "Unlimited 6am-11pm")).isEmpty)
    }

    @Test("doors are linked and unlinked when the config lists them, left alone when it does not")
    func doors() {
        let live = Self.group([], doors: [DoorLink(name: "Front", lockID: 3, linkID: 30), DoorLink(name: "Back", lockID: 4, linkID: 40)])
        #expect(
            Self.changes(live, Self.group([], doors: [DoorLink(name: "Front", lockID: 3), DoorLink(name: "Studio", lockID: 5)])) == [
                "create kisi_group_lock.members[\"Studio\"]", "delete kisi_group_lock.members[\"Back\"]",
            ])
        #expect(Self.changes(live, Self.group([], doors: nil)).isEmpty)
    }

    @Test("teams and guests are holders like any other: the diff deletes what desired lacks (policies keep them)")
    func otherHolders() {
        let live = Self.group([RoleBinding(holder: .team(5), window: Self.window(nil, nil), kisiID: 9)])
        let diff = AccessState.changes(
            from: AccessState(groups: [live]), to: AccessState(groups: [Self.group([])]), names: TestNames(),
            zone: SiteTimeZone(identifier: "Europe/London")!)
        #expect(diff.changes.map { "\($0.action.rawValue) \($0.address)" } == ["delete kisi_role_assignment.members[\"team:5\"]"])
        #expect(diff.changes[0].before?.role?.holder == HolderValues(kind: .team, email: nil, name: "Team 5", kisiID: 5))
    }
}

@Suite("Resource addresses and targets")
struct AddressTests {
    @Test("addresses read as written on the command line and print as plans print them")
    func parsing() {
        #expect(ResourceAddress(parsing: "unlimited") == .group("unlimited"))
        #expect(ResourceAddress(parsing: "kisi_group.unlimited") == .group("unlimited"))
        #expect(ResourceAddress(parsing: "unlimited[\"Ann@Example.com\"]") == ResourceAddress(.role, group: "unlimited", index: "ann@example.com"))
        #expect(ResourceAddress(parsing: "kisi_group_lock.unlimited[\"Front Door\"]")?.description == "kisi_group_lock.unlimited[\"Front Door\"]")
        for bad in ["", "kisi_group.", "a b", "x[ann]", "kisi_group.x[\"a\"]", "kisi_role_assignment.x"] {
            #expect(ResourceAddress(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("a group target covers its group, doors, users and roles; a role target that person's role and user only")
    func coverage() {
        let group = Targets([.group("a")])
        #expect(group.covers(ResourceAddress(.door, group: "a", index: "Front")))
        #expect(!group.covers(.group("b")))
        let person = Targets([ResourceAddress(.role, group: "a", index: "ann@example.com")])
        #expect(person.covers(ResourceAddress(.user, group: "a", index: "ann@example.com")))
        #expect(!person.covers(ResourceAddress(.role, group: "a", index: "ben@example.com")))
        #expect(!person.covers(.group("a")))
        #expect(person.covers(group: "a") && !person.coversWholeGroup("a"))
        #expect(Targets().covers(.group("anything")))
    }
}
