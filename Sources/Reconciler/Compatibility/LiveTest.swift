import AccessModel
import Foundation
import KisiAPI
import PlanModel

/// `doctor --live-test`: checks, on a real Kisi account, the behaviours kisictl relies on where
/// Kisi's spec is silent or kisictl's sandbox could agree with kisictl for the wrong reason. It
/// makes a throw-away group, a throw-away user and roles in that group, and removes all of them.
public struct LiveTest: Sendable {
    /// One behaviour kisictl depends on.
    public enum Assumption: String, CaseIterable, Sendable {
        case queryEncoding = "query encoding"
        case quietUser = "users created confirmed"
        case groupLookup = "finding a group by name"
        case windowOnCreate = "window on grant"
        case windowOnPatch = "window on PATCH"
        case oneRolePerGroup = "one role per user and group"
        case paging = "paging"
        case creator = "role creator"
        case deleteTwice = "delete read-back"

        /// What kisictl does if the assumption is wrong, for the report.
        public var ifWrong: String {
            switch self {
            case .queryEncoding: "members with a + in their address would be created again on every run"
            case .quietUser: "new members would be sent Kisi's confirmation e-mail"
            case .groupLookup: "a lost answer to POST /groups could leave a second group"
            case .windowOnCreate: "access would not start and end on time"
            case .windowOnPatch: "kisictl changes windows by revoking and granting again (two requests without access)"
            case .oneRolePerGroup: "a retried grant could leave two roles"
            case .paging: "members could be missed and granted again"
            case .creator: "other writers in managed groups would go unnoticed"
            case .deleteTwice: "a revocation whose answer was lost could be reported wrongly"
            }
        }

        /// Whether kisictl stays correct when it differs (it then only works differently).
        public var handled: Bool { self == .windowOnPatch }
    }

    public enum Verdict: Sendable, Equatable {
        case holds(String)
        case differs(String)
        case notChecked(String)
    }

    public struct Finding: Sendable, Equatable {
        public var assumption: Assumption
        public var verdict: Verdict
    }

    public struct Report: Sendable {
        public var findings: [Finding]
        /// What was made and not removed again (empty when cleanup succeeded).
        public var leftBehind: [String]
        /// The throw-away group's name.
        public var groupName: String

        public func verdict(_ assumption: Assumption) -> Verdict? { findings.first { $0.assumption == assumption }?.verdict }

        /// How Kisi took a PATCH of a role's window, when that was checked.
        public var windowChanges: WindowChangeMethod? {
            switch verdict(.windowOnPatch) {
            case .holds?: .patch
            case .differs?: .reissue
            default: nil
            }
        }
    }

    let writer: KisiWriter
    let now: Date

    public init(writer: KisiWriter, now: Date) {
        self.writer = writer
        self.now = now
    }

