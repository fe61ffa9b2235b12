import AccessModel
import JSONSupport

/// The member data as kisictl read it, in its own fields and words (`validate --data-json`):
/// what a mapping, a separator or an encoding produced, record by record, each with the place it
/// came from, so that a mapping can be checked before anything is planned from it.
public enum MemberDataJSON {
    public static func render(_ data: MemberData) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func moment(_ moment: Moment) -> JSONValue {
            switch moment {
            case .instant(let instant): .string(instant.rfc3339)
            case .local(let local): .string(local.isoString)
            }
        }
        func source(_ location: SourceLocation) -> (String, JSONValue) { ("source", .string("\(location.file):\(location.line)")) }
        var entities: [(String, JSONValue)] = []
        func add<Record>(_ entity: MemberEntity, _ records: [Record], _ fields: (Record) -> [(String, JSONValue)]) {
            guard data.providedEntities.contains(entity) else { return }
            entities.append((entity.rawValue, .array(records.map { .object(fields($0)) })))
        }
        add(.customers, data.customers) { customer in
            [
                ("id", .string(customer.id)), ("name", .string(customer.name)), ("email", .string(customer.email)),
                ("company_id", text(customer.companyID)), ("household_id", text(customer.householdID)),
                ("birth_date", text(customer.birthDate?.isoString)), ("tags", .array(customer.tags.map(JSONValue.string))), source(customer.origin),
            ]
        }
        add(.memberships, data.memberships) { membership in
            let holder: (String, JSONValue) =
                switch membership.holder {
                case .customer(let id): ("customer_id", .string(id))
                case .company(let id): ("company_id", .string(id))
                case .household(let id): ("household_id", .string(id))
                }
            return [
                ("id", .string(membership.id)), holder, ("type", .string(membership.type)), ("status", .string(membership.status.rawValue)),
                ("starts_on", .string(membership.startsOn.isoString)), ("ends_on", text(membership.endsOn?.isoString)),
                ("sessions_remaining", membership.sessionsRemaining.map { .int($0) } ?? .null), ("blocked_reason", text(membership.blockedReason)),
                ("blocked_since", membership.blockedSince.map(moment) ?? .null), source(membership.origin),
            ]
        }
        add(.registrations, data.registrations) { registration in
            [
                ("id", .string(registration.id)), ("customer_id", .string(registration.customerID)), ("kind", .string(registration.kind.rawValue)),
                ("session", .string(registration.session)), ("starts_at", moment(registration.startsAt)), ("ends_at", moment(registration.endsAt)),
                ("status", .string(registration.status.rawValue)), source(registration.origin),
            ]
        }
        add(.bookings, data.bookings) { booking in
            [
                ("id", .string(booking.id)), ("customer_id", .string(booking.customerID)), ("resource_type", .string(booking.resourceType.rawValue)),
                ("resource", .string(booking.resource)), ("starts_at", moment(booking.startsAt)), ("ends_at", moment(booking.endsAt)),
                ("status", .string(booking.status.rawValue)), ("invitees", .array(booking.invitees.map(JSONValue.string))), source(booking.origin),
            ]
        }
        add(.holds, data.holds) { hold in
            [
                ("id", .string(hold.id)), ("membership_id", .string(hold.membershipID)), ("starts_on", .string(hold.startsOn.isoString)),
                ("ends_on", .string(hold.endsOn.isoString)), source(hold.origin),
            ]
        }
        return .object(entities)
    }
}
