import AccessModel
import AccessRules
import Testing

@Suite("Evaluation of a whole site")
struct EvaluationTests {
    var site: Fixture {
        var site = Fixture()
        for n in 1...30 { site.customer("c-\(n)", "person\(n)@example.com") }
        for n in 1...30 where n % 3 != 0 {
            site.membership("m-\(n)", customer: "c-\(n)", status: n % 5 == 0 ? .paused : .active, starts: "2026-01-01")
        }
        for n in stride(from: 2, through: 30, by: 4) {
            site.registration("r-\(n)", customer: "c-\(n)", session: "Yoga Flow", from: "2026-11-23T10:00", to: "2026-11-23T11:00")
        }
        site.group("gym", .memberships("Unlimited"))
        site.group("classes", .registrations(before: .minutes(30)))
        site.group("staff", managed: false)
        return site
    }

    @Test("evaluate(at:) agrees with the per-person decisions explain uses")
    func bulkMatchesDecisions() {
        let evaluator = site.evaluator
        let instant = site.at("2026-11-23T09:45")
        let access = evaluator.evaluate(at: instant)
        #expect(access.groups.map(\.address) == ["classes", "gym"])
        for group in access.groups {
            for person in evaluator.directory.people {
                let decision = evaluator.decision(for: person.id, in: group.address, at: instant)!
                let grant = group.grants.first { $0.person == person.id }
                #expect(grant?.window == decision.window)
            }
        }
        #expect(access.grants(in: "gym").count == 16)
        #expect(access.grants(in: "classes").count == 8)
    }

    @Test("grants come in person order and evaluation (in parallel across groups) is deterministic")
    func deterministic() {
        let evaluator = site.evaluator
        let instant = site.at("2026-11-23T09:45")
        let first = evaluator.evaluate(at: instant)
        let people = first.grants(in: "gym").map(\.person)
        #expect(people == people.sorted())
        for _ in 0..<20 { #expect(first.groups == evaluator.evaluate(at: instant).groups) }
    }

    @Test("unmanaged groups are never evaluated")
    func unmanagedIgnored() {
        let evaluator = site.evaluator
        #expect(evaluator.decision(for: evaluator.directory.people[0].id, in: "staff", at: site.at("2026-11-23T09:00")) == nil)
        #expect(!evaluator.evaluate(at: site.at("2026-11-23T09:00")).groups.contains { $0.address == "staff" })
    }

    @Test("a rule naming a membership type no record has is a warning with a suggestion")
    func typoInMembershipType() {
        var site = Fixture()
        site.customer("c-1", "a@example.com")
        site.membership("m-1", customer: "c-1", starts: "2026-01-01")
        site.group("gym", .memberships("Unlimted"))
        #expect(
            site.evaluator.diagnostics.map(\.description)
                == [
                    "warning: groups.gym.grant[0].memberships: membership type \"Unlimted\" matches no membership in the data (did you mean \"Unlimited\"?)"
                ])
    }

    @Test("a rule needing an entity the source did not provide is an error, never 'nobody qualifies'")
    func missingEntity() {
        var site = Fixture()
        site.customer("c-1", "a@example.com")
        site.data.providedEntities = [.customers, .memberships]
        site.group("classes", .registrations())
        let errors = site.evaluator.diagnostics.errors
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("the member data has no registrations") == true)
    }

    @Test("a rule over an entity the source exported empty is an error: an empty export is not nobody qualifying")
    func emptyEntity() {
        var site = Fixture()
        site.customer("c-1", "a@example.com")
        site.group("classes", .registrations())
        #expect(
            site.evaluator.diagnostics.map(\.description)
                == [
                    "error: groups.classes.grant[0]: the member data holds no registrations, so this rule would grant nobody; refusing to treat an empty export as nobody qualifying"
                ])
    }
}