    public func run() async -> Report {
        let stamp = KisiTime.format(now)
        let groupName = "kisictl live test – delete me (\(stamp))"
        var findings: [Finding] = []
        var made: [(what: String, undo: @Sendable () async throws -> Void)] = []
        func record(_ assumption: Assumption, _ verdict: Verdict) { findings.append(Finding(assumption: assumption, verdict: verdict)) }
        let day: TimeInterval = 86_400
        // Whole seconds, in the future, so the test grants no one access now.
        let start = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + day).rounded(.down))
        let firstEnd = start.addingTimeInterval(day), secondEnd = start.addingTimeInterval(2 * day)

        do {
            let me = try await writer.currentUser()
            let group = try await writer.createGroup(
                name: groupName, description: "Made by kisictl doctor --live-test; it removes it again.",
                placeID: nil)
            made.append(("the group \"\(groupName)\"", { try await writer.deleteGroup(group.id) }))
            let found = try await writer.findGroup(name: groupName, placeID: nil)
            record(
                .groupLookup,
                found?.id == group.id
                    ? .holds("GET /groups?query=… found the new group by its exact name")
                    : .differs("GET /groups?query=… did not find the new group \(group.id)"))

            // A user whose address has a plus, made as kisictl makes users.
            let address = "kisictl-live-test+\(Int(now.timeIntervalSince1970))@example.com"
            let user = try await writer.createUser(email: address, name: "kisictl live test", sendEmails: false)
            made.append(("the user \(address)", { try await writer.deleteUser(user.id) }))
            let lookedUp = try await writer.user(email: address)
            switch try await writer.user(id: user.id)?.confirmed {
            case true?:
                record(
                    .quietUser,
                    .holds(
                        "a user made with send_emails: false and confirm: true reads back confirmed (whether Kisi mails anyone is a manual check: README, Kisi compatibility)"
                    ))
            case false?: record(.quietUser, .differs("a user made with confirm: true reads back unconfirmed"))
            case nil: record(.quietUser, .notChecked("Kisi's user has no confirmed field to read back"))
            }
            record(
                .queryEncoding,
                lookedUp?.id == user.id
                    ? .holds("GET /users?email= with \(address), percent-encoded, found that user")
                    : .differs("GET /users?email=… did not find \(address) (found \(lookedUp.map { "user \($0.id)" } ?? "nobody"))"))

            // A window on grant, read back.
            let mine = try await writer.grant(group: group.id, user: me.id, validFrom: start, validUntil: firstEnd, notify: false)
            let theirs = try await writer.grant(group: group.id, user: user.id, validFrom: start, validUntil: firstEnd, notify: false)
            let created = try await writer.roleAssignment(id: mine.id)
            record(
                .windowOnCreate,
                created?.validFrom == start && created?.validUntil == firstEnd
                    ? .holds("a role granted from \(KisiTime.format(start)) until \(KisiTime.format(firstEnd)) reads back with that window")
                    : .differs("asked \(KisiTime.format(start))–\(KisiTime.format(firstEnd)), Kisi holds \(window(created))"))
            record(
                .creator,
                created?.createdBy == .user(me.id)
                    ? .holds("the role names the key's user as its creator (created_by_type User, created_by_id \(me.id))")
                    : .differs("the role's creator reads \(created?.createdBy.map { "\($0)" } ?? "nothing"), not the key's user \(me.id)"))

            // The window changed in place, read back.
            try await writer.changeWindow(mine.id, validFrom: start, validUntil: secondEnd, notify: false)
            let patched = try await writer.roleAssignment(id: mine.id)
            record(
                .windowOnPatch,
                patched?.validUntil == secondEnd
                    ? .holds("PATCH valid_until \(KisiTime.format(secondEnd)) reads back as asked")
                    : .differs("Kisi answered the PATCH of valid_until to \(KisiTime.format(secondEnd)) but holds \(window(patched))"))

            // A second role for the same user and group is refused, and none is made.
            do {
                let second = try await writer.grant(group: group.id, user: me.id, validFrom: start, validUntil: firstEnd, notify: false)
                record(.oneRolePerGroup, .differs("Kisi made a second role (\(second.id)) for the same user in the same group"))
            } catch .invalid {
                record(.oneRolePerGroup, .holds("a second role for the same user and group was refused (422)"))
            }

            // Paging one row at a time.
            let paged = try await writer.reader.roleAssignments(group: group.id, pageSize: 1)
            let ids = Set(paged.rows.map(\.id))
            record(
                .paging,
                ids == [mine.id, theirs.id] && paged.pages >= 2
                    ? .holds("\(paged.rows.count) roles read one per page in \(paged.pages) pages, each once, as X-Collection-Range said")
                    : .differs(
                        "read \(paged.rows.count) rows (\(ids.count) distinct) in \(paged.pages) pages; expected roles \(mine.id) and \(theirs.id)"))

            // A delete, then the same delete again: 404, and a read finds nothing.
            try await writer.revoke(theirs.id)
            do {
                try await writer.revoke(theirs.id)
                record(.deleteTwice, .differs("a second DELETE of role \(theirs.id) was answered as a success"))
            } catch .notFound {
                let gone = try await writer.roleAssignment(id: theirs.id) == nil
                record(
                    .deleteTwice,
                    gone
                        ? .holds("a second DELETE answered 404, and GET found the role gone")
                        : .differs("a second DELETE answered 404, but GET still finds the role"))
            }
        } catch {
            for assumption in Assumption.allCases where !findings.contains(where: { $0.assumption == assumption }) {
                record(assumption, .notChecked("the test stopped: \(error)"))
            }
        }

        var leftBehind: [String] = []
        for (what, undo) in made.reversed() {
            do { try await undo() } catch { leftBehind.append("\(what) (\(error))") }
        }
        let order = Assumption.allCases
        findings.sort { order.firstIndex(of: $0.assumption)! < order.firstIndex(of: $1.assumption)! }
        return Report(findings: findings, leftBehind: leftBehind, groupName: groupName)
    }

    private func window(_ role: KisiRoleAssignment?) -> String {
        guard let role else { return "no role" }
        return "\(role.validFrom.map(KisiTime.format) ?? "open")–\(role.validUntil.map(KisiTime.format) ?? "open")"
    }
}
