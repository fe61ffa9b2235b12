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

    /// The tables of `data`; the columns of households, ages, tags, payment graces and the holds
    /// table only when some record has them, so data without them is written as before.
    public static func tables(_ data: MemberData) -> [Table] {
        let people = data.customers.contains { $0.householdID != nil || $0.birthDate != nil || !$0.tags.isEmpty }
        let households = data.memberships.contains { if case .household = $0.holder { true } else { false } }
        let graces = data.memberships.contains { $0.blockedSince != nil }
        var tables = [
            Table(
                entity: .customers, header: ["id", "name", "email", "company_id"] + (people ? ["household_id", "birth_date", "tags"] : []),
                count: data.customers.count
            ) {
                let customer = data.customers[$0]
                return [customer.id, customer.name, customer.email, customer.companyID ?? ""]
                    + (people ? [customer.householdID ?? "", customer.birthDate?.isoString ?? "", customer.tags.joined(separator: ";")] : [])
            },
            Table(
                entity: .memberships,
                header: ["id", "customer_id", "company_id", "type", "status", "starts_on", "ends_on", "sessions_remaining", "blocked_reason"]
                    + (households ? ["household_id"] : []) + (graces ? ["blocked_since"] : []),
                count: data.memberships.count
            ) {
                let membership = data.memberships[$0]
                var holders = ["", "", ""]
                switch membership.holder {
                case .customer(let id): holders[0] = id
                case .company(let id): holders[1] = id
                case .household(let id): holders[2] = id
                }
                return [
                    membership.id, holders[0], holders[1], membership.type, membership.status.rawValue, membership.startsOn.isoString,
                    membership.endsOn?.isoString ?? "", membership.sessionsRemaining.map(String.init) ?? "", membership.blockedReason ?? "",
                ] + (households ? [holders[2]] : []) + (graces ? [membership.blockedSince.map(text) ?? ""] : [])
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
        if !data.holds.isEmpty {
            tables.append(
                Table(entity: .holds, header: ["id", "membership_id", "starts_on", "ends_on"], count: data.holds.count) {
                    let hold = data.holds[$0]
                    return [hold.id, hold.membershipID, hold.startsOn.isoString, hold.endsOn.isoString]
                })
        }
        return tables
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
