import AccessModel
import Foundation
import MemberSources
import Testing

/// Exports in another platform's shape, read through `source.mapping`.
@Suite("Member data: mapped exports")
struct MappedExportTests {
    static let clients = FileMapping(
        entity: .customers, file: "Clients.csv", columns: ["id": ["Client ID"], "name": ["First Name", "Last Name"], "email": ["E-mail"]])

    static let memberships = FileMapping(
        entity: .memberships, file: "Memberships.csv",
        columns: [
            "id": ["Membership ID"], "customer_id": ["Client ID"], "type": ["Plan"], "status": ["Membership Status"],
            "starts_on": ["Start Date"], "ends_on": ["End Date"],
        ],
        values: ["status": ["active": ["Active", "Current"], "paused": ["Frozen", "On hold"], "blocked": ["Payment failed"]]],
        formats: ["starts_on": "MM/dd/yyyy", "ends_on": "MM/dd/yyyy"])

    private func load(_ files: [String: [UInt8]], _ mappings: [FileMapping]) throws -> (DataFolder, Result<LoadedMemberData, DiagnosticsError>) {
        let folder = try DataFolder([:])
        for (name, bytes) in files { FileManager.default.createFile(atPath: folder.path + "/" + name, contents: Data(bytes)) }
        let result = Result { () throws(DiagnosticsError) in
            try MemberSource.load(.files(directory: folder.path, mappings: mappings), relativeTo: "/")
        }
        return (folder, result)
    }

    private func problems(_ result: Result<LoadedMemberData, DiagnosticsError>, _ folder: DataFolder) -> [String] {
        guard case .failure(let error) = result else { return [] }
        return error.diagnostics.map { folder.strip($0.description) }
    }

    @Test("the example's exports: semicolons and Windows-1252, tabs and a BOM, names joined, words and US dates translated")
    func example() throws {
        let export = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/gym-mindbody/export").path
        var memberships = Self.memberships
        memberships.record.values["status"]!["cancelled"] = ["Cancelled"]
        memberships.record.values["status"]!["expired"] = ["Expired"]
        var clients = Self.clients
        clients.encoding = .windows1252
        let loaded = try MemberSource.load(.files(directory: export, mappings: [clients, memberships]), relativeTo: "/")
        #expect(loaded.data.customers.count == 61)
        #expect(loaded.data.customers.contains { $0.name == "Zoë Zhang" && $0.email == "zoe.zhang@example.net" })
        #expect(loaded.data.memberships.count == 63)
        let first = try #require(loaded.data.memberships.first { $0.id == "GF-0001" })
        #expect(first.status == .paused)
        #expect(first.startsOn == LocalDate(year: 2026, month: 8, day: 25))
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
    }

