import AccessModel

/// A guard the plan trips. Apply refuses what the guard protects unless the operator overrides
/// it: the narrowing changes for the revocation guard, everything for the guards on the data.
public struct GuardTrip: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable, Comparable {
        /// Changes removing or narrowing current access (`policy.max_revocations`).
        case revocations = "max_revocations"
        /// New grants (`policy.max_grants`).
        case grants = "max_grants"
        /// People whose records were skipped (`policy.max_skipped_records`).
        case skippedRecords = "max_skipped_records"
        /// Revocations of people missing from the member data (`policy.max_missing_members`).
        case missingMembers = "max_missing_members"
        /// An entity that shrank since the last successful apply (`policy.max_data_shrink`).
        case dataShrink = "max_data_shrink"

        /// Whether the trip makes the data suspect, so that apply changes nothing at all. Only
        /// the revocation guard lets apply go on with the changes that give or widen access.
        public var distrustsData: Bool { self != .revocations }

        public static func < (lhs: Kind, rhs: Kind) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    public var kind: Kind
    /// How many there are (changes, people, or records lost).
    public var count: Int
    /// How many the limit allows.
    public var allowed: Int
    public var limit: AccessPolicy.Limit
    /// What a share is taken of: members, customers, or the entity's size at the last apply.
    public var base: Int
    /// For `max_data_shrink`: the entity.
    public var entity: MemberEntity?
    /// For the revocation guards: how many changes each cause has, commonest first.
    public var causes: [CauseCount]

    public init(
        kind: Kind, count: Int, allowed: Int, limit: AccessPolicy.Limit, base: Int, entity: MemberEntity? = nil, causes: [CauseCount] = []
    ) {
        self.kind = kind
        self.count = count
        self.allowed = allowed
        self.limit = limit
        self.base = base
        self.entity = entity
        self.causes = causes
    }
}

public struct CauseCount: Codable, Sendable, Equatable {
    public var cause: Cause
    public var count: Int

    public init(_ cause: Cause, _ count: Int) {
        self.cause = cause
        self.count = count
    }
}

/// A warning about the config or the member data, where it was found.
public struct PlanWarning: Codable, Sendable, Equatable {
    public var location: SourceLocation?
    public var message: String

    public init(location: SourceLocation?, message: String) {
        self.location = location
        self.message = message
    }

    /// A loading diagnostic as a plan shows it: where, then the field and the message.
    public init(_ diagnostic: Diagnostic) {
        self.init(location: diagnostic.location, message: (diagnostic.path.map { "\($0): " } ?? "") + diagnostic.message)
    }
}
