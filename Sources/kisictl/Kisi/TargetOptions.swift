import AccessModel
import ArgumentParser
import PlanModel

/// `--target`, as Terraform's `-target`: restrict reading, planning and applying to some
/// resources of the config.
struct TargetOptions: ParsableArguments {
    @Option(
        name: [.customLong("target"), .customLong("target", withSingleDash: true)],
        help: ArgumentHelp(
            "Plan (and apply) only this resource: a group (`unlimited` or `kisi_group.unlimited`), one person's role (`unlimited[\"ann@example.com\"]`), a group's or a door's schedules (`kisi_schedule.unlimited`, `kisi_lock_schedule.front_door`, or one of them). Repeatable.",
            valueName: "address"))
    var target: [String] = []

    func validate() throws {
        for text in target where ResourceAddress(parsing: text) == nil {
            throw ValidationError(
                "--target expects a group's address (unlimited, kisi_group.unlimited) or a role (unlimited[\"ann@example.com\"]), found \(text)")
        }
    }

    /// The targets, each naming a managed group of the config (or, for a door's schedules, a
    /// door whose `unlock` it declares); else the error, and exit status 1.
    func targets(in config: SiteConfig) throws -> Targets {
        let addresses = target.compactMap(ResourceAddress.init(parsing:))
        let managed = Set(config.managedGroups.map(\.address))
        let doors = Set(config.doors.filter { $0.unlock != nil }.map(\.address))
        for address in addresses where address.kind == .lockSchedule && !doors.contains(address.group) {
            Output.standardError(
                "error: --target \(address): the config declares no unlock hours for a door \(address.group) (doors: \(doors.sorted().joined(separator: ", ")))\n"
            )
            throw ExitCode(1)
        }
        for address in addresses where address.kind != .lockSchedule && !managed.contains(address.group) {
            Output.standardError(
                "error: --target \(address): the config has no managed group \(address.group) (managed groups: \(managed.sorted().joined(separator: ", ")))\n"
            )
            throw ExitCode(1)
        }
        return Targets(addresses)
    }
}
