import AccessModel
import Foundation
import MemberSources
import SQLiteNIO
import TestSupport
import Testing

/// The schema both databases get: a platform's own tables, in its own words.
private let platformSchema = [
    "create table clients (client_id integer primary key, first_name text, last_name text, email text, photo blob)",
    "create table plans (plan_id integer, client_id integer, plan text, state text, start_date text, end_date text)",
    "insert into clients values (1, 'Ana', 'Silva', 'ana@example.org', null), (2, 'Ben', 'Okafor', 'ben@example.org', null)",
    "insert into plans values (10, 1, 'Unlimited', 'Current', '2026-01-01', null), (11, 2, 'Unlimited', 'Frozen', '2026-02-01', '2026-12-31')",
]

private let nativeQueries = [
    SQLSource.Query(entity: .customers, sql: "select client_id as id, first_name || ' ' || last_name as name, email from clients"),
    SQLSource.Query(
        entity: .memberships,
        sql:
            "select plan_id as id, client_id as customer_id, plan as type, 'active' as status, start_date as starts_on, end_date as ends_on from plans where state = 'Current'"
    ),
]

private let mappedMemberships = SQLSource.Query(
    entity: .memberships, sql: "select * from plans",
    mapping: RecordMapping(
        entity: .memberships,
        columns: [
            "id": ["plan_id"], "customer_id": ["client_id"], "type": ["plan"], "status": ["state"], "starts_on": ["start_date"],
            "ends_on": ["end_date"],
        ],
        values: ["status": ["active": ["Current"], "paused": ["Frozen"]]]))

