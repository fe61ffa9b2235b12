import AccessModel
import Foundation

/// A resource's address in plans, as Terraform writes them: `kisi_group.unlimited`,
/// `kisi_group_lock.unlimited["Front Door"]`, `kisi_role_assignment.unlimited["ann@example.com"]`,
/// `kisi_user.unlimited["ann@example.com"]`. The group part is the config address: a group's
/// identity, whatever its name in Kisi.
public struct ResourceAddress: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case group = "kisi_group"
        case door = "kisi_group_lock"
        case role = "kisi_role_assignment"
        case user = "kisi_user"
        /// A group's schedule: `kisi_schedule.offpeak["mon-fri"]`.
        case schedule = "kisi_schedule"
        /// A door's schedule, by the door's address: `kisi_lock_schedule.front_door["mon-fri"]`.
        case lockSchedule = "kisi_lock_schedule"
    }

    public var kind: Kind
    /// The group's config address (a door's, for a lock schedule).
    public var group: String
    /// A door's name, a role holder's key (a user's normalized e-mail, `team:ID`, `guest:ID`) or
    /// a user's normalized e-mail; nil for a group.
    public var index: String?

    public init(_ kind: Kind, group: String, index: String? = nil) {
        self.kind = kind
        self.group = group
        self.index = index
    }

    public static func group(_ address: String) -> ResourceAddress { ResourceAddress(.group, group: address) }

    public var description: String { "\(kind.rawValue).\(group)" + (index.map { "[\"\($0)\"]" } ?? "") }

    /// Reads an address as written on the command line: `kisi_group.x`, `x` (a group),
    /// `x["ann@example.com"]` (a person's role in group x) or any printed address.
    public init?(parsing text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var kind = Kind.group
        let prefix = Kind.allCases.first { rest.hasPrefix($0.rawValue + ".") }
        if let prefix {
            kind = prefix
            rest = rest.dropFirst(prefix.rawValue.count + 1)
        }
        var index: String?
        if let open = rest.firstIndex(of: "[") {
            guard rest.hasSuffix("\"]"), rest[rest.index(after: open)...].hasPrefix("\"") else { return nil }
            index = String(rest[rest.index(open, offsetBy: 2)..<rest.index(rest.endIndex, offsetBy: -2)])
            rest = rest[..<open]
            if prefix == nil { kind = .role }
        }
        guard !rest.isEmpty, rest.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else { return nil }
        if kind == .group, index != nil { return nil }
        if kind != .group, kind != .schedule, kind != .lockSchedule, index == nil { return nil }
        self.init(kind, group: String(rest), index: index.map { kind == .role || kind == .user ? EmailAddress.normalized($0) : $0 })
    }

    public static func < (lhs: ResourceAddress, rhs: ResourceAddress) -> Bool {
        (lhs.group, lhs.kind.order, lhs.index ?? "") < (rhs.group, rhs.kind.order, rhs.index ?? "")
    }

    /// Whether a target names this address: a group target covers all of its resources.
    public func isCovered(by target: ResourceAddress) -> Bool {
        guard target.group == group else { return false }
        if target.kind == .group { return kind != .lockSchedule }
        if target.kind == .schedule || target.kind == .lockSchedule, target.index == nil { return kind == target.kind }
        if target.kind == .role || target.kind == .user {
            return (kind == .role || kind == .user) && index == target.index
        }
        return target == self
    }
}

extension ResourceAddress.Kind {
    /// Groups first, then doors, schedules, users and roles.
    var order: Int {
        switch self {
        case .group: 0
        case .door: 1
        case .schedule, .lockSchedule: 2
        case .user: 3
        case .role: 4
        }
    }
}
