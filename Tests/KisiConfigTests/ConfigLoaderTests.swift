import AccessModel
import Foundation
import KisiConfig
import Testing

@Suite("The config language")
struct ConfigLoaderTests {
    @Test("DESIGN.md's example config is accepted exactly as written, keys with their meaning")
    func designExample() throws {
        let loaded = try ConfigLoader.load(path: repositoryRoot + "/Tests/Fixtures/design-example")
        let config = loaded.config
        #expect(loaded.warnings.isEmpty)
        #expect(config.version == 1)
        #expect(config.timeZone.identifier == "Europe/London")
        #expect(config.kisi.apiKeyEnv == "KISI_API_KEY")
        #expect(config.source == .files(directory: "data"))
        #expect(config.policy.notify == false)
        #expect(config.policy.unexplainedMembers == .revoke)
        #expect(config.policy.maxRevocations == .percent(10))
        #expect(config.policy.exempt == ["owner@studio.example"])
        #expect(config.groups.map(\.address) == ["classes", "rooms", "staff", "unlimited"])
        let unlimited = try #require(config.groups.last)
        #expect(unlimited.name == "Unlimited 6am-11pm")
        #expect(unlimited.description == "Members with an active Unlimited membership")
        #expect(unlimited.place == "Riverside Studio")
        #expect(unlimited.doors == ["Front Door", "Studio 1"])
        #expect(unlimited.rules.map(\.selector) == [.memberships(types: ["Unlimited", "Unlimited Annual"], blocked: .deny)])
        let classes = config.groups[0]
        #expect(classes.rules.first?.selector == .registrations(RegistrationSelector(kinds: [.class, .course], sessions: ["Yoga *", "HIIT"])))
        #expect(classes.rules.first?.window == RuleWindow(before: .minutes(30), after: .minutes(15)))
        let rooms = config.groups[1]
        #expect(rooms.rules.first?.selector == .bookings([ResourceSelector(type: .room), ResourceSelector(type: .desk)]))
        #expect(rooms.rules.first?.invitees == true)
        #expect(config.groups[2].managed == false)
        #expect(config.groups[2].rules.isEmpty)
    }

