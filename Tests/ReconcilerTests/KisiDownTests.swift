import AccessModel
import Foundation
import KisiAPI
import KisiHTTP
import KisiSandbox
import PlanModel
import Reconciler
import Testing

/// Kisi going down in the middle of an apply.
@Suite("When Kisi is down")
struct KisiDownTests {
    /// Passes the first `limit` requests to the sandbox, then refuses every connection.
    final class GoesDown: HTTPExchange, @unchecked Sendable {
        let inner: any HTTPExchange
        let limit: Int
        private let lock = NSLock()
        private var sent = 0
        private(set) var refused = 0

        init(after limit: Int, _ inner: any HTTPExchange) {
            self.limit = limit
            self.inner = inner
        }

        func exchange(_ request: HTTPRequest) async -> HTTPOutcome {
            let up = lock.withLock {
                sent += 1
                if sent > limit { refused += 1 }
                return sent <= limit
            }
            return up ? await inner.exchange(request) : .failure("Connection refused")
        }
    }

    /// Plans the busy site, then applies with Kisi going down after 50 requests.
    private func applyWhileKisiGoesDown(unreachableAfter: Int) async throws -> (SiteHarness, Plan, ApplyReport, refused: Int) {
        let site = try await FaultTests.busySite(faults: nil, transport: .inProcess)
        let plan = try await site.plan().plan
        let down = GoesDown(after: 50, site.exchange!)
        let writer = KisiWriter(
            credentials: site.credentials,
            options: KisiClientOptions(
                requestsPerSecond: 0, concurrency: 4, attempts: 3, initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(20)),
            exchange: down)
        let report = await Applier(writer: writer, audit: nil, notify: false, progress: nil, unreachableAfter: unreachableAfter).apply(plan)
        return (site, plan, report, down.refused)
    }

    @Test("apply stops starting writes after 5 in a row get no answer, says Kisi is unreachable, and counts only what Kisi confirmed")
    func stopsWhenUnreachable() async throws {
        let (site, plan, report, refused) = try await applyWhileKisiGoesDown(unreachableAfter: 5)
        let (_, _, grinding, refusedWithoutStop) = try await applyWhileKisiGoesDown(unreachableAfter: .max)
        let roleChanges = plan.changes.filter { $0.address.kind == .role }
        #expect(roleChanges.count > 60)
        #expect(report.unreachable)
        #expect(!grinding.unreachable)
        let notAttempted = report.failures.filter { if case .unreachable = $0.error { true } else { false } }
        #expect(notAttempted.count > 10, "the rest was not attempted")
        // Without the stop every remaining write spends its attempts against a dead Kisi.
        #expect(refused * 4 < refusedWithoutStop, "\(refused) requests refused, \(refusedWithoutStop) without the stop")

        // What the report counts is what Kisi holds: the next plan (Kisi back) has the rest.
        let next = try await site.plan().plan.changes.filter { $0.address.kind == .role }
        let confirmed = [ApplyReport.Count.grants, .windowChanges, .revocations].reduce(0) { $0 + (report.completed[$1] ?? 0) }
        let applied = roleChanges.count - next.count
        #expect(confirmed <= applied)
        #expect(applied <= confirmed + report.unconfirmed.count, "every applied write was counted or reported unconfirmed")
    }
}