    @Test("a word the mapping lacks is an error naming file, line, column, the value and the mapping")
    func unmappedWord() throws {
        let (folder, result) = try load(
            [
                "Clients.csv": Array("Client ID,First Name,Last Name,E-mail\n1,Ann,Lee,ann@example.com\n".utf8),
                "Memberships.csv": Array(
                    "Membership ID,Client ID,Plan,Membership Status,Start Date,End Date\nm-1,1,Unlimited,Active,11/01/2026,\nm-2,1,Unlimited,Suspended,11/01/2026,\n"
                        .utf8),
            ], [Self.clients, Self.memberships])
        #expect(
            problems(result, folder) == [
                "Memberships.csv:3: error: status: column \"Membership Status\": \"Suspended\" is not in source.mapping.memberships.values.status (active: Active, Current; blocked: Payment failed; paused: Frozen, On hold): add it to one of them"
            ])
    }

    @Test("a column the export lacks is named with the header; a date off the format is an error")
    func missingColumnAndBadDate() throws {
        let (folder, result) = try load(
            [
                "Clients.csv": Array("Client ID,First Name,Last Name,E-mail Address\n1,Ann,Lee,ann@example.com\n".utf8),
                "Memberships.csv": Array(
                    "Membership ID,Client ID,Plan,Membership Status,Start Date,End Date\nm-1,1,Unlimited,Active,2026-11-01,13/45/2026\n".utf8),
            ], [Self.clients, Self.memberships])
        let found = problems(result, folder)
        #expect(
            found.contains(
                "Clients.csv:1: error: source.mapping.customers.columns.email: no column \"E-mail\" (for email); the header has \"Client ID\", \"First Name\", \"Last Name\", \"E-mail Address\""
            ), "\(found)")
        #expect(
            found.contains(
                "Memberships.csv:2: error: starts_on: column \"Start Date\": \"2026-11-01\" does not match the format MM/dd/yyyy (source.mapping.memberships.formats.starts_on)"
            ), "\(found)")
        #expect(found.contains { $0.contains("\"13/45/2026\" does not match the format MM/dd/yyyy") })
    }

    @Test("the separator is found from the header: comma, semicolon, tab or bar; or given", arguments: [",", ";", "\t", "|"])
    func separators(_ separator: String) throws {
        let text =
            ["Client ID", "First Name", "Last Name", "E-mail"].joined(separator: separator) + "\n"
            + ["7", "Ann \"Nan\"", "Lee", "ann@example.com"].joined(separator: separator) + "\n"
        let (_, detected) = try load(["Clients.csv": Array(text.utf8)], [Self.clients])
        #expect(try detected.get().data.customers.map(\.name) == ["Ann \"Nan\" Lee"])
        var given = Self.clients
        given.delimiter = separator.first
        let (_, explicit) = try load(["Clients.csv": Array(text.utf8)], [given])
        #expect(try explicit.get().data.customers.map(\.email) == ["ann@example.com"])
    }

    @Test("Windows-1252 text read as UTF-8 is an error that says which encoding to set; with it, it reads")
    func encodings() throws {
        let bytes = Array("Client ID;First Name;Last Name;E-mail\n1;Zo".utf8) + [0xEB] + Array(";Zhang;zoe@example.com\n".utf8)
        let (folder, wrong) = try load(["Clients.csv": bytes], [Self.clients])
        #expect(
            problems(wrong, folder) == [
                "Clients.csv:2: error: the file is not UTF-8 text: if it comes from Excel or an older platform, set source.mapping.customers.encoding: windows-1252"
            ])
        var windows = Self.clients
        windows.encoding = .windows1252
        let (_, right) = try load(["Clients.csv": bytes], [windows])
        #expect(try right.get().data.customers.map(\.name) == ["Zoë Zhang"])
    }

    @Test("a JSON export is mapped by its keys")
    func json() throws {
        let clients = FileMapping(
            entity: .customers, file: "clients.json", columns: ["id": ["ClientId"], "name": ["FirstName", "LastName"], "email": ["Email"]])
        let (_, result) = try load(
            ["clients.json": Array(#"[{"ClientId": 12, "FirstName": "Ann", "LastName": "Lee", "Email": "ann@example.com"}]"#.utf8)], [clients])
        let customer = try #require(try result.get().data.customers.first)
        #expect(customer.id == "12")
        #expect(customer.name == "Ann Lee")
    }
}

@Suite("Date formats of exports")
struct DateFormatTests {
    @Test(
        "formats read dates and times into kisictl's forms, and refuse what does not match",
        arguments: [
            ("MM/dd/yyyy", "11/23/2026", "2026-11-23"), ("M/d/yyyy", "1/5/2027", "2027-01-05"), ("dd.MM.yyyy", "23.11.2026", "2026-11-23"),
            ("dd.MM.yyyy HH:mm", "23.11.2026 18:30", "2026-11-23T18:30:00"), ("yyyy-MM-dd HH:mm:ss", "2026-11-23 07:05:09", "2026-11-23T07:05:09"),
            ("MM/dd/yyyy", "02/30/2026", nil), ("MM/dd/yyyy", "2026-11-23", nil), ("dd.MM.yyyy HH:mm", "23.11.2026 24:00", nil),
            ("MM/dd/yyyy", "11/23/2026 extra", nil),
        ] as [(String, String, String?)])
    func formats(_ pattern: String, _ text: String, _ expected: String?) throws {
        let format = try #require(DateFormat(pattern))
        #expect(format.normalized(text) == expected)
    }

    @Test("a pattern with another letter, a part twice or no year is refused", arguments: ["MM/dd/yy", "dd/MM/dd/yyyy", "MM/dd", "Q/yyyy"])
    func refused(_ pattern: String) {
        #expect(DateFormat(pattern) == nil)
    }
}
