import AccessModel

/// Several sources (`sources:`) read as one: each loads on its own (every failure of every source
/// is reported, and any stops the run), then the records are put together with their ids
/// prefixed by the source's name (`staff:7`), so that a customer id of one source never meets a
/// membership of another. People are merged by e-mail when the site is evaluated; a person two
/// sources name differently is a warning there.
enum SeveralSources {
    static func load(
        _ sources: [NamedSource], relativeTo directory: String, withholding secrets: [String], environment: [String: String]
    ) throws(DiagnosticsError)
        -> LoadedMemberData
    {
        var diagnostics: [Diagnostic] = []
        var merged = MemberData(providedEntities: [])
        var warnings: [Diagnostic] = []
        var origins: [String] = []
        var fingerprints: [String] = []
        var files: [String: String] = [:]
        for source in sources {
            let loaded: LoadedMemberData
            do {
                loaded = try MemberSource.load(source.spec, relativeTo: directory, withholding: secrets, environment: environment)
            } catch {
                diagnostics += error.diagnostics.map { $0.prefixed("source \(source.name): ") }
                continue
            }
            add(loaded.data, named: source.name, to: &merged)
            warnings += loaded.warnings
            origins.append("\(source.name) (\(loaded.origin))")
            fingerprints.append(source.name + " " + loaded.fingerprint)
            files.merge(loaded.files) { first, _ in first }
        }
        if diagnostics.hasErrors { throw DiagnosticsError(diagnostics + warnings) }
        return LoadedMemberData(
            data: merged, warnings: warnings, origin: "sources " + origins.joined(separator: ", "),
            fingerprint: Fingerprint.of(fingerprints.joined(separator: "\n")), files: files)
    }

    private static func add(_ data: MemberData, named name: String, to merged: inout MemberData) {
        func id(_ value: String) -> String { name + ":" + value }
        merged.providedEntities.formUnion(data.providedEntities)
        merged.customers += data.customers.map { customer in
            var customer = customer
            customer.id = id(customer.id)
            customer.companyID = customer.companyID.map(id)
            customer.householdID = customer.householdID.map(id)
            return customer
        }
        merged.memberships += data.memberships.map { membership in
            var membership = membership
            membership.id = id(membership.id)
            switch membership.holder {
            case .customer(let customer): membership.holder = .customer(id(customer))
            case .company(let company): membership.holder = .company(id(company))
            case .household(let household): membership.holder = .household(id(household))
            }
            return membership
        }
        merged.registrations += data.registrations.map { registration in
            var registration = registration
            registration.id = id(registration.id)
            registration.customerID = id(registration.customerID)
            return registration
        }
        merged.bookings += data.bookings.map { booking in
            var booking = booking
            booking.id = id(booking.id)
            booking.customerID = id(booking.customerID)
            return booking
        }
        merged.holds += data.holds.map { hold in
            var hold = hold
            hold.id = id(hold.id)
            hold.membershipID = id(hold.membershipID)
            return hold
        }
    }
}
