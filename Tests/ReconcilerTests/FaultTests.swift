import AccessModel
import Foundation
import KisiSandbox
import PlanModel
import Reconciler
import Testing

@Suite("Apply under faults", .serialized)
struct FaultTests {
    /// 60 customers: memberships for two groups, classes for a third, a fourth group created with doors.
    static func busySite(faults: FaultPlan?, transport: SiteHarness.Transport = .http, extraGroups: String = "") async throws -> SiteHarness {
        var customers = "id,name,email\nc-0,Owner,owner@example.com\n"
        var memberships = "id,customer_id,type,status,starts_on,ends_on\n"
        var registrations = "id,customer_id,kind,session,starts_at,ends_at,status\n"
        for n in 1...60 {
            customers += "c-\(n),Member \(n),member\(n)@example.com\n"
            memberships +=
                "m-\(n),c-\(n),\(n % 3 == 0 ? "Off-Peak" : "Unlimited"),\(n % 7 == 0 ? "paused" : "active"),2026-01-01,\(n % 5 == 0 ? "2026-11-20" : "2027-01-31")\n"
            if n % 2 == 0 { registrations += "r-\(n),c-\(n),class,HIIT,2026-11-2\(3 + n % 4)T18:00,2026-11-2\(3 + n % 4)T19:00,booked\n" }
        }
        var members = ""
        for n in stride(from: 1, through: 60, by: 2) { members += "member\(n)@example.com, " }
        return try await SiteHarness(
            config: Studio.config(
                groups: """
                      unlimited:
                        name: Unlimited
                        place: Studio
                        doors: [Front Door]
                        grant: [{memberships: [Unlimited]}]
                      off-peak:
                        name: Off-Peak
                        place: Studio
                        grant: [{memberships: [Off-Peak]}]
                      classes:
                        name: Classes
                        place: Studio
                        doors: [Front Door, Studio 1]
                        grant: [{registrations: {kinds: [class]}, window: {before: 30m, after: 15m}}]
                      evening:
                        name: Evening
                        place: Studio
                        doors: [Front Door, Studio 1]
                        grant: [{memberships: [Unlimited, Off-Peak]}]
                    """),
            data: ["customers.csv": customers, "memberships.csv": memberships, "registrations.csv": registrations],
            seed: Studio.seed(
                groups: """
                      - {name: Unlimited, place: Studio, locks: [Front Door], members: [\(members)]}
                      - {name: Off-Peak, place: Studio}
                      - {name: Classes, place: Studio, locks: [Front Door]}
                    \(extraGroups)
                    """),
            faults: faults, transport: transport)
    }

    @Test(
        "with 10% 5xx, 429 bursts and lost answers after applied writes, apply converges with no duplicates",
        arguments: [11, 12, 13] as [UInt64])
    func converges(seed: UInt64) async throws {
        let faults = try FaultPlan(spec: "seed=\(seed),500=4%,502=3%,503=3%,429=4%,burst=3,drop-after=6%,drop-before=2%")
        let site = try await Self.busySite(faults: faults)
        defer { Task { await site.stop() } }
        var runs = 0
        var failuresSeen = 0
        while runs < 6 {
            let outcome = try await site.plan()
            #expect(outcome.problems.isEmpty)
            if !outcome.plan.hasChanges { break }
            let report = await site.apply(outcome.plan)
            failuresSeen += report.failures.count
            runs += 1
        }
        #expect(runs >= 1)
        #expect(!(try await site.plan().plan.hasChanges), "converged within \(runs) applies")

        let state = await site.state
        let stats = await site.api.stats.json
        let dropped = stats["dropped"]?.objectMembers?.reduce(0) { $0 + ($1.value.intValue ?? 0) } ?? 0
        #expect(dropped > 0, "the faults should have dropped some answers")
        // No duplicates of anything: groups by name and place, door links, users, roles.
        #expect(Set(state.groups.map { "\($0.name)|\($0.placeID ?? 0)" }).count == state.groups.count)
        #expect(Set(state.groupLocks.map { "\($0.groupID)|\($0.lockID)" }).count == state.groupLocks.count)
        #expect(Set(state.users.map { $0.email.lowercased() }).count == state.users.count)
        #expect(Set(state.roleAssignments.map { "\($0.groupID)|\($0.userID)" }).count == state.roleAssignments.count)
        #expect(state.groups.filter { $0.name == "Evening" }.count == 1)
    }
}
