import AccessModel
import Foundation
import MemberSources
import Testing

@Suite("Member data: the command source")
struct CommandSourceTests {
    @Test("a program printing one JSON object feeds every entity; it runs in the config's folder")
    func success() throws {
        let folder = try DataFolder([
            "export.sh": """
            #!/bin/sh
            test -f export.sh || { echo "not run in the config folder" >&2; exit 3; }
            cat <<'JSON'
            {"customers": [{"id": "c-1", "name": "Ann", "email": "ann@example.com"}],
             "memberships": [{"id": "m-1", "customer_id": "c-1", "type": "Unlimited", "status": "active", "starts_on": "2026-01-01"}],
             "generated_at": "2026-11-23T09:00:00Z"}
            JSON
            """
        ])
        let loaded = try folder.run(["./export.sh"])
        #expect(loaded.data.customers.map(\.email) == ["ann@example.com"])
        #expect(loaded.data.memberships.map(\.id) == ["m-1"])
        #expect(loaded.data.providedEntities == [.customers, .memberships])
        #expect(loaded.origin == "command ./export.sh")
    }

    @Test("a non-zero exit is an error that quotes the program's stderr")
    func failure() throws {
        let folder = try DataFolder(["export.sh": "#!/bin/sh\necho 'connecting to the platform API'\necho 'HTTP 401: token expired' >&2\nexit 2\n"])
        #expect(
            folder.problems { () throws(DiagnosticsError) in try folder.run(["./export.sh"]) } == [
                "error: source command ./export.sh exited with status 2; its stderr says:\n    HTTP 401: token expired"
            ])
    }

    @Test("invalid JSON is an error naming the line, and quoting stderr")
    func invalidJSON() throws {
        let folder = try DataFolder(["export.sh": "#!/bin/sh\necho 'partial page' >&2\nprintf '{\"customers\": [\\n  {\"id\": 1,\\n'\n"])
        #expect(
            folder.problems { () throws(DiagnosticsError) in try folder.run(["./export.sh"]) } == [
                "./export.sh output:3: error: source command ./export.sh printed invalid JSON: expected a quoted key; its stderr says:\n    partial page"
            ])
    }

    @Test("a program that runs too long is stopped and reported")
    func timeout() throws {
        let folder = try DataFolder(["slow.sh": "#!/bin/sh\necho 'waiting for the API' >&2\nexec sleep 30\n"])
        let started = Date()
        let problems = folder.problems { () throws(DiagnosticsError) in try folder.run(["./slow.sh"], timeout: TimeSpan(seconds: 1)) }
        #expect(problems == ["error: source command ./slow.sh did not finish within 1s and was stopped; its stderr says:\n    waiting for the API"])
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("the program never sees the Kisi key")
    func keyWithheld() throws {
        let folder = try DataFolder([
            "export.sh": """
            #!/bin/sh
            if [ -n "$KISICTL_TEST_KEY" ] || [ -n "$KISI_API_KEY" ]; then echo "the key leaked" >&2; exit 3; fi
            echo '{"customers": [{"id": "c-1", "name": "A", "email": "a@example.com"}]}'
            """
        ])
        setenv("KISICTL_TEST_KEY", "sk_live_do_not_leak", 1)
        defer { unsetenv("KISICTL_TEST_KEY") }
        #expect(try folder.run(["./export.sh"], withholding: ["KISICTL_TEST_KEY"]).data.customers.count == 1)
    }

    @Test("output beyond source.max_output stops the program with an error saying so")
    func outputCap() throws {
        let folder = try DataFolder(["flood.sh": "#!/bin/sh\necho 'paging through 40,000 pages' >&2\nexec yes '{\"customers\": []}'\n"])
        let started = Date()
        #expect(
            folder.problems { () throws(DiagnosticsError) in try folder.run(["./flood.sh"], maxOutput: 1 << 20) } == [
                "error: source command ./flood.sh printed more than 1MiB and was stopped (raise source.max_output if the data is really this large); its stderr says:\n    paging through 40,000 pages"
            ])
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("a program killed by a signal is reported as such")
    func killed() throws {
        let folder = try DataFolder(["oom.sh": "#!/bin/sh\necho 'loading 2,000,000 rows' >&2\nkill -9 $$\n"])
        #expect(
            folder.problems { () throws(DiagnosticsError) in try folder.run(["./oom.sh"]) } == [
                "error: source command ./oom.sh was killed by signal 9 (SIGKILL); its stderr says:\n    loading 2,000,000 rows"
            ])
    }

    @Test("a program that is missing, or prints no customers, is an error")
    func missingOrEmpty() throws {
        let folder = try DataFolder(["empty.sh": "#!/bin/sh\necho '{\"customers\": []}'\n"])
        #expect(
            folder.problems { () throws(DiagnosticsError) in try folder.run(["./nope.sh"]) } == [
                "error: source command ./nope.sh: program not found: nope.sh"
            ])
        #expect(
            folder.problems { () throws(DiagnosticsError) in try folder.run(["kisictl-no-such-program"]) } == [
                "error: source command kisictl-no-such-program: program \"kisictl-no-such-program\" not found in PATH"
            ])
        #expect(
            folder.problems { () throws(DiagnosticsError) in try folder.run(["./empty.sh"]) } == [
                "error: the \"customers\" array of command ./empty.sh holds no customers; refusing to treat an empty export as nobody qualifying"
            ])
    }

    @Test("programs on PATH take arguments")
    func pathProgram() throws {
        let folder = try DataFolder(["data.json": #"{"customers": [{"id": "c-1", "name": "A", "email": "a@example.com"}]}"#])
        #expect(try folder.run(["cat", "data.json"]).data.customers.count == 1)
    }
}
