import AccessModel
import AccessRules
import Foundation
import KisiAPI
import KisiConfig
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
        /// The member data's size at the last successful apply, for `policy.max_data_shrink`.
        public var previousSizes: DataSizes?

        public init(
            instant: Instant, mode: Plan.Mode = .converge, targets: Targets = Targets(), windowChanges: WindowChangeMethod = .patch,
            now: Date = Date(), previousSizes: DataSizes? = nil
        ) {
            self.previousSizes = previousSizes
            self.instant = instant
            self.mode = mode
            self.targets = targets
            self.windowChanges = windowChanges
            self.now = now
        }
    }

    /// The config a pull request starts from: a checkout of the base branch, or the config at a
    /// git revision.
    public struct Baseline: Sendable {
        public var config: LoadedConfig
        /// `HEAD~1`, or the folder: for the plan's header.
        public var label: String

        public init(config: LoadedConfig, label: String) {
            self.config = config
            self.label = label
        }
    }

    /// A plan and what it was made from.
    public struct Result: Sendable {
        public var plan: Plan
        public var live: LiveState
        /// Requests sent to Kisi for the plan.
        public var requests: Int
    }

    /// Plans `site`; with a baseline (the base branch's config), marks each change as this
    /// config's or pending anyway, and lists what this config prevents.
    public func plan(_ site: Site, _ request: Request, baseline: Baseline? = nil) async throws(KisiError) -> Result {
        let desired = site.evaluator.evaluate(at: request.instant)
        // The baseline is evaluated from the same member data, at the same instant.
        let base = baseline.map { AccessEvaluator(config: $0.config.config, data: site.evaluator.data) }
        let baseDesired = base?.evaluate(at: request.instant)
        var wanted = [Refresher.Request(config: site.config, desired: desired)]
        if let base { wanted.append(Refresher.Request(config: base.config, desired: baseDesired)) }
        let lives = try await Refresher(reader: reader, now: request.now, targets: request.targets)
            .refresh(wanted, directory: site.evaluator.directory)
        func planner(_ evaluator: AccessEvaluator, _ desired: DesiredAccess, _ live: LiveState, _ fingerprint: String) -> Planner {
            Planner(
                evaluator: evaluator, desired: desired, live: live, endpoint: endpoint, fingerprints: (fingerprint, site.dataFingerprint),
                mode: request.mode, windowChanges: request.windowChanges, targets: request.targets)
        }
        var plan = planner(site.evaluator, desired, lives[0], site.configFingerprint).plan(createdAt: Instant(request.now))
        if let base, let baseDesired, let baseline {
            let basePlan = planner(base, baseDesired, lives[1], baseline.config.fingerprint).plan(createdAt: Instant(request.now))
            plan = BaselineComparison.mark(plan, against: basePlan, label: baseline.label)
        }
        plan.warnings = (site.warnings + site.evaluator.warnings(at: request.instant) + KisiSchedules.openingsOnHolidays(site.config, live: lives[0]))
            .warnings.map(PlanWarning.init)
        if let skew = ClockSkew.notice(await reader.clockSkew) { plan.notices.append(skew) }
        plan.notify = site.config.policy.notify
        plan.fingerprints.files = site.files
        if request.mode == .converge {
            let measures = Guards.Measures(
                members: lives[0].basicMembers, customers: site.evaluator.data.customers.count, skipped: site.warnings.skippedRecords,
                sizes: site.dataSizes, previousSizes: request.previousSizes)
            plan.guards = Guards.trips(plan, policy: site.config.policy, measures: measures)
        } else {
            // `--destroy` revokes on purpose; only the revocation guard counts.
            plan.guards = Guards.trips(
                plan, policy: site.config.policy,
                measures: .init(members: lives[0].basicMembers, customers: 0, skipped: [], sizes: DataSizes([:]), previousSizes: nil)
            ).filter { $0.kind == .revocations }
        }
        return Result(plan: plan, live: lives[0], requests: await reader.requestsSent)
    }
}
