import AccessModel
import AccessRules
import Testing

@Suite("Access semantics: a person is an e-mail address")
struct PeopleTests {
    @Test("e-mails are compared trimmed and case-folded; the source's spelling is kept")
    func normalisation() {
        var site = Fixture()
        site.customer("c-1", "  Alice.Archer@Example.COM ")
        let directory = site.evaluator.directory
        let person = directory.person(email: "alice.archer@example.com")
        #expect(person?.email == "Alice.Archer@Example.COM")
        #expect(person?.normalizedEmail == "alice.archer@example.com")
        #expect(directory.person(email: "ALICE.ARCHER@example.com ")?.id == person?.id)
    }

    @Test("records without a valid e-mail are skipped and reported")
    func invalidEmailsSkipped() {
        var site = Fixture()
        site.customer("c-1", "")
        site.customer("c-2", "not-an-address")
        site.customer("c-3", "two@@example.com")
        site.customer("c-4", "ok@example.com")
        site.membership("m-1", customer: "c-2", starts: "2026-01-01")
        site.group("gym", .memberships("Unlimited"))
        let evaluator = site.evaluator
        #expect(evaluator.directory.count == 1)
        let messages = evaluator.diagnostics.map(\.message)
        #expect(messages.contains("customer #c-1 has no e-mail address; skipped (kisictl identifies people by e-mail)"))
        #expect(messages.contains("customer #c-2 has an invalid e-mail address; skipped"))
        #expect(messages.contains("customer #c-3 has an invalid e-mail address; skipped"))
        #expect(messages.contains("membership #m-1: customer #c-2 was skipped, so this record is too"))
        #expect(evaluator.diagnostics.allSatisfy { $0.severity == .warning })
        // The skipped people, once each: the membership of a skipped customer is not another person.
        #expect(Set(evaluator.diagnostics.skippedRecords.map(\.person)) == ["customer c-1", "customer c-2", "customer c-3"])
        // Warnings name records by id, never by address (e-mails are personal data).
        #expect(!messages.joined().contains("not-an-address"))
    }

    @Test("mailto: links, display names and spaces are not addresses; the address they mean explains a revocation only")
    func almostAddresses() {
        for cell in ["mailto:nadia@acme.example", "Nadia Petrov <nadia@acme.example>", "nadia.petrov @acme.example", "\"nadia\"@acme.example"] {
            #expect(!EmailAddress.isValid(cell), "\(cell)")
        }
        #expect(EmailAddress.meant("mailto:Nadia@acme.example") == "nadia@acme.example")
        #expect(EmailAddress.meant("Nadia Petrov <nadia@acme.example>") == "nadia@acme.example")
        #expect(EmailAddress.meant("nadia.petrov @acme.example") == "nadia.petrov@acme.example")
        #expect(EmailAddress.meant("not an address") == nil)
        var site = Fixture()
        site.customer("c-1", "nadia.petrov @acme.example")
        site.customer("c-2", "ok@example.com")
        site.membership("m-1", customer: "c-9", starts: "2026-01-01")
        site.group("gym", .memberships("Unlimited"))
        let skipped = site.evaluator.diagnostics.skippedRecords
        #expect(skipped.map(\.problem) == [.invalidEmail, .unknownCustomer])
        #expect(skipped.first?.meantEmail == "nadia.petrov@acme.example")
        #expect(site.evaluator.directory.person(email: "nadia.petrov@acme.example") == nil, "a cell that is not an address never grants")
    }

    @Test("several records with one e-mail are one person, reported as a warning")
    func duplicatesMerged() {
        var site = Fixture()
        site.customer("c-1", "sam@example.com", name: "Sam")
        site.customer("c-2", "SAM@example.com", name: "Samuel")
        site.membership("m-1", customer: "c-2", starts: "2026-01-01")
        site.group("gym", .memberships("Unlimited"))
        let evaluator = site.evaluator
        #expect(evaluator.directory.count == 1)
        #expect(evaluator.directory.person(email: "sam@example.com")?.customerIDs == ["c-1", "c-2"])
        #expect(evaluator.diagnostics.map(\.message) == ["customers #c-1 and #c-2 share one e-mail address: treated as one person"])
        // The second record's membership grants the one person.
        #expect(site.decide("sam@example.com", in: "gym", at: "2026-11-23T09:00").hasAccessNow)
    }

    @Test("booking invitees who are not customers become people")
    func inviteesArePeople() {
        var site = Fixture()
        site.customer("c-1", "booker@example.com")
        site.booking(
            "b-1", customer: "c-1", from: "2026-11-23T12:00", to: "2026-11-23T13:00",
            invitees: ["Guest@Partner.example", "broken"])
        let evaluator = site.evaluator
        #expect(evaluator.directory.person(email: "guest@partner.example")?.name == nil)
        #expect(evaluator.directory.count == 2)
        #expect(evaluator.diagnostics.map(\.message) == ["booking #b-1: invitee 2 is not a valid e-mail address; skipped"])
    }
}

@Suite("People across several sources")
struct SeveralSourcesPeopleTests {
    @Test("one person in two sources is merged by e-mail; different names are a warning, the same name none")
    func mergedByEmail() {
        let data = MemberData(
            customers: [
                Customer(
                    id: "platform:1", name: "Ann Lee", email: "ann@example.com", origin: SourceLocation(file: "platform/customers.csv", line: 2)),
                Customer(id: "staff:2", name: "ann lee", email: "ANN@example.com", origin: SourceLocation(file: "staff/customers.csv", line: 3)),
                Customer(
                    id: "platform:2", name: "Bob Ray", email: "bob@example.com", origin: SourceLocation(file: "platform/customers.csv", line: 3)),
                Customer(id: "staff:3", name: "Robert Ray", email: "bob@example.com", origin: SourceLocation(file: "staff/customers.csv", line: 4)),
            ], memberships: [], registrations: [], bookings: [], providedEntities: [.customers])
        let directory = PeopleDirectory(data: data)
        #expect(directory.count == 2)
        #expect(
            directory.warnings.map(\.description) == [
                "staff/customers.csv:4: warning: name: customers #platform:2 and #staff:3 have one e-mail address but different names: two sources describe the person differently; treated as one person"
            ])
    }
}
