import AccessModel
import KisiConfig
import Testing

@Suite("source: postgres, sqlite and http in the config")
struct ServiceSourceConfigTests {
    private func source(_ yaml: String) throws -> SourceSpec {
        try TemporarySite("version: 1\ntimezone: UTC\nsource:\n" + yaml + "\ngroups:\n  g: {name: G, managed: false}\n").load().get().config.source
    }

    private func errors(_ yaml: String) throws -> [String] {
        try TemporarySite("version: 1\ntimezone: UTC\nsource:\n" + yaml + "\ngroups:\n  g: {name: G, managed: false}\n").errors()
    }

    @Test("postgres reads its URL's variable and one query per entity, plain or mapped")
    func postgres() throws {
        let spec = try source(
            """
              postgres:
                url_env: DATABASE_URL
                queries:
                  customers: select id, name, email from customers
                  memberships:
                    query: select * from plans
                    columns: {id: plan_id, customer_id: client, type: plan, status: state, starts_on: started}
                    values: {status: {active: [Current]}}
              timeout: 30s
            """)
        #expect(
            spec
                == .sql(
                    SQLSource(
                        database: .postgres(urlEnv: "DATABASE_URL"),
                        queries: [
                            .init(entity: .customers, sql: "select id, name, email from customers"),
                            .init(
                                entity: .memberships, sql: "select * from plans",
                                mapping: RecordMapping(
                                    entity: .memberships,
                                    columns: [
                                        "id": ["plan_id"], "customer_id": ["client"], "type": ["plan"], "status": ["state"], "starts_on": ["started"],
                                    ],
                                    values: ["status": ["active": ["Current"]]])),
                        ], timeout: TimeSpan(seconds: 30))))
    }

    @Test("sqlite reads its file; its mistakes are named at their place")
    func sqlite() throws {
        #expect(
            try source("  sqlite: {path: members.sqlite, queries: {customers: select * from customers}}")
                == .sql(SQLSource(database: .sqlite(path: "members.sqlite"), queries: [.init(entity: .customers, sql: "select * from customers")])))
        let found = try errors("  sqlite: {path: m.sqlite, queries: {memberships: select 1, custmers: x}}\n  timeout: 1m")
        #expect(found.contains { $0.contains("source.sqlite.queries.custmers: unknown key \"custmers\" (did you mean \"customers\"?)") }, "\(found)")
        #expect(found.contains { $0.contains("source.timeout: timeout applies to command, postgres and http sources only") }, "\(found)")
        #expect(try errors("  sqlite: {path: m.sqlite, queries: {memberships: select 1}}").contains { $0.contains("missing query \"customers\"") })
        #expect(try errors("  sqlite: {path: m.sqlite}\n  files: data").contains { $0.contains("files and sqlite are alternatives: keep one") })
    }

    @Test("http reads its address, credential, pacing and each endpoint's paging and fields")
    func http() throws {
        let spec = try source(
            """
              http:
                base_url: https://api.example.com/v1
                auth: {header: X-Api-Key, value_env: PLATFORM_KEY}
                requests_per_second: 2.5
                attempts: 3
                entities:
                  customers:
                    path: /clients
                    items: data.clients
                    paging: {next_link: links.next}
                    fields: {id: ClientId, name: [Name.First, Name.Last], email: Contact.Email}
                  memberships: {path: /memberships, paging: {page: p, size_param: n, size: 50}}
                  registrations: {path: /visits, paging: offset}
                  bookings: {path: /bookings, paging: next_link}
            """)
        guard case .http(let http) = spec else {
            Issue.record("not an http source")
            return
        }
        #expect(http.baseURL == "https://api.example.com/v1")
        #expect(http.auth == HTTPSource.Auth(header: "X-Api-Key", valueEnv: "PLATFORM_KEY"))
        #expect(http.requestsPerSecond == 2.5)
        #expect(http.attempts == 3)
        #expect(
            http.endpoints.map(\.paging) == [
                .nextLink(path: "links.next"), .page(parameter: "p", sizeParameter: "n", size: 50),
                .offset(parameter: "offset", limitParameter: "limit", size: 100), .nextLink(path: nil),
            ])
        #expect(http.endpoints[0].items == "data.clients")
        #expect(http.endpoints[0].mapping?.columns["name"] == ["Name.First", "Name.Last"])
        #expect(http.endpoints[1].mapping == nil)
    }

    @Test("http's mistakes are named at their place; credentials stay out of the URL")
    func httpMistakes() throws {
        let found = try errors(
            """
              http:
                base_url: https://user:pw@api.example.com
                entities:
                  customers: {path: /c, paging: pages, values: {status: {}}}
            """)
        #expect(found.contains { $0.contains("source.http.base_url: expected an http:// or https:// URL without credentials") }, "\(found)")
        let paging = try errors("  http: {base_url: https://api.example.com, entities: {customers: {path: /c, paging: pages}}}")
        #expect(
            paging.contains {
                $0.contains("source.http.entities.customers.paging: expected next_link, page or offset") && $0.contains("(did you mean \"page\"?)")
            }, "\(paging)")
        let values = try errors("  http: {base_url: https://api.example.com, entities: {customers: {path: /c, values: {status: {}}}}}")
        #expect(values.contains { $0.contains("source.http.entities.customers.values: values needs fields:") }, "\(values)")
        let fields = try errors("  http: {base_url: https://api.example.com, entities: {customers: {path: /c, fields: {id: Id, name: N}}}}")
        #expect(fields.contains { $0.contains("source.http.entities.customers.fields: no column for \"email\"") }, "\(fields)")
    }
}
