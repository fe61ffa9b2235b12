import PlanModel

/// `--target`: only the named resources are planned (and so applied), as Terraform's `-target`.
struct Targeting: PlanPolicy {
    let targets: Targets

    func apply(to draft: inout PlanDraft) {
        guard !targets.isEmpty else { return }
        draft.changes.removeAll { !targets.covers($0.address) }
        for address in draft.groups.keys where !targets.covers(group: address) { draft.groups[address] = nil }
    }
}
