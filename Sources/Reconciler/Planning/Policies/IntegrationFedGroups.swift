import PlanModel

/// A group another Kisi integration feeds is never kisictl's: no change is planned in it, and a
/// converging plan says why it cannot be applied (under `--destroy` it is simply not kisictl's).
struct IntegrationFedGroups: PlanPolicy {
    let live: LiveState
    let mode: Plan.Mode

    func apply(to draft: inout PlanDraft) {
        for (address, group) in live.groups.sorted(by: { $0.key < $1.key }) {
            guard draft.groups[address] != nil, let integration = group.integrations.first else { continue }
            draft.drop(group: address)
            if mode == .converge {
                draft.problems.append(.integrationFed(group: address, name: group.group.name, integration: integration.name, type: integration.type))
            }
        }
    }
}
