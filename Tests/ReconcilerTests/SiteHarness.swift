import AccessModel
import AccessRules
import Foundation
import KisiAPI
import KisiConfig
import KisiSandbox
import MemberSources
import Pipeline
import PlanModel
import Reconciler
import Rendering

/// A whole site for one test: config, member data and a Kisi sandbox; plans through the same
/// pipeline and applies through the same applier as the CLI. The sandbox is reached in process
/// (no socket) unless a test asks for real HTTP.
struct SiteHarness {
    enum Transport {
        case inProcess
        case http
    }

    let folder: String
    let api: SandboxAPI
    let running: RunningSandbox?
    let exchange: (any HTTPExchange)?
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
    init(config: String, data: [String: String], seed: String, faults: FaultPlan? = nil, transport: Transport = .inProcess) async throws {
        folder = NSTemporaryDirectory() + "kisictl-site-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        try config.write(toFile: folder + "/kisictl.yaml", atomically: true, encoding: .utf8)
        for (name, text) in data { try text.write(toFile: folder + "/data/" + name, atomically: true, encoding: .utf8) }
        try seed.write(toFile: folder + "/sandbox.yaml", atomically: true, encoding: .utf8)
        let state = try SandboxSeed.load(path: folder + "/sandbox.yaml").state()
        store = SandboxStore(state: state, stateFile: nil)
        api = SandboxAPI(store: store, rateLimit: 0)
        switch transport {
        case .http:
            let running = try await SandboxServer(api: api, faults: faults).start()
            self.running = running
            exchange = nil
            credentials = KisiCredentials(baseURL: URL(string: running.baseURL)!, apiKey: state.apiKeys[0].key, keySource: "the test")
        case .inProcess:
            running = nil
            exchange = InProcessExchange(api: api, faults: faults)
            credentials = KisiCredentials(baseURL: URL(string: "http://sandbox.in-process")!, apiKey: state.apiKeys[0].key, keySource: "the test")
        }
    }

    func stop() async { await running?.stop() }

    var reader: KisiReader { KisiReader(credentials: credentials, options: options, exchange: exchange) }

    func writer(key: String? = nil) -> KisiWriter {
        let credentials = key.map { KisiCredentials(baseURL: self.credentials.baseURL, apiKey: $0, keySource: "the test") } ?? self.credentials
        return KisiWriter(credentials: credentials, options: options, exchange: exchange)
    }

    func site() throws -> Site { try Site.load(configPath: folder) }

    func evaluator() throws -> AccessEvaluator { try site().evaluator }

    /// Plans as `kisictl plan` does, through the pipeline.
    /// - Parameter now: the wall clock, for "recently" (other writers).
    func plan(
        at instant: Instant = SiteHarness.instant, now: Date = Date(), windowChanges: WindowChangeMethod = .patch, mode: Plan.Mode = .converge,
        targets: Targets = Targets()
    ) async throws -> PlanOutcome {
        let pipeline = PlanningPipeline(reader: reader, endpoint: credentials.baseURL.absoluteString)
        let result = try await pipeline.plan(
            try site(), PlanningPipeline.Request(instant: instant, mode: mode, targets: targets, windowChanges: windowChanges, now: now))
        return PlanOutcome(plan: result.plan)
    }

    func apply(
        _ plan: Plan, notify: Bool = false, audit: AuditLog? = nil, key: String? = nil, groupDeadline: Duration = .seconds(120),
        groupPoll: Duration = .seconds(2)
    ) async -> ApplyReport {
        await Applier(
            writer: writer(key: key), audit: audit, notify: notify, progress: nil, groupDeadline: groupDeadline, groupPoll: groupPoll
        ).apply(plan)
    }

    /// Requests the sandbox answered for an endpoint template, e.g. `GET /role_assignments/{id}`.
    func requests(_ endpoint: String) async -> Int { await api.stats.count(endpoint) }

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
        await holders(of: groupName) { state, role in state.users.first { $0.id == role.userID }?.email }
    }

    /// The guests holding `group_basic` in a Kisi group, by normalized e-mail, with their windows.
    func guests(of groupName: String) async -> [String: (from: String?, until: String?)] {
        await holders(of: groupName) { state, role in
            role.assignee.kind == .guest ? state.guests.first { $0.id == role.assignee.id }?.email : nil
        }
    }

    private func holders(
        of groupName: String, email: (SandboxState, RoleAssignmentRecord) -> String?
    ) async -> [String: (from: String?, until: String?)] {
        let state = await state
        guard let group = state.groups.first(where: { $0.name == groupName }) else { return [:] }
        var holders: [String: (String?, String?)] = [:]
        for role in state.roleAssignments where role.groupID == group.id && role.roleID == "group_basic" {
            guard let address = email(state, role)?.lowercased() else { continue }
            holders[address] = (role.validFrom, role.validUntil)
        }
        return holders
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
