import AccessModel
import AccessRules
import Foundation
import KisiAPI
import KisiConfig
import KisiSandbox
import MemberSources
import PlanModel
import Reconciler
import Rendering

/// A whole site for one test: config, member data and a Kisi sandbox over real HTTP; plans and
/// applies through the same client, refresh, planner and applier the CLI uses.
struct SiteHarness {
    let folder: String
    let sandbox: RunningSandbox
    let store: SandboxStore
    let credentials: KisiCredentials
    let options = KisiClientOptions(
        requestsPerSecond: 0, concurrency: 4, attempts: 8, initialBackoff: .milliseconds(20),
        maximumBackoff: .milliseconds(200), rateLimitedWait: .milliseconds(50))

    /// The instant every scenario is evaluated at: Monday 2026-11-23, 09:00 in London.
    static let instant = utc("2026-11-23T09:00:00Z")

    /// - Parameters:
    ///   - config: `kisictl.yaml` (its `source` is `files: data`).
    ///   - data: file name → content for the data folder.
    ///   - seed: the sandbox seed (an `api_keys` entry with key `test-key` is expected).
    init(config: String, data: [String: String], seed: String, faults: FaultPlan? = nil) async throws {
        folder = NSTemporaryDirectory() + "kisictl-site-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        try config.write(toFile: folder + "/kisictl.yaml", atomically: true, encoding: .utf8)
        for (name, text) in data { try text.write(toFile: folder + "/data/" + name, atomically: true, encoding: .utf8) }
        try seed.write(toFile: folder + "/sandbox.yaml", atomically: true, encoding: .utf8)
        let state = try SandboxSeed.load(path: folder + "/sandbox.yaml").state()
        store = SandboxStore(state: state, stateFile: nil)
        sandbox = try await SandboxServer(api: SandboxAPI(store: store, rateLimit: 0), faults: faults).start()
        credentials = KisiCredentials(baseURL: URL(string: sandbox.baseURL)!, apiKey: state.apiKeys[0].key, keySource: "the test")
    }

    func stop() async { await sandbox.stop() }

    func evaluator() throws -> AccessEvaluator {
        let config = try ConfigLoader.load(path: folder).config
        let data = try MemberSource.load(config.source, relativeTo: config.directory)
        return AccessEvaluator(config: config, data: data.data)
    }

    /// - Parameter now: the wall clock, for "recently" (other writers).
    func plan(at instant: Instant = SiteHarness.instant, now: Date = Date(), windowChanges: WindowChangeMethod = .patch) async throws -> PlanOutcome {
        let evaluator = try evaluator()
        let desired = evaluator.evaluate(at: instant)
        let reader = KisiReader(credentials: credentials, options: options)
        let live = try await Refresher(reader: reader, now: now).refresh(config: evaluator.config, desired: desired, directory: evaluator.directory)
        let plan = Planner(
            evaluator: evaluator, desired: desired, live: live, endpoint: sandbox.baseURL, fingerprints: ("c", "d"), windowChanges: windowChanges
        )
        .plan(createdAt: instant)
        return PlanOutcome(plan: plan)
    }

    func apply(_ plan: Plan, notify: Bool = false, audit: AuditLog? = nil, key: String? = nil) async -> ApplyReport {
        let credentials = key.map { KisiCredentials(baseURL: self.credentials.baseURL, apiKey: $0, keySource: "the test") } ?? self.credentials
        return await Applier(writer: KisiWriter(credentials: credentials, options: options), audit: audit, notify: notify, progress: nil).apply(plan)
    }

    /// Requests the sandbox answered for an endpoint template, e.g. `GET /role_assignments/{id}`.
    func requests(_ endpoint: String) async -> Int { await sandbox.api.stats.count(endpoint) }

    /// Plans, applies, and returns the plan that was applied.
    @discardableResult
    func converge(at instant: Instant = SiteHarness.instant) async throws -> Plan {
        let plan = try await plan(at: instant).plan
        _ = await apply(plan)
        return plan
    }

    var state: SandboxState { get async { await store.state } }

    /// The `group_basic` members of a Kisi group, by normalized e-mail, with their windows.
    func members(of groupName: String) async -> [String: (from: String?, until: String?)] {
        let state = await state
        guard let group = state.groups.first(where: { $0.name == groupName }) else { return [:] }
        var members: [String: (String?, String?)] = [:]
        for role in state.roleAssignments where role.groupID == group.id && role.roleID == "group_basic" {
            guard let email = state.users.first(where: { $0.id == role.userID })?.email.lowercased() else { continue }
            members[email] = (role.validFrom, role.validUntil)
        }
        return members
    }
}

/// A plan and its problems in words.
struct PlanOutcome {
    var plan: Plan
    var problems: [String] { plan.problems.map(ProblemText.sentence) }
}

/// A role change as the tests read it: the action as the plan shows it, the e-mail shown, the
/// windows, and the reasons and cause in words.
struct AccessChangeView: Equatable {
    enum Action { case grant, createUserAndGrant, change, revoke }

    var action: Action
    var email: String
    var name: String?
    var userID: Int?
    var roleAssignmentID: Int?
    var before: PlanWindow?
    var after: PlanWindow?
    var reasons: [String]
    var cause: String?
}

extension Plan {
    func changes(_ address: String, _ action: AccessChangeView.Action) -> [AccessChangeView] {
        let zone = SiteTimeZone(identifier: timeZone)!
        return changes(in: address).compactMap { change -> AccessChangeView? in
            guard change.address.kind == .role else { return nil }
            let kind: AccessChangeView.Action =
                switch change.action {
                case .create: change.after?.role?.holder.kisiID == nil ? .createUserAndGrant : .grant
                case .update: .change
                case .delete: .revoke
                }
            guard kind == action, let role = change.role else { return nil }
            return AccessChangeView(
                action: kind, email: role.email, name: role.holder.name, userID: role.holder.kisiID, roleAssignmentID: change.before?.role?.kisiID,
                before: change.before?.role?.window, after: change.after?.role?.window,
                reasons: change.reasons.map { ReasonText.sentence($0, at: instant, zone: zone, revoking: change.action == .delete) },
                cause: change.cause.map(ReasonText.cause))
        }
    }
}

/// A small studio: its config (with a `policy` block to fill in), customers and a seed.
enum Studio {
    static func config(policy: String = "", groups: String) -> String {
        """
        version: 1
        timezone: Europe/London
        source:
          files: data
        policy:
          exempt: [owner@example.com]
        \(policy)groups:
        \(groups)
        """
    }

    static let customers = """
        id,name,email
        c-1,Ann Archer,ann@example.com
        c-2,Ben Brown,ben@example.com
        c-3,Cat Chen,cat@example.com
        c-4,Dan Dorf,dan@example.com
        c-5,Owner,owner@example.com
        """

    static func seed(groups: String, extra: String = "") -> String {
        """
        organization: {name: Test Studio, time_zone: Europe/London}
        api_keys: [{key: test-key, user: owner@example.com}]
        places:
          - {name: Studio, locks: [Front Door, Studio 1, Back Office]}
        groups:
        \(groups)
        \(extra)
        """
    }
}

/// An instant written as RFC 3339 UTC.
func utc(_ text: String) -> Instant {
    guard case .instant(let instant)? = TimeParsing.moment(text) else { fatalError("not an instant: \(text)") }
    return instant
}
