import AccessModel
import Foundation
import MemberSources
import Testing

@Suite("Member data: the files source")
struct FileSourceTests {
    @Test("CSV exports load with every column of the contract")
    func loadsCSV() throws {
        let folder = try DataFolder([
            "customers.csv": customersCSV,
            "memberships.csv": """
            id,customer_id,company_id,type,status,starts_on,ends_on,sessions_remaining,blocked_reason
            m-1,c-1,,10-Class Pack,active,2026-11-01,2027-01-31,3,
            m-2,,co-1,Team Plan,Blocked,2026-01-01,,,"invoice overdue, 30 days"
            """,
            "registrations.csv":
                "id,customer_id,kind,session,starts_at,ends_at,status\r\nr-1,c-1,class,\"Yoga, Flow\",2026-11-23T07:00,2026-11-23T08:00,No-Show\r\n",
            "bookings.csv":
                "id,customer_id,resource_type,resource,starts_at,ends_at,status,invitees\nb-1,c-2,room,Board Room,2026-11-23T12:00:00-05:00,2026-11-23T16:00:00-05:00,confirmed,a@x.example; b@y.example\n",
        ])
        let loaded = try folder.load()
        let data = loaded.data
        #expect(loaded.warnings.isEmpty)
        #expect(data.customers.map(\.id) == ["c-1", "c-2"])
        #expect(data.customers[1].companyID == "co-1")
        #expect(data.memberships[0].sessionsRemaining == 3)
        #expect(data.memberships[0].endsOn?.isoString == "2027-01-31")
        #expect(data.memberships[1].holder == .company("co-1"))
        #expect(data.memberships[1].status == .blocked)
        #expect(data.memberships[1].blockedReason == "invoice overdue, 30 days")
        #expect(data.registrations[0].session == "Yoga, Flow")
        #expect(data.registrations[0].status == .noShow)
        #expect(data.registrations[0].origin.line == 2)
        #expect(data.bookings[0].invitees == ["a@x.example", "b@y.example"])
        #expect(data.bookings[0].startsAt == .instant(Instant(secondsSinceEpoch: 1_795_453_200)))
        #expect(data.providedEntities == [.customers, .memberships, .registrations, .bookings])
    }

    @Test("households, ages, tags, payment graces and holds load from their columns and holds.csv")
    func loadsOperatorFields() throws {
        let folder = try DataFolder([
            "customers.csv": """
            id,name,email,household_id,birth_date,tags
            c-1,Ana Lima,ana@example.com,h-1,1985-04-02,waiver; Induction
            c-2,Teo Lima,teo@example.com,h-1,2015-06-01,
            """,
            "memberships.csv": """
            id,customer_id,household_id,type,status,starts_on,blocked_since
            m-1,,h-1,Family,blocked,2026-01-01,2026-11-20
            m-2,c-1,,Unlimited,active,2026-01-01,2026-11-20T14:30:00Z
            """,
            "holds.csv": "id,membership_id,starts_on,ends_on\nh-9,m-2,2026-12-10,2026-12-20\n",
        ])
        let data = try folder.load().data
        #expect(data.customers[0].householdID == "h-1")
        #expect(data.customers[0].birthDate?.isoString == "1985-04-02")
        #expect(data.customers[0].tags == ["waiver", "Induction"])
        #expect(data.customers[1].tags == [])
        #expect(data.memberships[0].holder == .household("h-1"))
        #expect(data.memberships[0].blockedSince == .local(LocalDateTime(date: LocalDate(year: 2026, month: 11, day: 20)!)))
        #expect(data.memberships[1].blockedSince == .instant(Instant(secondsSinceEpoch: 1_795_185_000)))
        #expect(data.holds.map(\.id) == ["h-9"])
        #expect(data.holds[0].membershipID == "m-2")
        #expect(data.holds[0].endsOn.isoString == "2026-12-20")
        #expect(data.providedEntities.contains(.holds))
    }

