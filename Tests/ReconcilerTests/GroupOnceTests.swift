import AccessModel
import Foundation
import KisiSandbox
import PlanModel
import Reconciler
import Testing

/// At most one Kisi group per config address, whatever the timing of Kisi's answers or of
/// other runs.
@Suite("One group per address", .serialized)
struct GroupOnceTests {
    private func groups(named name: String, in site: SiteHarness) async -> [Int] {
        await site.state.groups.filter { $0.name == name }.map(\.id)
    }

    @Test("a create answered late (after the client gave up) is found by re-reading, never sent twice")
    func lateCreate() async throws {
        let site = try await FaultTests.busySite(faults: try FaultPlan(spec: "late-group-creates=1s"))
        let plan = try await site.plan().plan
        #expect(plan.changes.contains { $0.address.kind == .group && $0.action == .create && $0.address.group == "evening" })
        let report = await site.apply(plan, groupDeadline: .seconds(20), groupPoll: .milliseconds(200))
        #expect(report.failures.isEmpty, "\(report.failures.map(\.error))")
        #expect(report.completed[.groupsCreated] == 1)
        #expect(await groups(named: "Evening", in: site).count == 1)
        #expect(await site.requests("POST /groups") == 0, "the one create was dropped and applied late, and never sent again")
        #expect(!(try await site.plan().plan.hasChanges))
    }

    @Test("a create still unseen at the deadline fails without a second create; the next plan finds the group")
    func createNeverSeen() async throws {
        // Late enough that even a loaded machine's re-reads end before the group appears.
        let site = try await FaultTests.busySite(faults: try FaultPlan(spec: "late-group-creates=6s"))
        let plan = try await site.plan().plan
        let report = await site.apply(plan, groupDeadline: .milliseconds(300), groupPoll: .milliseconds(100))
        let failure = try #require(report.failures.first { $0.address.kind == .group })
        #expect("\(failure.error)".contains("no group \"Evening\" appeared within 0.3 seconds"), "\(failure.error)")
        #expect("\(failure.error)".contains("not created again"))
        try await Task.sleep(for: .seconds(7))
        #expect(await groups(named: "Evening", in: site).count == 1)
        let next = try await site.plan().plan
        #expect(!next.changes.contains { $0.address.kind == .group && $0.action == .create }, "the late group is found, not created")
    }

    @Test("two applies of one organization at once (two checkouts) end with one group holding every grant")
    func concurrentApplies() async throws {
        let site = try await FaultTests.busySite(faults: try FaultPlan(spec: "seed=3,latency=100ms"))
        let first = try await site.plan().plan
        let second = try await site.plan().plan
        async let a = site.apply(first)
        async let b = site.apply(second)
        let reports = await [a, b]
        // Whether both created (the usual interleaving at this latency) or one found the other's
        // group first, every create beyond the first was undone.
        let creates = await site.requests("POST /groups"), deletes = await site.requests("DELETE /groups/{id}")
        #expect(creates - deletes == 1, "\(creates) creates, \(deletes) deletes")
        #expect(await groups(named: "Evening", in: site).count == 1)
        #expect(reports.allSatisfy { $0.completed[.groupsCreated] == 1 })
        let converged = try await site.plan().plan
        #expect(converged.problems.isEmpty)
        #expect(!converged.changes.contains { $0.address.group == "evening" }, "\(converged.changes.map(\.address))")
    }

    @Test("a duplicate Kisi already holds is merged by plan and apply: roles move to the older group, the newer is deleted")
    func existingDuplicate() async throws {
        // member1 is in both; member3 (active) and member7 (paused) and a front-desk manager only in the copy.
        let site = try await FaultTests.busySite(
            faults: nil, transport: .inProcess,
            extraGroups: """
                  - {name: Evening, place: Studio, members: [member1@example.com, member2@example.com]}
                  - {name: Evening, place: Studio, members: [member1@example.com, member3@example.com, member7@example.com], managers: [frontdesk@example.com]}
                """)
        let ids = await groups(named: "Evening", in: site).sorted()
        #expect(ids.count == 2)
        let plan = try await site.plan().plan
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        let copy = PlannedGroup.copyAddress(of: "evening", kisiID: ids[1])
        #expect(plan.groups.first { $0.address == copy }?.duplicateOf == "evening")
        let copyChanges = plan.changes(in: copy)
        #expect(copyChanges.filter { $0.address.kind == .role && $0.action == .delete }.count == 4)
        #expect(copyChanges.contains { $0.address.kind == .group && $0.action == .delete })
        let moved = plan.changes(in: "evening").filter {
            $0.reasons.contains(.mergedDuplicate(DuplicateMerge(.moved, keptID: ids[0], copyID: ids[1])))
        }
        #expect(Set(moved.compactMap(\.address.index)) == ["member7@example.com", "frontdesk@example.com"])
        #expect(moved.first { $0.address.index == "frontdesk@example.com" }?.after?.role?.role == "group_manager")
        #expect(plan.summary.groupsToDelete == 1)
        // Moving is not revoking: no guard counts it.
        #expect(!plan.changes(in: copy).contains { Guards.narrows($0, at: plan.instant) })

        let report = await site.apply(plan)
        #expect(report.failures.isEmpty, "\(report.failures.map(\.error))")
        #expect(report.completed[.groupsDeleted] == 1)
        #expect(await groups(named: "Evening", in: site) == [ids[0]])
        let state = await site.state
        let evening = state.roleAssignments.filter { $0.groupID == ids[0] }
        let emails = { (id: Int) in state.users.first { $0.id == id }?.email }
        #expect(evening.contains { emails($0.userID ?? 0) == "frontdesk@example.com" && $0.roleID == "group_manager" })

        // The person the config does not grant moved with the rest; the next plan revokes them as usual.
        let next = try await site.plan().plan
        #expect(
            next.changes.map(\.address.description) == ["kisi_role_assignment.evening[\"member7@example.com\"]"], "\(next.changes.map(\.address))")
        _ = await site.apply(next)
        #expect(!(try await site.plan().plan.hasChanges))
    }
}