    @Test("an unknown key, a bad duration, an unknown time zone and a rule with no selector are all reported, with positions")
    func fourErrorsAtOnce() throws {
        let path = repositoryRoot + "/Tests/Fixtures/broken-config"
        #expect(throws: DiagnosticsError.self) { try ConfigLoader.load(path: path) }
        do {
            _ = try ConfigLoader.load(path: path)
        } catch {
            #expect(
                error.diagnostics.map { $0.description.replacingOccurrences(of: repositoryRoot + "/", with: "") } == [
                    "Tests/Fixtures/broken-config/kisictl.yaml:3:11: error: timezone: expected an IANA time zone such as Europe/London or America/New_York, found \"Europe/Londn\" (did you mean \"Europe/London\"?)",
                    "Tests/Fixtures/broken-config/kisictl.yaml:9:5: error: groups.classes.grnat: unknown key \"grnat\" (did you mean \"grant\"?)",
                    "Tests/Fixtures/broken-config/kisictl.yaml:15:26: error: groups.rooms.grant[0].window.before: expected a duration such as 15m, 2h, 1d or 1h30m, found \"30 minutes\"",
                    "Tests/Fixtures/broken-config/kisictl.yaml:16:9: error: groups.rooms.grant[1]: a rule needs a selector: memberships, registrations or bookings",
                ])
        }
    }

    @Test("a site directory merges kisictl.yaml with groups/*.yaml")
    func siteDirectoryMerges() throws {
        let site = try TemporarySite(
            minimalConfig(
                groups: """
                      staff:
                        name: Staff
                        managed: false
                    """),
            groups: [
                "classes.yaml": "classes:\n  name: Classes\n  grant:\n    - registrations: {kinds: [class]}\n",
                "rooms.yml": "rooms:\n  name: Rooms\n  grant:\n    - bookings: [room]\n",
                "notes.txt": "not config",
            ])
        let config = try site.load().get().config
        #expect(config.groups.map(\.address) == ["classes", "rooms", "staff"])
        #expect(config.files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["kisictl.yaml", "classes.yaml", "rooms.yml"])
    }

    @Test("the same group address in two files is an error naming both places")
    func duplicateAcrossFiles() throws {
        let site = try TemporarySite(
            minimalConfig(groups: "  classes:\n    name: Classes\n    grant: []\n"),
            groups: [
                "more.yaml": "classes:\n  name: Other classes\n  grant: []\n"
            ])
        #expect(site.errors() == ["groups/more.yaml:1:1: error: groups.classes: group classes is already defined at kisictl.yaml:6:3"])
    }

    @Test("YAML syntax errors and duplicate keys carry their position")
    func yamlErrors() throws {
        let broken = try TemporarySite("version: 1\ntimezone: [unclosed\n")
        #expect(broken.errors().first?.hasPrefix("kisictl.yaml:3:1: error: invalid YAML:") == true)
        let duplicate = try TemporarySite("version: 1\nversion: 1\n")
        #expect(duplicate.errors() == ["kisictl.yaml:1:1: error: key \"version\" appears twice in one mapping"])
    }

    @Test("a config file or folder that does not exist is one clear error")
    func missingConfig() {
        #expect(throws: DiagnosticsError.self) { try ConfigLoader.load(path: "/nonexistent/kisictl.yaml") }
    }

    @Test(
        "invalid values each get an actionable message",
        arguments: [
            (
                "    grant:\n      - memberships: [Unlimited]\n        registrations: {kinds: [class]}\n",
                "kisictl.yaml:10:9: error: groups.g.grant[0]: a rule has one selector, found memberships and registrations: write one rule for each (rules are ORed)"
            ),
            (
                "    grant:\n      - registrations: {kinds: [class]}\n        blocked: allow\n",
                "kisictl.yaml:10:9: error: groups.g.grant[0].blocked: blocked applies to memberships rules only"
            ),
            (
                "    grant:\n      - memberships: [Unlimited]\n        invitees: true\n",
                "kisictl.yaml:10:9: error: groups.g.grant[0].invitees: invitees applies to bookings rules only"
            ),
            (
                "    grant:\n      - bookings: [rooms]\n",
                "kisictl.yaml:9:20: error: groups.g.grant[0].bookings[0]: expected a resource type (room, desk, office, equipment, parking) or type:name, found \"rooms\" (did you mean \"room\"?)"
            ),
            (
                "    grant:\n      - registrations: {kinds: [clas]}\n",
                "kisictl.yaml:9:33: error: groups.g.grant[0].registrations.kinds[0]: expected one of class, appointment, course, found \"clas\" (did you mean \"class\"?)"
            ),
            (
                "    grant:\n      - memberships: []\n",
                "kisictl.yaml:9:22: error: groups.g.grant[0].memberships: expected a list of membership types such as [Unlimited] with at least one entry, found a list"
            ),
            (
                "    grant:\n      - memberships: Unlimited\n",
                "kisictl.yaml:9:22: error: groups.g.grant[0].memberships: expected a list of membership types such as [Unlimited], found \"Unlimited\""
            ),
            (
                "    managed: maybe\n    grant: []\n",
                "kisictl.yaml:8:14: error: groups.g.managed: expected true or false, found \"maybe\""
            ),
            (
                "    doors: [Front, Front]\n    grant: []\n",
                "kisictl.yaml:8:20: error: groups.g.doors[1]: door \"Front\" is listed twice"
            ),
            (
                "    grant:\n      - memberships: [A]\n        window: {after: -1d}\n",
                "kisictl.yaml:10:25: error: groups.g.grant[0].window.after: expected a duration such as 15m, 2h, 1d or 1h30m, found \"-1d\""
            ),
        ])
    func invalidValues(group: String, expected: String) throws {
        let site = try TemporarySite(minimalConfig(groups: "  g:\n    name: G\n" + group))
        #expect(site.errors() == [expected])
    }

    @Test("settings are validated: version, source, policy and the key variable")
    func invalidSettings() throws {
        let site = try TemporarySite(
            """
            version: 2
            timezone: EST
            kisi:
              api_key_env: sk-live-0123456789abcdef
            source:
              files: data
              command: [./export.sh]
            policy:
              unexplained_members: delete
              max_revocations: 120%
              exempt: [not-an-email]
              notfy: true
            groups: {}
            """)
        #expect(
            site.errors() == [
                "kisictl.yaml:1:10: error: version: unsupported config version 2; this kisictl reads version 1",
                "kisictl.yaml:2:11: error: timezone: expected an IANA time zone such as Europe/London or America/New_York, found \"EST\"",
                "kisictl.yaml:4:16: error: kisi.api_key_env: expected the name of an environment variable (letters, digits and _), found \"a value that looks like a key, not a variable name\"; never put the key itself in the config",
                "kisictl.yaml:7:3: error: source: files and command are alternatives: keep one",
                "kisictl.yaml:9:24: error: policy.unexplained_members: expected one of revoke, keep, fail, found \"delete\"",
                "kisictl.yaml:10:20: error: policy.max_revocations: expected a number (10) or a share (10%), found \"120%\"",
                "kisictl.yaml:11:12: error: policy.exempt[0]: expected an e-mail address, found \"not-an-email\"",
                "kisictl.yaml:12:3: error: policy.notfy: unknown key \"notfy\" (did you mean \"notify\"?)",
            ])
        #expect(!site.errors().joined().contains("sk-live"))
    }

    @Test("a command source takes a program and arguments, and a timeout")
    func commandSource() throws {
        let site = try TemporarySite(
            """
            version: 1
            timezone: UTC
            source:
              command: [./export.py, --site, riverside]
              timeout: 45s
            policy:
              max_revocations: 25
              lookahead: 2d
            groups:
              g: {name: G, managed: false}
            """)
        let config = try site.load().get().config
        #expect(config.source == .command(arguments: ["./export.py", "--site", "riverside"], timeout: TimeSpan(seconds: 45), maxOutput: 256 << 20))
        #expect(config.policy.maxRevocations == .count(25))
        #expect(config.policy.lookahead == .days(2))
    }

    @Test(
        "source.max_output takes a size in bytes or with a unit, within 1 byte and 16GiB",
        arguments: [
            ("1GiB", "", 1 << 30), ("500MB", "", 500_000_000), ("65536", "", 65536), ("512 KiB", "", 512 << 10),
            ("32GiB", "kisictl.yaml:6:15: error: source.max_output: expected a size from 1 byte to 16GiB, found \"32GiB\"", 0),
            ("0", "kisictl.yaml:6:15: error: source.max_output: expected a size from 1 byte to 16GiB, found \"0\"", 0),
            ("lots", "kisictl.yaml:6:15: error: source.max_output: expected a size such as 256MiB, 1GiB or a number of bytes, found \"lots\"", 0),
            (
                "99999999999999999999TB",
                "kisictl.yaml:6:15: error: source.max_output: expected a size such as 256MiB, 1GiB or a number of bytes, found \"99999999999999999999TB\"",
                0
            ),
        ])
    func maxOutput(_ value: String, _ error: String, _ bytes: Int) throws {
        let site = try TemporarySite(
            """
            version: 1
            timezone: UTC
            source:
              command: [./export.py]
              timeout: 45s
              max_output: \(value)
            groups:
              g: {name: G, managed: false}
            """)
        if error.isEmpty {
            #expect(try site.load().get().config.source == .command(arguments: ["./export.py"], timeout: TimeSpan(seconds: 45), maxOutput: bytes))
        } else {
            #expect(site.errors() == [error])
        }
    }

    @Test("rules on an unmanaged group are a warning: they are not applied")
    func rulesOnUnmanagedGroup() throws {
        let site = try TemporarySite(minimalConfig(groups: "  g:\n    name: G\n    managed: false\n    grant:\n      - memberships: [A]\n"))
        let warnings = try site.load().get().warnings.map(\.message)
        #expect(warnings == ["the group has grant rules but managed: false, so kisictl evaluates and changes nothing in it"])
    }

    @Test("a managed group without grant rules is an error; grant: [] empties it on purpose")
    func managedWithoutRules() throws {
        let site = try TemporarySite(minimalConfig(groups: "  g:\n    name: G\n"))
        #expect(
            site.errors() == [
                "kisictl.yaml:6:3: error: groups.g: a managed group needs grant rules: add grant, set managed: false to leave its members alone, or write grant: [] to empty it"
            ])
        let empty = try TemporarySite(minimalConfig(groups: "  g:\n    name: G\n    grant: []\n"))
        #expect(try empty.load().get().config.groups.first?.rules.isEmpty == true)
    }
}

