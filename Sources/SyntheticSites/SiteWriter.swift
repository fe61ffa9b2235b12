import AccessModel
import Foundation

/// Writes member data as the `files` source reads it: one CSV per entity.
public enum SiteWriter {
    public static func writeCSV(_ data: MemberData, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try write(folder + "/customers.csv", header: "id,name,email,company_id", data.customers) {
            [$0.id, $0.name, $0.email, $0.companyID ?? ""]
        }
        try write(
            folder + "/memberships.csv",
            header: "id,customer_id,company_id,type,status,starts_on,ends_on,sessions_remaining,blocked_reason", data.memberships
        ) {
            let (customer, company): (String, String) =
                switch $0.holder {
                case .customer(let id): (id, "")
                case .company(let id): ("", id)
                }
            return [
                $0.id, customer, company, $0.type, $0.status.rawValue, $0.startsOn.isoString, $0.endsOn?.isoString ?? "",
                $0.sessionsRemaining.map(String.init) ?? "", $0.blockedReason ?? "",
            ]
        }
        try write(folder + "/registrations.csv", header: "id,customer_id,kind,session,starts_at,ends_at,status", data.registrations) {
            [$0.id, $0.customerID, $0.kind.rawValue, $0.session, text($0.startsAt), text($0.endsAt), $0.status.rawValue]
        }
        try write(folder + "/bookings.csv", header: "id,customer_id,resource_type,resource,starts_at,ends_at,status,invitees", data.bookings) {
            [
                $0.id, $0.customerID, $0.resourceType.rawValue, $0.resource, text($0.startsAt), text($0.endsAt), $0.status.rawValue,
                $0.invitees.joined(separator: ";"),
            ]
        }
    }

    static func text(_ moment: Moment) -> String {
        switch moment {
        case .instant(let instant): return instant.rfc3339
        case .local(let local): return String(local.isoString.prefix(16))
        }
    }

    private static func write<Record>(_ path: String, header: String, _ records: [Record], _ fields: (Record) -> [String]) throws {
        var out = header + "\n"
        out.reserveCapacity(records.count * 80)
        for record in records {
            out += fields(record).map(escape).joined(separator: ",")
            out += "\n"
        }
        try out.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