    @Test("a hold ending before it starts, or a membership with two holders, is an error naming the row")
    func badOperatorRows() throws {
        let folder = try DataFolder([
            "customers.csv": customersCSV,
            "memberships.csv": "id,customer_id,household_id,type,status,starts_on\nm-1,c-1,h-1,Family,active,2026-01-01\n",
            "holds.csv": "id,membership_id,starts_on,ends_on\nh-1,m-1,2026-12-10,2026-12-01\n",
        ])
        #expect(
            folder.problems(folder.load) == [
                "memberships.csv:2: error: household_id: a membership belongs to one customer, company or household: fill only one of customer_id, company_id and household_id",
                "holds.csv:2: error: ends_on: ends_on 2026-12-01 is before starts_on 2026-12-10",
            ])
    }

    @Test("JSON exports load, with numbers as ids and arrays of invitees")
    func loadsJSON() throws {
        let folder = try DataFolder([
            "customers.json": #"[{"id": 1001, "name": "Ann", "email": "ann@example.com", "company_id": null}]"#,
            "bookings.json":
                #"[{"id": "b-1", "customer_id": 1001, "resource_type": "desk", "resource": "Desk 4", "starts_at": "2026-11-23T09:00", "ends_at": "2026-11-23T17:00", "status": "confirmed", "invitees": ["g@example.org"]}]"#,
        ])
        let data = try folder.load().data
        #expect(data.customers.first?.id == "1001")
        #expect(data.bookings.first?.customerID == "1001")
        #expect(data.bookings.first?.invitees == ["g@example.org"])
        #expect(data.providedEntities == [.customers, .bookings])
    }

    @Test("a bad row names file:line, the column and the problem; every bad row is reported")
    func badRows() throws {
        let folder = try DataFolder([
            "customers.csv": customersCSV,
            "memberships.csv": """
            id,customer_id,type,status,starts_on,ends_on,sessions_remaining
            m-1,c-1,Unlimited,active,23/11/2026,,
            m-2,c-1,Unlimited,frozen,2026-11-01,2026-10-01,-2
            m-3,,Unlimited,active,2026-11-01,,
            """,
            "registrations.json": """
            [
              {"id": "r-1", "customer_id": "c-1", "kind": "class", "session": "HIIT",
               "starts_at": "2026-11-23T08:00", "ends_at": "2026-11-23T07:00", "status": "booked"},
              {"id": "r-2", "customer_id": "c-1", "kind": "klass", "session": "HIIT",
               "starts_at": "2026-11-23 07:00", "ends_at": true, "status": "booked"}
            ]
            """,
        ])
        #expect(
            folder.problems(folder.load) == [
                "memberships.csv:2: error: starts_on: expected a date such as 2026-11-23, found \"23/11/2026\"",
                "memberships.csv:3: error: status: expected one of active, paused, blocked, cancelled, expired, found \"frozen\"",
                "memberships.csv:3: error: sessions_remaining: expected a whole number of sessions (0 or more), found \"-2\"",
                "memberships.csv:3: error: ends_on: ends_on 2026-10-01 is before starts_on 2026-11-01",
                "memberships.csv:4: error: customer_id: a membership needs customer_id, company_id or household_id",
                "registrations.json:2: error: ends_at: ends_at is not after starts_at",
                "registrations.json:4: error: kind: expected one of class, appointment, course, found \"klass\" (did you mean \"class\"?)",
                "registrations.json:4: error: ends_at: expected text, found a boolean",
            ])
    }

    @Test("a missing or misspelt column is an error with a suggestion")
    func badHeader() throws {
        let folder = try DataFolder([
            "customers.csv": "id,name,emial\nc-1,Ann,ann@example.com\n",
            "memberships.csv": "id,customer_id,type,status,starts_on,ends_onn\nm-1,c-1,A,active,2026-01-01,2026-12-31\n",
        ])
        #expect(
            folder.problems(folder.load) == [
                "customers.csv:1: error: email: missing column \"email\" (did you mean \"emial\"?)",
                "memberships.csv:1: error: ends_onn: unknown column \"ends_onn\" (did you mean \"ends_on\"?)",
            ])
    }

    @Test("extra columns that resemble nothing of ours are ignored")
    func extraColumns() throws {
        let folder = try DataFolder(["customers.csv": "id,name,email,phone,marketing_opt_in\nc-1,Ann,ann@example.com,555,yes\n"])
        #expect(try folder.load().data.customers.count == 1)
    }

    @Test("a missing customers file is an error, never 'nobody qualifies'")
    func missingCustomers() throws {
        let folder = try DataFolder(["memberships.csv": "id,customer_id,type,status,starts_on\n"])
        #expect(
            folder.problems(folder.load) == [
                "error: no customers in the member data (customers.csv); refusing to treat a missing export as nobody qualifying"
            ])
    }

    @Test("an empty customers file is an error, never 'nobody qualifies'", arguments: ["", "id,name,email\n", "[]"])
    func emptyCustomers(content: String) throws {
        let name = content == "[]" ? "customers.json" : "customers.csv"
        let folder = try DataFolder([name: content])
        #expect(
            folder.problems(folder.load) == [
                "error: customers.csv holds no customers; refusing to treat an empty export as nobody qualifying"
            ])
    }

    @Test("a data folder that does not exist, both CSV and JSON for one entity, invalid JSON: each an error")
    func unreadable() throws {
        #expect(throws: DiagnosticsError.self) { try MemberSource.load(.files(directory: "/nonexistent"), relativeTo: "/") }
        let both = try DataFolder(["customers.csv": customersCSV, "customers.json": "[]"])
        #expect(both.problems(both.load).first?.hasSuffix("keep one so it is clear which export is current") == true)
        let broken = try DataFolder(["customers.json": "[\n  {\"id\": \"c-1\",}\n]"])
        #expect(broken.problems(broken.load) == ["customers.json:2: error: invalid JSON: expected a quoted key"])
    }

    @Test("CSV details: quoted newlines keep line numbers right, a BOM is ignored, an open quote is an error")
    func csvDetails() throws {
        let folder = try DataFolder([
            "customers.csv": "\u{FEFF}id,name,email\nc-1,\"Ann\nArcher\",ann@example.com\nc-2,Ben,\n"
        ])
        let loaded = try folder.load()
        #expect(loaded.data.customers.map(\.name) == ["Ann\nArcher", "Ben"])
        #expect(loaded.data.customers.map(\.origin.line) == [2, 4])
        let open = try DataFolder(["customers.csv": "id,name,email\nc-1,\"Ann,ann@example.com\n"])
        #expect(open.problems(open.load).first == "customers.csv:2: error: a quoted field is never closed")
    }

    @Test("duplicate record ids are reported")
    func duplicateIDs() throws {
        let folder = try DataFolder([
            "customers.csv": customersCSV,
            "memberships.csv": "id,customer_id,type,status,starts_on\nm-1,c-1,A,active,2026-01-01\nm-1,c-2,A,active,2026-01-01\n",
        ])
        #expect(
            folder.problems(folder.load)
                == ["memberships.csv:3: warning: id: membership id m-1 also appears at memberships.csv:2; reasons naming #m-1 are ambiguous"].map {
                    folder.strip($0)
                })
    }
}