private func messages(_ load: () throws(DiagnosticsError) -> LoadedMemberData) -> [String] {
    do {
        _ = try load()
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

@Suite("SQLite sources")
struct SQLiteSourceTests {
    /// A database file with the platform's tables and `extra` statements run after them.
    private func database(_ extra: [String] = []) async throws -> String {
        let path = NSTemporaryDirectory() + "kisictl-\(UUID().uuidString).sqlite"
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        for statement in platformSchema + extra { _ = try await connection.query(statement) }
        try await connection.close()
        return path
    }

    private func load(_ path: String, _ queries: [SQLSource.Query]) throws(DiagnosticsError) -> LoadedMemberData {
        try MemberSource.load(.sql(SQLSource(database: .sqlite(path: path), queries: queries)), relativeTo: "/")
    }

    @Test func readsKisictlFieldsFromQueries() async throws {
        let path = try await database()
        let loaded = try load(path, nativeQueries)
        #expect(loaded.data.customers.map(\.email) == ["ana@example.org", "ben@example.org"])
        #expect(loaded.data.customers.map(\.name) == ["Ana Silva", "Ben Okafor"])
        #expect(loaded.data.memberships.map(\.id) == ["10"])
        #expect(loaded.data.memberships.first?.startsOn == LocalDate(year: 2026, month: 1, day: 1))
        #expect(loaded.origin == "sqlite database \(path)")
    }

    @Test func readsAPlatformsColumnsThroughAMapping() async throws {
        let path = try await database()
        let loaded = try load(path, [nativeQueries[0], mappedMemberships])
        #expect(loaded.data.memberships.map(\.status) == [.active, .paused])
        #expect(loaded.data.memberships.last?.endsOn == LocalDate(year: 2026, month: 12, day: 31))
    }

    @Test func anUnmappedValueNamesTheQueryAndTheRow() async throws {
        let path = try await database(["insert into plans values (12, 1, 'Unlimited', 'Payment failed', '2026-03-01', null)"])
        let errors = messages { () throws(DiagnosticsError) in try load(path, [nativeQueries[0], mappedMemberships]) }
        #expect(
            errors.contains {
                $0.hasPrefix(
                    "sqlite query memberships:3: error: status: column \"state\": \"Payment failed\" is not in source.sqlite.queries.memberships.values.status"
                )
            }, "\(errors)")
    }

    @Test func aBadQueryNamesTheQuery() async throws {
        let path = try await database()
        let errors = messages { () throws(DiagnosticsError) in try load(path, [SQLSource.Query(entity: .customers, sql: "select * from customerz")]) }
        #expect(errors == ["sqlite query customers:0: error: source.sqlite.queries.customers: no such table: customerz"])
    }

    @Test func aColumnOfAnUnreadableTypeNamesTheColumnAndTheRow() async throws {
        let path = try await database(["update clients set photo = x'89504e47' where client_id = 2"])
        let errors = messages { () throws(DiagnosticsError) in
            try load(path, [SQLSource.Query(entity: .customers, sql: "select client_id as id, first_name as name, email, photo from clients")])
        }
        #expect(
            errors.contains(
                "sqlite query customers:2: error: photo: column \"photo\" is of type blob, which kisictl does not read: cast it in the query (photo::text)"
            ), "\(errors)")
    }

    @Test func aValueOfTheWrongKindNamesTheRow() async throws {
        let path = try await database()
        let errors = messages { () throws(DiagnosticsError) in
            try load(
                path,
                [
                    nativeQueries[0],
                    SQLSource.Query(
                        entity: .memberships,
                        sql: "select plan_id as id, client_id as customer_id, plan as type, 'active' as status, 20260101 as starts_on from plans"),
                ])
        }
        #expect(errors.contains("sqlite query memberships:1: error: starts_on: expected a date such as 2026-11-23, found \"20260101\""), "\(errors)")
    }

    @Test func anEmptyResultStopsTheRun() async throws {
        let path = try await database(["delete from clients"])
        let errors = messages { () throws(DiagnosticsError) in try load(path, nativeQueries) }
        #expect(errors.contains { $0.contains("holds no customers; refusing to treat an empty export as nobody qualifying") }, "\(errors)")
    }

    @Test func aMissingFileIsNotCreated() throws {
        let path = NSTemporaryDirectory() + "kisictl-missing-\(UUID().uuidString).sqlite"
        let errors = messages { () throws(DiagnosticsError) in try load(path, nativeQueries) }
        #expect(errors == ["error: source sqlite database \(path): cannot connect: no database file \(path)"])
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

@Suite("PostgreSQL sources (a real server on loopback)")
struct PostgresSourceTests {
    /// A fresh database holding the platform's tables, with `extra` statements after them.
    private func database(_ extra: [String] = []) throws -> (PostgresServer, String) {
        let server = try PostgresServer.shared()
        let name = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        try server.execute("create database \(name)")
        let schema = platformSchema.map { $0.replacingOccurrences(of: "photo blob", with: "photo bytea") } + extra
        try server.execute(schema.joined(separator: "; "), database: String(name))
        return (server, String(name))
    }

    private func load(_ url: String?, _ queries: [SQLSource.Query]) throws(DiagnosticsError) -> LoadedMemberData {
        try MemberSource.load(
            .sql(SQLSource(database: .postgres(urlEnv: "MEMBERS_URL"), queries: queries, timeout: TimeSpan(seconds: 20))), relativeTo: "/",
            environment: url.map { ["MEMBERS_URL": $0] } ?? [:])
    }

    @Test func readsKisictlFieldsAndConvertsTypes() throws {
        let (server, name) = try database([
            "create table sessions (id int8, customer_id int4, starts_at timestamptz, ends_at timestamp, guests text[])",
            "insert into sessions values (7, 1, '2026-11-23 07:00:00+00', '2026-11-23 08:00:00', '{pia@example.org,raj@example.org}')",
        ])
        let loaded = try load(
            server.url(database: name),
            nativeQueries + [
                SQLSource.Query(
                    entity: .bookings,
                    sql:
                        "select id, customer_id, 'room' as resource_type, 'Studio A' as resource, starts_at, ends_at, 'confirmed' as status, guests as invitees from sessions"
                )
            ])
        #expect(loaded.data.customers.map(\.email) == ["ana@example.org", "ben@example.org"])
        #expect(loaded.data.memberships.first?.startsOn == LocalDate(year: 2026, month: 1, day: 1))
        let booking = try #require(loaded.data.bookings.first)
        #expect(booking.id == "7")
        #expect(booking.startsAt == .instant(Instant(secondsSinceEpoch: 1_795_417_200)))
        #expect(booking.endsAt == .local(LocalDateTime(date: LocalDate(year: 2026, month: 11, day: 23)!, hour: 8)))
        #expect(booking.invitees == ["pia@example.org", "raj@example.org"])
        #expect(loaded.origin == "postgres database at $MEMBERS_URL")
    }

    @Test func readsAPlatformsColumnsThroughAMapping() throws {
        let (server, name) = try database()
        let loaded = try load(server.url(database: name), [nativeQueries[0], mappedMemberships])
        #expect(loaded.data.memberships.map(\.status) == [.active, .paused])
    }

    @Test func aWrongPasswordFailsWithoutShowingIt() throws {
        let server = try PostgresServer.shared()
        let errors = messages { () throws(DiagnosticsError) in try load(server.url(password: "wrong-Pass-42"), nativeQueries) }
        #expect(errors == ["error: source postgres database at $MEMBERS_URL: cannot connect: password authentication failed for user \"kisictl\""])
        #expect(!errors.joined().contains("wrong-Pass-42"))
    }

    @Test func anUnreachableServerFails() throws {
        let server = try PostgresServer.shared()
        let errors = messages { () throws(DiagnosticsError) in try load(server.url(port: LoopbackPort.free()), nativeQueries) }
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("error: source postgres database at $MEMBERS_URL: cannot connect: ") == true, "\(errors)")
        #expect(!errors.joined().contains(PostgresServer.password))
    }

    @Test func anUnsetOrBadURLIsNamedByItsVariable() throws {
        #expect(
            messages { () throws(DiagnosticsError) in try load(nil, nativeQueries) } == [
                "error: source postgres database at $MEMBERS_URL: cannot connect: $MEMBERS_URL is not set: set it to the database's URL, postgres://USER:PASSWORD@HOST:PORT/DATABASE"
            ])
        let errors = messages { () throws(DiagnosticsError) in try load("mysql://root:hunter2@db/members", nativeQueries) }
        #expect(
            errors == [
                "error: source postgres database at $MEMBERS_URL: cannot connect: $MEMBERS_URL is not a URL such as postgres://USER:PASSWORD@HOST:PORT/DATABASE"
            ])
    }

    @Test func aBadQueryNamesTheQuery() throws {
        let (server, name) = try database()
        let errors = messages { () throws(DiagnosticsError) in
            try load(server.url(database: name), [SQLSource.Query(entity: .customers, sql: "select id, name, email from customerz")])
        }
        #expect(errors == ["postgres query customers:0: error: source.postgres.queries.customers: relation \"customerz\" does not exist"])
    }

    @Test func aColumnOfAnUnreadableTypeNamesTheColumnAndTheRow() throws {
        let (server, name) = try database(["update clients set photo = '\\x89504e47' where client_id = 2"])
        let errors = messages { () throws(DiagnosticsError) in
            try load(
                server.url(database: name),
                [SQLSource.Query(entity: .customers, sql: "select client_id as id, first_name as name, email, photo from clients order by client_id")]
            )
        }
        #expect(
            errors.contains(
                "postgres query customers:2: error: photo: column \"photo\" is of type BYTEA, which kisictl does not read: cast it in the query (photo::text)"
            ), "\(errors)")
    }

    @Test func anEmptyResultStopsTheRun() throws {
        let (server, name) = try database(["delete from clients"])
        let errors = messages { () throws(DiagnosticsError) in try load(server.url(database: name), nativeQueries) }
        #expect(errors.contains { $0.contains("holds no customers; refusing to treat an empty export as nobody qualifying") }, "\(errors)")
    }
}
