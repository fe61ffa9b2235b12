import AccessModel
import ArgumentParser
import PlanModel

/// `--target`, as Terraform's `-target`: restrict reading, planning and applying to some
/// resources of the config.
struct TargetOptions: ParsableArguments {
    @Option(
        name: [.customLong("target"), .customLong("target", withSingleDash: true)],
        help: ArgumentHelp(
            "Plan (and apply) only this resource: a group (`unlimited` or `kisi_group.unlimited`) or one person's role (`unlimited[\"ann@example.com\"]`). Repeatable.",
            valueName: "address"))
    var target: [String] = []

    func validate() throws {
        for text in target where ResourceAddress(parsing: text) == nil {
            throw ValidationError(
                "--target expects a group's address (unlimited, kisi_group.unlimited) or a role (unlimited[\"ann@example.com\"]), found \(text)")
        }
    }

    /// The targets, each naming a managed group of the config; else the error, and exit status 1.
    func targets(in config: SiteConfig) throws -> Targets {
        let addresses = target.compactMap(ResourceAddress.init(parsing:))
        let managed = Set(config.managedGroups.map(\.address))
        for address in addresses where !managed.contains(address.group) {
            Output.standardError(
                "error: --target \(address): the config has no managed group \(address.group) (managed groups: \(managed.sorted().joined(separator: ", ")))\n"
            )
            throw ExitCode(1)
        }
        return Targets(addresses)
    }
}
