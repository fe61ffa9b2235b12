/// A member-data record left out of the evaluation, and why: the guards count these, and a
/// revocation of someone whose record was skipped names the record instead of "not in the data".
public struct SkippedRecord: Hashable, Sendable, Codable {
    public enum Problem: String, Hashable, Sendable, Codable {
        /// A customer without an e-mail address.
        case missingEmail = "missing_email"
        /// A customer whose address fails the syntax check.
        case invalidEmail = "invalid_email"
        /// A booking invitee whose address fails the syntax check.
        case invalidInvitee = "invalid_invitee"
        /// A membership, registration or booking naming a customer the export lacks.
        case unknownCustomer = "unknown_customer"
    }

    public var location: SourceLocation
    public var problem: Problem
    /// The address the record seems to mean (spaces, `mailto:` or a display name taken off):
    /// used only to explain a revocation, never to grant.
    public var meantEmail: String?
    /// The customer the record is (or names): skipped people are counted once however many
    /// of their records are skipped.
    public var customerID: String?

    public init(at location: SourceLocation, _ problem: Problem, meantEmail: String? = nil, customerID: String? = nil) {
        self.location = location
        self.problem = problem
        self.meantEmail = meantEmail
        self.customerID = customerID
    }

    /// Who was skipped: the customer, or else the address meant, or else the record.
    public var person: String {
        customerID.map { "customer " + $0 } ?? meantEmail ?? location.description
    }
}

extension SourceLocation: Codable {
    enum CodingKeys: String, CodingKey { case file, line, column }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            file: try container.decode(String.self, forKey: .file), line: try container.decode(Int.self, forKey: .line),
            column: try container.decodeIfPresent(Int.self, forKey: .column))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encodeIfPresent(column, forKey: .column)
    }
}
