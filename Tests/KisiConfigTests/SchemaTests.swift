import Foundation
import KisiConfig
import TestSupport
import Testing

@Suite("schema/kisictl.schema.json")
struct SchemaTests {
    let validator: JSONSchemaValidator

    init() throws {
        validator = try JSONSchemaValidator(schemaFiles: [
            repositoryRoot + "/schema/kisictl.schema.json",
            repositoryRoot + "/schema/kisictl-groups.schema.json",
        ])
    }

    static let sites = ["examples/studio", "examples/coworking", "examples/gym", "examples/gym-mindbody", "Tests/Fixtures/design-example"]

    @Test("every example config, and DESIGN.md's, validates against the schema", arguments: sites)
    func examplesValidate(site: String) throws {
        let main = try SchemaValue.load(repositoryRoot + "/" + site + "/kisictl.yaml")
        #expect(validator.errors(main, against: "kisictl.schema.json") == [])
        let groupsFolder = repositoryRoot + "/" + site + "/groups"
        for file in (try? FileManager.default.contentsOfDirectory(atPath: groupsFolder)) ?? [] where file.hasSuffix(".yaml") {
            let groups = try SchemaValue.load(groupsFolder + "/" + file)
            #expect(validator.errors(groups, against: "kisictl-groups.schema.json") == [], "\(file)")
        }
        // The loader accepts what the schema accepts.
        #expect(throws: Never.self) { try ConfigLoader.load(path: repositoryRoot + "/" + site) }
    }

    @Test(
        "the schema rejects what the loader rejects",
        arguments: [
            "version: 1\ntimezone: Europe/London\nsource: {files: data}\ngroups: {g: {name: G, grnat: []}}\n",
            "version: 1\ntimezone: Europe/London\nsource: {files: data}\ngroups: {g: {name: G, grant: [{window: {before: 15m}}]}}\n",
            "version: 1\ntimezone: Europe/London\nsource: {files: data}\ngroups: {g: {name: G, grant: [{bookings: [room], window: {before: 30 minutes}}]}}\n",
            "version: 1\ntimezone: Europe/London\nsource: {files: data}\ngroups: {g: {name: G, grant: [{memberships: [A], registrations: {}}]}}\n",
            "version: 1\ntimezone: Europe/London\nsource: {files: data}\ngroups: {g: {name: G, grant: [{registrations: {}, blocked: allow}]}}\n",
            "version: 1\ntimezone: Europe/London\nsource: {files: data}\ngroups: {g: {name: G, grant: [{bookings: [rooms]}]}}\n",
            "version: 1\ntimezone: Europe/London\nsource: {files: data}\ngroups: {g: {name: G}}\n",
            "version: 2\ntimezone: Europe/London\nsource: {files: data}\ngroups: {}\n",
            "version: 1\ntimezone: Europe/London\nsource: {files: data, command: [x]}\ngroups: {}\n",
            "version: 1\ntimezone: Europe/London\nsource: {files: data, timeout: 5m}\ngroups: {}\n",
            "version: 1\ntimezone: Europe/London\nsource: {files: data}\npolicy: {max_revocations: 120%}\ngroups: {}\n",
            "version: 1\ntimezone: Europe/London\nsource: {files: data}\npolicy: {unexplained_members: delete}\ngroups: {}\n",
            "version: 1\nsource: {files: data}\ngroups: {}\n",
            "version: 1\ntimezone: UTC\nsource: {sqlite: {path: m.sqlite, queries: {customers: x}}, timeout: 1m}\ngroups: {}\n",
            "version: 1\ntimezone: UTC\nsource: {postgres: {url_env: DB, queries: {memberships: x}}}\ngroups: {}\n",
            "version: 1\ntimezone: UTC\nsource: {http: {base_url: 'https://a.example', entities: {customers: {path: /c, paging: pages}}}}\ngroups: {}\n",
            "version: 1\ntimezone: UTC\nsource: {http: {base_url: 'https://a.example', entities: {customers: {path: /c}}}, postgres: {url_env: DB, queries: {customers: x}}}\ngroups: {}\n",
            "version: 1\ntimezone: UTC\nsource: {files: data}\ngroups: {g: {name: G, grant: [{memberships: [A], blocked: {allow: 7d}}]}}\n",
            "version: 1\ntimezone: UTC\nsource: {files: data}\ngroups: {g: {name: G, grant: [{memberships: [A], min_age: 0}]}}\n",
            "version: 1\ntimezone: UTC\nsource: {files: data}\ngroups: {g: {name: G, grant: [{bookings: [room], invitees: guests}]}}\n",
            "version: 1\ntimezone: UTC\nsource: {files: data}\ngroups: {g: {name: G, grant: [{memberships: [A], unless: {}}]}}\n",
            "version: 1\ntimezone: UTC\nsource: {files: data}\ngroups: {g: {name: G, grant: [{memberships: [A], require: {tag: [waiver]}}]}}\n",
            "version: 1\ntimezone: UTC\nsource: {files: data}\ngroups: {g: {name: G, grant: [], extra: [{email: a@example.com, reason: visit}]}}\n",
            "version: 1\ntimezone: UTC\nsource: {files: data}\ngroups: {g: {name: G, grant: [], extra: [{email: nobody, until: 2026-12-04, reason: visit}]}}\n",
            "version: 1\ntimezone: UTC\nsource: {files: data}\ngroups: {g: {name: G, grant: [], extra: [{email: a@example.com, until: Friday, reason: visit}]}}\n",
        ])
    func rejectsInvalid(yaml: String) throws {
        let site = try TemporarySite(yaml)
        guard case .failure = site.load() else {
            Issue.record("the loader accepted it")
            return
        }
        let instance = try SchemaValue.load(site.path + "/kisictl.yaml")
        #expect(!validator.errors(instance, against: "kisictl.schema.json").isEmpty)
    }

