import AccessModel
import Foundation
import JSONSupport

/// Writes member data as the sources read it: one table per entity, as CSV, as JSON, or row by
/// row for anything else (a benchmark's database).
public enum SiteWriter {
    /// One entity's records as text fields under kisictl's column names.
    public struct Table {
        public let entity: MemberEntity
        public let header: [String]
        public let count: Int
        public let row: (Int) -> [String]
    }

    public static func tables(_ data: MemberData) -> [Table] {
        [
            Table(entity: .customers, header: ["id", "name", "email", "company_id"], count: data.customers.count) {
                let customer = data.customers[$0]
                return [customer.id, customer.name, customer.email, customer.companyID ?? ""]
            },
            Table(
                entity: .memberships,
                header: ["id", "customer_id", "company_id", "type", "status", "starts_on", "ends_on", "sessions_remaining", "blocked_reason"],
                count: data.memberships.count
            ) {
                let membership = data.memberships[$0]
                let (customer, company): (String, String) =
                    switch membership.holder {
                    case .customer(let id): (id, "")
                    case .company(let id): ("", id)
                    }
                return [
                    membership.id, customer, company, membership.type, membership.status.rawValue, membership.startsOn.isoString,
                    membership.endsOn?.isoString ?? "", membership.sessionsRemaining.map(String.init) ?? "", membership.blockedReason ?? "",
                ]
            },
            Table(
                entity: .registrations, header: ["id", "customer_id", "kind", "session", "starts_at", "ends_at", "status"],
                count: data.registrations.count
            ) {
                let registration = data.registrations[$0]
                return [
                    registration.id, registration.customerID, registration.kind.rawValue, registration.session, text(registration.startsAt),
                    text(registration.endsAt), registration.status.rawValue,
                ]
            },
            Table(
                entity: .bookings, header: ["id", "customer_id", "resource_type", "resource", "starts_at", "ends_at", "status", "invitees"],
                count: data.bookings.count
            ) {
                let booking = data.bookings[$0]
                return [
                    booking.id, booking.customerID, booking.resourceType.rawValue, booking.resource, text(booking.startsAt), text(booking.endsAt),
                    booking.status.rawValue, booking.invitees.joined(separator: ";"),
                ]
            },
        ]
    }

    public static func writeCSV(_ data: MemberData, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for table in tables(data) {
            var out = table.header.joined(separator: ",") + "\n"
            out.reserveCapacity(table.count * 80)
            for index in 0..<table.count {
                out += table.row(index).map(escape).joined(separator: ",")
                out += "\n"
            }
            try out.write(toFile: "\(folder)/\(table.entity.rawValue).csv", atomically: true, encoding: .utf8)
        }
    }

    /// One JSON array of objects per entity, one object per line, empty fields left out.
    public static func writeJSON(_ data: MemberData, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for table in tables(data) {
            var out = "[\n"
            out.reserveCapacity(table.count * 120)
            for index in 0..<table.count {
                let members = zip(table.header, table.row(index)).filter { !$0.1.isEmpty }.map { ($0.0, JSONValue.string($0.1)) }
                out += JSONValue.object(members).rendered(pretty: false) + (index == table.count - 1 ? "\n" : ",\n")
            }
            out += "]\n"
            try out.write(toFile: "\(folder)/\(table.entity.rawValue).json", atomically: true, encoding: .utf8)
        }
    }

    static func text(_ moment: Moment) -> String {
        switch moment {
        case .instant(let instant): return instant.rfc3339
        case .local(let local): return String(local.isoString.prefix(16))
        }
    }

    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