@Suite("The config language: source.mapping")
struct FileMappingConfigTests {
    @Test("a mapping is read with its file, separator, encoding, columns, words and formats")
    func accepted() throws {
        let site = try TemporarySite(
            """
            version: 1
            timezone: UTC
            source:
              files: export
              mapping:
                customers:
                  file: Clients.csv
                  delimiter: ";"
                  encoding: windows-1252
                  columns: {id: Client ID, name: [First Name, Last Name], email: E-mail}
                memberships:
                  file: Memberships.csv
                  delimiter: tab
                  columns: {id: ID, customer_id: Client ID, type: Plan, status: Status, starts_on: Start}
                  values: {status: {active: [Active, Current], paused: Frozen}}
                  formats: {starts_on: MM/dd/yyyy}
            groups:
              g: {name: G, managed: false}
            """)
        guard case .files(let folder, let mappings) = try site.load().get().config.source else {
            Issue.record("not a files source")
            return
        }
        #expect(folder == "export")
        #expect(
            mappings == [
                FileMapping(
                    entity: .customers, file: "Clients.csv", delimiter: ";", encoding: .windows1252,
                    columns: ["id": ["Client ID"], "name": ["First Name", "Last Name"], "email": ["E-mail"]]),
                FileMapping(
                    entity: .memberships, file: "Memberships.csv", delimiter: "\t",
                    columns: ["id": ["ID"], "customer_id": ["Client ID"], "type": ["Plan"], "status": ["Status"], "starts_on": ["Start"]],
                    values: ["status": ["active": ["Active", "Current"], "paused": ["Frozen"]]], formats: ["starts_on": "MM/dd/yyyy"]),
            ])
    }

    @Test("each mistake in a mapping is reported at its place")
    func mistakes() throws {
        let site = try TemporarySite(
            """
            version: 1
            timezone: UTC
            source:
              files: export
              mapping:
                customers:
                  file: Clients.csv
                  encoding: latin-9
                  columns: {id: Client ID, name: Name, emial: E-mail}
                memberships:
                  file: Memberships.csv
                  columns: {id: ID, type: Plan, status: Status, starts_on: Start}
                  values: {status: {active: [Active], paused: [active]}, ends_on: {x: [y]}}
                  formats: {starts_on: MM/dd/yy}
                registrations:
                  file: Bookings.csv
                  columns: {id: ID, customer_id: C, kind: K, session: S, starts_at: A, ends_at: B, status: St}
                  formats: {starts_at: MM/dd/yyyy}
            groups:
              g: {name: G, managed: false}
            """)
        let errors = site.errors()
        #expect(
            errors.contains { $0.contains("source.mapping.customers.encoding: expected one of utf-8, windows-1252, found \"latin-9\"") }, "\(errors)")
        #expect(errors.contains { $0.contains("source.mapping.customers.columns.emial: unknown key \"emial\" (did you mean \"email\"?)") })
        #expect(errors.contains { $0.contains("no column for \"email\", which every customers record needs") })
        #expect(errors.contains { $0.contains("\"active\" is also listed for \"active\"") || $0.contains("one word means one value") })
        #expect(errors.contains { $0.contains("\"ends_on\" has no column in columns:, so it has no words to map") })
        #expect(errors.contains { $0.contains("source.mapping.memberships.formats.starts_on: expected a date format") })
        #expect(errors.contains { $0.contains("\"MM/dd/yyyy\" has no time (HH:mm), which starts_at needs") })
    }

    @Test("mapping is for files sources only")
    func commandHasNoMapping() throws {
        let site = try TemporarySite(
            """
            version: 1
            timezone: UTC
            source:
              command: [./export.sh]
              mapping: {customers: {file: x.csv, columns: {id: a, name: b, email: c}}}
            groups:
              g: {name: G, managed: false}
            """)
        #expect(site.errors().contains { $0.contains("mapping applies to files sources only") })
    }
}

