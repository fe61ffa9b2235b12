import AccessModel
import AccessRules
import PlanModel

/// Each role change's reasons, from the evaluator's evidence for that one person (a large
/// site's evaluation carries none): the records behind a grant or a window, or why nothing
/// grants any more — and, for a removal, its cause.
enum Reasons {
    /// The skipped records by the address they seem to mean: a revocation of that address names
    /// the record rather than just "not in the member data".
    static func skippedByEmail(_ evaluator: AccessEvaluator) -> [String: SkippedRecord] {
        var records: [String: SkippedRecord] = [:]
        for record in evaluator.directory.warnings.skippedRecords {
            if let email = record.meantEmail, records[email] == nil { records[email] = record }
        }
        return records
    }

    static func attach(to changes: inout [ResourceChange], evaluator: AccessEvaluator, instant: Instant, skipped: [String: SkippedRecord] = [:]) {
        for index in changes.indices where changes[index].address.kind == .role {
            let change = changes[index]
            guard let role = change.role, role.holder.kind.isManaged else { continue }
            let person = evaluator.directory.personID(normalizedEmail: role.normalizedEmail)
            let decision = person.flatMap { evaluator.decision(for: $0, in: change.address.group, at: instant) }
            let records = (decision?.evidence ?? []).map { Reason.record(evaluator.reason($0)) }
            guard change.action == .delete else {
                changes[index].reasons = records
                continue
            }
            if decision == nil {
                changes[index].reasons = [.noRuleExplains(.notInMemberData)] + (skipped[role.normalizedEmail].map { [.skipped($0)] } ?? [])
            } else if records.isEmpty {
                changes[index].reasons = [.noRuleExplains(.noMatchingRecord)]
            } else {
                changes[index].reasons = records
            }
            changes[index].cause = Cause(reasons: changes[index].reasons)
        }
    }
}
