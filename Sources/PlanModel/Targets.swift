/// `--target`: the resources a plan is restricted to, as Terraform's `-target`. A group target
/// covers the group and all its doors and roles; a role target one person's role (and user).
public struct Targets: Sendable, Equatable {
    public var addresses: [ResourceAddress]

    public init(_ addresses: [ResourceAddress] = []) {
        self.addresses = addresses.sorted()
    }

    public var isEmpty: Bool { addresses.isEmpty }

    /// Whether anything in the group is targeted (everything is, without targets).
    public func covers(group: String) -> Bool {
        isEmpty || addresses.contains { $0.group == group }
    }

    /// Whether a door's schedules are targeted (`kisi_lock_schedule.front_door`, or one of them).
    public func covers(door: String) -> Bool {
        isEmpty || addresses.contains { $0.kind == .lockSchedule && $0.group == door }
    }

    /// Whether the whole group is targeted (its own settings and doors, not only some roles).
    public func coversWholeGroup(_ group: String) -> Bool {
        isEmpty || addresses.contains { $0.group == group && $0.kind == .group }
    }

    public func covers(_ address: ResourceAddress) -> Bool {
        isEmpty || addresses.contains { address.isCovered(by: $0) }
    }
}
