import AccessModel
import ArgumentParser
import Foundation
import KisiAPI
import Pipeline
import PlanModel
import Reconciler
import Rendering

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make Kisi match the configuration: a fresh plan (after confirmation), or a saved plan exactly as reviewed.",
        discussion: """
            Order: groups and doors, then users, grants and window changes, then revocations. \
            Every write is recorded in the audit log. Exit status 1 if anything failed.
            """
    )

    @Argument(help: ArgumentHelp("A plan saved with `kisictl plan -out FILE`: applied exactly, or refused if stale.", valueName: "plan-file"))
    var planFile: String?

    @OptionGroup var site: SiteOptions
    @OptionGroup var kisi: KisiOptions
    @OptionGroup var targeting: TargetOptions

    @Flag(
        name: [.customLong("auto-approve"), .customLong("auto-approve", withSingleDash: true)],
        help: "Apply without asking (needed outside a terminal unless a saved plan is given).")
    var autoApprove = false

    @Flag(name: .customLong("allow-mass-revoke"), help: "Allow more changes that remove or narrow access than policy.max_revocations.")
    var allowMassRevoke = false

    @Flag(name: .customLong("allow-mass-grant"), help: "Allow more grants than policy.max_grants.")
    var allowMassGrant = false

    @Flag(name: .customLong("allow-skipped-records"), help: "Apply although more records were skipped than policy.max_skipped_records.")
    var allowSkippedRecords = false

    @Flag(
        name: .customLong("allow-missing-members"),
        help: "Apply although more members are missing from the member data than policy.max_missing_members.")
    var allowMissingMembers = false

    @Flag(name: .customLong("allow-data-shrink"), help: "Apply although the member data shrank more than policy.max_data_shrink.")
    var allowDataShrink = false

    @Flag(name: .customLong("mask-emails"), help: "Show e-mail addresses and names masked, for CI logs.")
    var maskEmails = false

    @Option(name: .customLong("max-plan-age"), help: ArgumentHelp("Refuse a saved plan older than this.", valueName: "duration"))
    var maxPlanAge = "1h"

    @Option(
        name: .customLong("audit-log"),
        help: ArgumentHelp("Where to append the audit log (default: .kisictl/audit.jsonl beside the config).", valueName: "file"))
    var auditLog: String?

    @OptionGroup var lockLocation: LockOptions

    @Option(name: .customLong("lock-timeout"), help: ArgumentHelp("How long to wait for another apply to finish.", valueName: "duration"))
    var lockTimeout = "0s"

    @Flag(
        name: [.customLong("destroy"), .customLong("destroy", withSingleDash: true)],
        help: "Revoke every grant kisictl manages (to stop using kisictl); the revocation guard applies.")
    var destroy = false

    @Flag(name: [.customLong("no-color"), .customLong("no-color", withSingleDash: true)], help: "No colour, even on a terminal.")
    var noColor = false

    func validate() throws {
        if planFile != nil, destroy {
            throw ValidationError("a saved plan applies as it was planned: make it with `kisictl plan --destroy -out FILE`, and drop --destroy here")
        }
        if site.at != nil, !kisi.sandbox {
            throw ValidationError("--at applies access as of another time: allowed only against the sandbox (--sandbox)")
        }
        if planFile != nil, site.at != nil { throw ValidationError("a saved plan keeps its own instant: drop --at") }
        if planFile != nil, !targeting.target.isEmpty { throw ValidationError("a saved plan keeps its own targets: drop --target") }
        guard TimeSpan(parsing: maxPlanAge) != nil else { throw ValidationError("--max-plan-age expects a duration such as 1h or 30m") }
        guard TimeSpan(parsing: lockTimeout) != nil else { throw ValidationError("--lock-timeout expects a duration such as 30s or 5m") }
    }

    func run() async throws {
        let loadedConfig = try site.loadConfig(reportingErrorsAs: .text)
        let stateFolder = KisiConnection.stateDirectory(for: loadedConfig.config)
        let lock: ApplyLock
        do {
            lock = try ApplyLock.acquire(
                at: lockLocation.path(stateFolder: stateFolder), timeout: TimeInterval(TimeSpan(parsing: lockTimeout)!.seconds))
        } catch {
            Output.standardError("error: \(error)\n")
            throw ExitCode(1)
        }
        if let previous = lock.previous {
            Output.standardError(
                "note: took over \(lock.path) from \(ForceUnlockCommand.describe(previous)), which ended without releasing it.\n")
        } else if lock.previousUnreadable {
            Output.standardError("note: took over \(lock.path), which held something other than a lock record (ignored: the lock is the kernel's).\n")
        }
        let stop = ApplyStop()
        Signals.stopApply(stop, lock: lock)
        defer { Signals.endPromptly() }
        defer { lock.release() }

        // The member data is read under the lock: what is applied is what this run read.
        let loadedSite = try site.load(loadedConfig, reportingErrorsAs: .text)
        let config = loadedSite.config
        let (plan, connection) = try await preparePlan(loadedSite)
        try await connection.closing {
            if let skew = await connection.writer.clockSkew, ClockSkew.refuses(skew) {
                Output.standardError(
                    "error: \(NoticeText.sentence(.clockSkew(seconds: Int(skew.components.seconds)), style: PlanStyle(zone: config.timeZone)))\nNothing was applied.\n"
                )
                throw ExitCode(1)
            }
            guard plan.hasChanges else {
                Output.standardOutput(plan.summary.line + "\n")
                return
            }
            let tripped = plan.guards.filter { !overridden.contains($0.kind) }
            for trip in tripped { Output.standardError("error: guard: \(GuardText.sentence(trip))\n") }
            if tripped.contains(where: \.kind.distrustsData) {
                Output.standardError("error: \(GuardText.consequence(tripped) ?? "")\nNothing was applied.\n")
                throw ExitCode(1)
            }
            // Only the revocation guard tripped: what gives or widens access still goes ahead.
            let (toApply, held) = tripped.isEmpty ? (plan, []) : Guards.split(plan)
            try confirm()
            let auditPath = auditLog ?? stateFolder + "/audit.jsonl"
            let zone = config.timeZone
            let audit = try AuditLog(
                path: auditPath,
                context: AuditLog.Context(planID: PlanFile.id(of: plan), maskSalt: plan.maskSalt) { change in
                    change.reasons.map { ReasonText.sentence($0, at: plan.instant, zone: zone, revoking: change.action == .delete) }
                })
            let progress = StderrProgress(terminal: isatty(STDERR_FILENO) == 1)
            stop.beginWriting()
            let report = await Applier(writer: connection.writer, audit: audit, notify: config.policy.notify, progress: progress, stop: stop)
                .apply(toApply)
            if let method = report.windowChanges {
                // Remembered for the next plan and for doctor; a failure to write it loses nothing applied.
                try? KisiBehaviour(
                    target: connection.target, windowChanges: method,
                    seenAt: Instant.now
                ).save(folder: stateFolder)
            }
            if report.succeeded {
                // What the next plan's max_data_shrink compares with; losing it loses nothing applied.
                try? loadedSite.dataSizes.save(folder: stateFolder)
            }
            Output.standardOutput(Self.describe(report, auditPath: auditPath))
            if let failure = audit.failure {
                Output.standardError("error: \(failure): the apply stopped before its next write to Kisi; make the log writable and apply again.\n")
            }
            if !held.isEmpty {
                Output.standardError(
                    "error: held back \(held.count) change\(held.count == 1 ? "" : "s") that remove or narrow access: \(GuardText.consequence(tripped) ?? "")\n"
                )
            }
            if let signal = stop.requested {
                Output.standardError("Stopped by \(ApplyStop.name(signal)): the writes under way finished, no other was started.\n")
                throw ExitCode(128 + signal)
            }
            if !report.succeeded || !held.isEmpty { throw ExitCode(1) }
        }
    }

    /// The guards the operator overrides.
    private var overridden: Set<GuardTrip.Kind> {
        let flags: [(Bool, GuardTrip.Kind)] = [
            (allowMassRevoke, .revocations), (allowMassGrant, .grants), (allowSkippedRecords, .skippedRecords),
            (allowMissingMembers, .missingMembers), (allowDataShrink, .dataShrink),
        ]
        return Set(flags.filter(\.0).map(\.1))
    }

    /// A fresh plan needs `yes` on a terminal, or --auto-approve; a saved plan was reviewed already.
    private func confirm() throws {
        guard planFile == nil, !autoApprove else { return }
        guard isatty(STDIN_FILENO) == 1 else {
            Output.standardError(
                "error: apply outside a terminal needs --auto-approve, or a plan saved with `kisictl plan -out FILE` and reviewed.\n")
            throw ExitCode(1)
        }
        Output.standardOutput("\nDo you want to apply these changes? Only 'yes' is accepted: ")
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            Output.standardOutput("Apply cancelled: nothing changed.\n")
            throw ExitCode(1)
        }
    }

    /// The plan to apply: the saved one after checking it is fresh, or a new one, shown.
    private func preparePlan(_ loadedSite: Site) async throws -> (Plan, KisiConnection) {
        guard let planFile else {
            let run = try await PlanningRun.make(
                site: site, kisi: kisi, errorsAs: .text, mode: destroy ? .destroy : .converge, targeting: targeting, loaded: loadedSite
            ) { $0.writer }
            Output.standardOutput(PlanText.render(run.plan, style: run.style(color: useColor(noColor: noColor), maskEmails: maskEmails)))
            reportOnStandardError(run.plan)
            if !run.plan.problems.isEmpty {
                Output.standardError(run.plan.problems.map { "error: \(ProblemText.sentence($0))\n" }.joined() + "Nothing was applied.\n")
                await run.connection.close()
                throw ExitCode(1)
            }
            return (run.plan, run.connection)
        }
        let connection = try await KisiConnection.open(config: loadedSite.config, options: kisi)
        do {
            let plan = try PlanFile.load(from: planFile, key: connection.planKey)
            let writer = connection.writer
            let live = try await Refresher(reader: writer, targets: Targets(plan.targets)).refresh(
                config: loadedSite.config, desired: nil, directory: nil)
            if live.organization.id != plan.organization.id
                || (connection.sandbox == nil && plan.endpoint != connection.credentials.endpoint)
            {
                throw PlanFile.Failure.otherTarget(
                    planned: "\(plan.organization.name) at \(plan.endpoint)",
                    now: "\(live.organization.name) at \(connection.target)")
            }
            try PlanFile.check(
                plan, now: Date(), maximumAge: TimeInterval(TimeSpan(parsing: maxPlanAge)!.seconds), files: loadedSite.files,
                live: live.fingerprints(for: loadedSite.config.managedGroups))
            let violations = NeverTouched.violations(in: plan, config: loadedSite.config, live: live)
            if !violations.isEmpty { throw PlanFile.Failure.untouchable(violations.map(\.description)) }
            Output.standardOutput(
                PlanText.render(
                    plan,
                    style: PlanStyle(
                        zone: loadedSite.config.timeZone, color: useColor(noColor: noColor), maskEmails: maskEmails,
                        target: connection.sandbox == nil ? nil : "the embedded sandbox")))
            reportOnStandardError(plan)
            return (plan, connection)
        } catch {
            await connection.close()
            Output.standardError("error: \(error)\n")
            throw ExitCode(1)
        }
    }

    static func describe(_ report: ApplyReport, auditPath: String) -> String {
        let words: [(ApplyReport.Count, String)] = [
            (.groupsCreated, "groups created"), (.groupsUpdated, "groups updated"), (.groupsDeleted, "duplicate groups deleted"),
            (.doorsLinked, "doors linked"),
            (.doorsUnlinked, "doors unlinked"),
            (.schedulesCreated, "schedules created"), (.schedulesUpdated, "schedules changed"), (.schedulesDeleted, "schedules deleted"),
            (.usersCreated, "users created"), (.guestsCreated, "guests created"), (.grants, "grants"), (.windowChanges, "window changes"),
            (.revocations, "revocations"),
        ]
        let done = words.compactMap { kind, word in report.completed[kind].map { "\($0) \(word)" } }
        var text = "\n" + (report.succeeded ? "Apply complete: " : "Apply finished with failures. Done: ")
        text += (done.isEmpty ? "nothing" : done.joined(separator: ", ")) + ".\n"
        if report.windowChanges == .reissue {
            text +=
                "Kisi kept the old window when asked to change it by PATCH: window changes were made by revoking and granting again (see the audit log).\n"
        }
        if report.unreachable {
            text +=
                "Kisi unreachable: several writes in a row got no answer, so no other write was started. The counts above are what Kisi confirmed.\n"
        }
        let unconfirmed = report.unconfirmed
        let failed = report.failures.filter { failure in !unconfirmed.contains { $0.address == failure.address && $0.action == failure.action } }
        if !failed.isEmpty {
            text += "Failed or not attempted (\(failed.count)):\n"
            for failure in failed { text += "  \(failure.group): \(what(failure)): \(failure.error)\n" }
        }
        if !unconfirmed.isEmpty {
            text += "Unconfirmed (\(unconfirmed.count)): Kisi's answer never came, so these may or may not have been applied; the next plan shows:\n"
            for failure in unconfirmed { text += "  \(failure.group): \(what(failure)): \(failure.error)\n" }
        }
        if report.skipped > 0 { text += "Not attempted, because a group they needed was not created: \(report.skipped).\n" }
        if !report.succeeded { text += "Run `kisictl plan` to see what is left, then apply again.\n" }
        text += "Audit log: \(auditPath)\n"
        return text
    }

    /// What a failed change was, in words (e-mails masked: this goes to CI logs).
    static func what(_ failure: ApplyReport.Failure) -> String {
        let index = failure.address.index ?? ""
        let who = EmailAddress.masked(index)
        let text: String =
            switch (failure.address.kind, failure.action) {
            case (.group, .create): "create the group"
            case (.group, _): "update the group"
            case (.door, .delete): "unlink \(index)"
            case (.door, _): "link \(index)"
            case (.schedule, .create), (.lockSchedule, .create): "create the schedule \(index)"
            case (.schedule, .update), (.lockSchedule, .update): "change the schedule \(index)"
            case (.schedule, .delete), (.lockSchedule, .delete): "delete the schedule \(index)"
            case (.user, _): "create the Kisi user \(who)"
            case (.role, .create): "grant \(who)"
            case (.role, .update): "change \(who)'s window"
            case (.role, .delete): "revoke \(who)"
            }
        return failure.consequence == .lockedOut
            ? text + " (their old role was revoked to change the window: no access in this group until the next apply)" : text
    }
}

/// Progress on stderr: a bar on a terminal, a line per tenth in CI.
actor StderrProgress: ApplyProgress {
    let terminal: Bool
    private var total = 0
    private var done = 0
    private var lastTenth = 0

    init(terminal: Bool) {
        self.terminal = terminal
    }

    func begin(total: Int) {
        self.total = total
        if !terminal { Output.standardError("Applying \(total) changes…\n") }
    }

    func advance() {
        done += 1
        guard total > 0 else { return }
        if terminal {
            let width = 30, filled = done * width / total
            Output.standardError("\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)")
        } else if done * 10 / total > lastTenth || done == total {
            lastTenth = done * 10 / total
            Output.standardError("  \(done)/\(total) changes applied\n")
        }
    }

    func finish() {
        if terminal, total > 0 { Output.standardError("\n") }
    }
}
