import AccessModel
import AccessRules
import Foundation
import KisiAPI
import PlanModel
import Reconciler

/// The whole of `plan`, as one library call the CLI, the tests and the benchmarks share: evaluate
/// the site at the instant, read Kisi, and plan.
public struct PlanningPipeline: Sendable {
    public let reader: any KisiReading
    /// The Kisi base URL the plan is made against (recorded in it).
    public let endpoint: String

    public init(reader: any KisiReading, endpoint: String) {
        self.reader = reader
        self.endpoint = endpoint
    }

    /// What to plan.
    public struct Request: Sendable {
        public var instant: Instant
        public var mode: Plan.Mode
        public var targets: Targets
        /// What earlier applies learned about how Kisi takes window changes.
        public var windowChanges: WindowChangeMethod
        /// The wall clock (when the plan is made; "lately" for other writers).
        public var now: Date

        public init(
            instant: Instant, mode: Plan.Mode = .converge, targets: Targets = Targets(), windowChanges: WindowChangeMethod = .patch,
            now: Date = Date()
        ) {
            self.instant = instant
            self.mode = mode
            self.targets = targets
            self.windowChanges = windowChanges
            self.now = now
        }
    }

    /// A plan and what it was made from.
    public struct Result: Sendable {
        public var plan: Plan
        public var live: LiveState
        /// Requests sent to Kisi for the plan.
        public var requests: Int
    }

    public func plan(_ site: Site, _ request: Request) async throws(KisiError) -> Result {
        let desired = site.evaluator.evaluate(at: request.instant)
        let live = try await Refresher(reader: reader, now: request.now, targets: request.targets)
            .refresh(config: site.config, desired: desired, directory: site.evaluator.directory)
        let plan = Planner(
            evaluator: site.evaluator, desired: desired, live: live, endpoint: endpoint,
            fingerprints: (site.configFingerprint, site.dataFingerprint), mode: request.mode, windowChanges: request.windowChanges,
            targets: request.targets
        ).plan(createdAt: Instant(request.now))
        return Result(plan: plan, live: live, requests: await reader.requestsSent)
    }
}