@Suite("The config language: sources")
struct SeveralSourcesConfigTests {
    @Test("sources: a list of named sources, each files (with its mapping) or command")
    func accepted() throws {
        let site = try TemporarySite(
            """
            version: 1
            timezone: UTC
            sources:
              - name: platform
                files: export
                mapping: {customers: {file: Clients.csv, columns: {id: ID, name: Name, email: Mail}}}
              - name: staff
                command: [./staff.sh]
                timeout: 30s
            groups:
              g: {name: G, managed: false}
            """)
        let source = try site.load().get().config.source
        guard case .several(let sources) = source else {
            Issue.record("\(source)")
            return
        }
        #expect(sources.map(\.name) == ["platform", "staff"])
        #expect(sources[1].spec == .command(arguments: ["./staff.sh"], timeout: TimeSpan(seconds: 30), maxOutput: 256 << 20))
    }

    @Test("a source without a name, a name twice, a bad name, or source and sources together are errors")
    func mistakes() throws {
        let site = try TemporarySite(
            """
            version: 1
            timezone: UTC
            sources:
              - files: a
              - {name: Staff Sheet, files: b}
              - {name: one, files: c}
              - {name: one, files: d}
            groups:
              g: {name: G, managed: false}
            """)
        let errors = site.errors()
        #expect(errors.contains { $0.contains("sources[0]: missing key \"name\"") })
        #expect(errors.contains { $0.contains("sources[1].name: expected a lower-case name of letters, digits, - and _") })
        #expect(errors.contains { $0.contains("sources[3].name: the name \"one\" is used twice") })
        let both = try TemporarySite(
            "version: 1\ntimezone: UTC\nsource: {files: a}\nsources: [{name: b, files: b}]\ngroups:\n  g: {name: G, managed: false}\n")
        #expect(both.errors().contains { $0.contains("sources: source and sources are alternatives: keep one") }, "\(both.errors())")
        let neither = try TemporarySite("version: 1\ntimezone: UTC\ngroups:\n  g: {name: G, managed: false}\n")
        #expect(neither.errors().contains { $0.contains("missing key \"source\" (or \"sources\", a list of several)") })
    }
}

