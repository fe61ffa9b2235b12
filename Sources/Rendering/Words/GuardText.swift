import AccessModel
import PlanModel

/// The guards' trips in words.
public enum GuardText {
    /// The flag that overrides a guard.
    public static func override(_ kind: GuardTrip.Kind) -> String {
        switch kind {
        case .revocations: "--allow-mass-revoke"
        case .grants: "--allow-mass-grant"
        case .skippedRecords: "--allow-skipped-records"
        case .missingMembers: "--allow-missing-members"
        case .dataShrink: "--allow-data-shrink"
        }
    }

    /// "12 changes remove or narrow access: policy.max_revocations is 10% of the 80 members of
    /// managed groups, so 8 (top causes: 7 membership expired, …)".
    public static func sentence(_ trip: GuardTrip) -> String {
        let limit: String =
            switch (trip.limit, trip.kind) {
            case (.count(let count), _): "policy.\(trip.kind.rawValue) is \(count)"
            case (.percent, .skippedRecords):
                "policy.\(trip.kind.rawValue) is \(trip.limit) of the \(trip.base) customers, so \(trip.allowed)"
            case (.percent, .dataShrink):
                "policy.\(trip.kind.rawValue) is \(trip.limit) of the \(trip.base) at the last successful apply, so \(trip.allowed)"
            case (.percent, _): "policy.\(trip.kind.rawValue) is \(trip.limit) of the \(trip.base) members of managed groups, so \(trip.allowed)"
            }
        let top = trip.causes.prefix(3).map { "\($0.count) \(ReasonText.cause($0.cause))" }.joined(separator: ", ")
        let causes = top.isEmpty ? "" : " (top causes: \(top))"
        let what: String =
            switch trip.kind {
            case .revocations: "\(trip.count) changes remove or narrow current access"
            case .grants: "\(trip.count) new grants"
            case .skippedRecords: "the records of \(trip.count) people were skipped (see the data warnings)"
            case .missingMembers: "\(trip.count) members would be revoked because they are missing from the member data"
            case .dataShrink: "\(trip.entity?.rawValue ?? "the data") shrank by \(trip.count) records since the last successful apply"
            }
        return "\(what): \(limit)\(causes)"
    }

    /// What apply does about the trips, once overrides are taken off: one line per trip and the
    /// consequence.
    public static func consequence(_ trips: [GuardTrip]) -> String? {
        guard !trips.isEmpty else { return nil }
        if trips.contains(where: \.kind.distrustsData) {
            return
                "Apply will change nothing: the member data looks suspect. Check the export; if this is intended, apply with \(trips.map { override($0.kind) }.joined(separator: " "))."
        }
        return
            "Apply will make the changes that give or widen access and hold back those that remove or narrow it. Check the member data and the rules; if this is intended, apply with --allow-mass-revoke."
    }
}