    @Test(
        "the schema accepts the forms the loader accepts",
        arguments: [
            "version: 1\ntimezone: UTC\nsource: {command: ./export.sh, timeout: 30s}\ngroups: {}\n",
            "version: 1\ntimezone: UTC\nsource: {postgres: {url_env: DATABASE_URL, queries: {customers: 'select id, name, email from c', memberships: {query: 'select * from p', columns: {id: i, customer_id: c, type: t, status: s, starts_on: d}, values: {status: {active: [A]}}, formats: {starts_on: MM/dd/yyyy}}}}, timeout: 30s}\ngroups: {}\n",
            "version: 1\ntimezone: UTC\nsource: {sqlite: {path: members.sqlite, queries: {customers: 'select * from customers'}}}\ngroups: {}\n",
            "version: 1\ntimezone: UTC\nsource: {http: {base_url: 'https://api.example.com/v1', auth: {header: Authorization, value_env: T, scheme: Bearer}, requests_per_second: 2, attempts: 3, entities: {customers: {path: /c, items: data, paging: {next_link: links.next}, fields: {id: Id, name: [F, L], email: E}}, memberships: {path: /m, paging: {page: p, size_param: n, size: 50}}, bookings: {path: /b, paging: offset}}}, timeout: 5m}\ngroups: {}\n",
            "version: 1\ntimezone: UTC\nsources: [{name: platform, http: {base_url: 'https://api.example.com', entities: {customers: {path: /c, paging: next_link}}}}, {name: staff, sqlite: {path: s.sqlite, queries: {customers: x}}}]\ngroups: {}\n",
            "version: 1\ntimezone: America/New_York\nsource: {command: [./export.sh, --all]}\npolicy: {max_revocations: 25, lookahead: 1h30m, exempt: [a@example.com]}\ngroups: {g: {name: G, grant: []}}\n",
            "version: 1\ntimezone: Europe/London\nkisi: {endpoint: 'http://127.0.0.1:8787'}\nsource: {files: data}\ngroups: {g: {name: G, managed: false}, h: {name: H, grant: [{bookings: ['room:Board *'], invitees: false}, {registrations: {sessions: ['Yoga *']}}]}}\n",
            "version: 1\ntimezone: UTC\nsource: {files: data}\npolicy: {max_extra_grant: 14d}\ngroups: {g: {name: G, grant: [{memberships: [A, B], blocked: {allow_for: 7d}, min_age: 16, require: {tags: [waiver]}, unless: {tags: [banned]}}, {registrations: {}, require: {tags: [induction]}}], extra: [{email: a@example.com, from: 2026-12-01, until: '2026-12-04T18:00', reason: HVAC repair}, {email: b@example.com, until: 2026-12-04, reason: visit}]}, r: {name: R, grant: [{bookings: [room], invitees: guest}]}}\n",
        ])
    func acceptsValid(yaml: String) throws {
        let site = try TemporarySite(yaml)
        #expect(throws: Never.self) { try site.load().get() }
        let instance = try SchemaValue.load(site.path + "/kisictl.yaml")
        #expect(validator.errors(instance, against: "kisictl.schema.json") == [])
    }
}