@Suite("The config language: rules operators run")
struct OperatorRuleConfigTests {
    @Test("payment grace, age, tags and extra grants are read with their meaning; dates in extra cover whole days")
    func readsEveryKey() throws {
        let site = try TemporarySite(
            """
            version: 1
            timezone: Europe/London
            source: {files: data}
            policy: {max_extra_grant: 14d}
            groups:
              gym:
                name: Gym
                grant:
                  - memberships: [Unlimited]
                    blocked: {allow_for: 7d}
                    min_age: 16
                    require: {tags: [waiver, induction]}
                    unless: {tags: [banned]}
                extra:
                  - {email: Fixer@HVAC.example, from: 2026-12-01, until: 2026-12-04, reason: HVAC repair}
                  - {email: guest@example.com, until: '2026-12-04T18:00', reason: visit}
            """)
        let config = try site.load().get().config
        #expect(config.policy.maxExtraGrant == .days(14))
        let group = try #require(config.groups.first)
        #expect(group.rules.first?.selector == .memberships(types: ["Unlimited"], blocked: .allowFor(.days(7))))
        #expect(group.rules.first?.conditions == PersonConditions(minAge: 16, requiredTags: ["waiver", "induction"], blockingTags: ["banned"]))
        #expect(group.extra.map(\.email) == ["Fixer@HVAC.example", "guest@example.com"])
        #expect(group.extra[0].from == .local(LocalDateTime(date: LocalDate(year: 2026, month: 12, day: 1)!)))
        #expect(group.extra[0].until == .local(LocalDateTime(date: LocalDate(year: 2026, month: 12, day: 5)!)))
        #expect(group.extra[1].from == nil)
        #expect(group.extra[1].until == TimeParsing.moment("2026-12-04T18:00"))
    }

    @Test("an extra grant longer than max_extra_grant, or ending before it starts, is refused with its place")
    func extraTooLong() throws {
        let site = try TemporarySite(
            """
            version: 1
            timezone: UTC
            source: {files: data}
            groups:
              gym:
                name: Gym
                grant: []
                extra:
                  - {email: a@example.com, from: 2026-12-01, until: 2027-01-15, reason: long}
                  - {email: b@example.com, from: 2026-12-05, until: 2026-12-01, reason: backwards}
            """)
        guard case .failure(let error) = site.load() else {
            Issue.record("the loader accepted it")
            return
        }
        #expect(
            error.diagnostics.map(\.message) == [
                "an extra grant runs at most policy.max_extra_grant (30d) after from; this one runs 46d: end it sooner, or raise policy.max_extra_grant",
                "until is not after from",
            ])
        #expect(error.diagnostics.map(\.path) == ["groups.gym.extra[0].until", "groups.gym.extra[1].until"])
    }

    @Test("blocked takes allow, deny or {allow_for}; anything else is an error saying so")
    func blockedForms() throws {
        let site = try TemporarySite(
            "version: 1\ntimezone: UTC\nsource: {files: data}\ngroups: {g: {name: G, grant: [{memberships: [A], blocked: sometimes}]}}\n")
        guard case .failure(let error) = site.load() else {
            Issue.record("the loader accepted it")
            return
        }
        #expect(error.diagnostics.first?.message.contains("expected allow, deny or a payment grace such as {allow_for: 7d}") == true)
    }
}
