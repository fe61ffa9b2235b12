import Foundation
import Testing

/// Schedules from the command line: explain, validate and import on the studio example, whose
/// group "Unlimited 6am-11pm" declares its hours.
@Suite("Schedules on the command line", .serialized)
struct ScheduleCommandTests {
    static func groups(_ json: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])["groups"] as? [[String: Any]] ?? []
    }

    @Test("explain says whether a group's doors open for the person at the instant, and when next they do")
    func explainHours() throws {
        let site = try copyExample("studio")
        // Christmas Eve is closed in the config, Christmas Day a bank holiday in Kisi's calendar.
        let closed = try Kisictl.run([
            "explain", "cleo.obrien@example.org", "--config", site, "--sandbox", "--at", "2026-12-24T10:00", "--format", "json",
        ])
        #expect(closed.status == 0, "\(closed.stderr)")
        let unlimited = try #require(try Self.groups(closed.stdout).first { $0["group"] as? String == "unlimited" })
        #expect(unlimited["access"] as? Bool == true)
        let hours = try #require(unlimited["hours"] as? [String: Any])
        #expect(hours["open"] as? Bool == false)
        #expect(hours["next_open"] as? String == "2026-12-26T06:00:00Z")
        #expect(hours["holidays_checked"] as? Bool == true)

        let text = try Kisictl.run(["explain", "cleo.obrien@example.org", "--config", site, "--sandbox", "--at", "2026-12-24T10:00"])
        #expect(
            text.stdout.contains(
                "unlimited (Unlimited 6am-11pm)\n  access: yes, from 2026-02-28 00:00 until 2027-04-27 00:00\n    - membership Unlimited #m-044 active until 2027-04-25\n  hours: the group's schedule keeps its doors closed to them now; next open 2026-12-26 06:00\n"
            ), "\(text.stdout)")

        let open = try Kisictl.run(["explain", "cleo.obrien@example.org", "--config", site, "--offline", "--at", "2026-11-23T09:00"])
        #expect(
            open.stdout.contains(
                "  hours: the group's schedule lets them in now, until 2026-11-23 23:00 (public holidays not checked: Kisi was not read)\n"))
        // A group without a schedule in the config says nothing of hours.
        #expect(try Self.groups(closed.stdout).first { $0["group"] as? String == "studio-1" }?["hours"] is NSNull)
    }

    @Test("validate prints each group's hours and each door's unlock hours")
    func validateHours() throws {
        let run = try Kisictl.run(["validate", "--config", repositoryRoot + "/examples/studio", "--at", "2026-11-23T09:00"])
        #expect(run.status == 0)
        #expect(
            run.stdout.contains(
                "Hours (Europe/London):\n  unlimited: daily 06:00-23:00; closed on holidays gb_eng, 2026-12-24; 2026-12-31 06:00-18:00\n  door Front Door, unlocked: mon-fri 06:45-07:15\n"
            ), "\(run.stdout)")
        let json = try Kisictl.run(["validate", "--config", repositoryRoot + "/examples/studio", "--format", "json"])
        let unlimited = try #require(try Self.groups(json.stdout).first { $0["group"] as? String == "unlimited" })
        let schedule = try #require(unlimited["schedule"] as? [String: Any])
        #expect(schedule["weekly"] as? [String] == ["daily 06:00-23:00"])
        #expect(schedule["closed"] as? [String] == ["2026-12-24"])
    }

    @Test("--target narrows a plan to a group's or a door's schedules; a door without unlock hours is an error")
    func targets() throws {
        let site = try copyExample("studio")
        func addresses(_ target: String) throws -> [String] {
            let run = try Kisictl.run(["plan", "--config", site, "--sandbox", "--rate", "0", "--format", "json", "--target", target])
            #expect(run.status == 0, "\(run.stderr)")
            let plan = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            return (plan["resource_changes"] as? [[String: Any]] ?? []).compactMap { $0["address"] as? String }
        }
        #expect(try addresses("kisi_lock_schedule.front_door") == [#"kisi_lock_schedule.front_door["mon-fri"]"#])
        #expect(
            try addresses("kisi_schedule.unlimited") == [
                "kisi_group.unlimited",  // as a no-op: the group itself is not targeted
                #"kisi_schedule.unlimited["closed 2026-12-24"]"#, #"kisi_schedule.unlimited["closed 2026-12-31"]"#,
                #"kisi_schedule.unlimited["closed on holidays"]"#,
            ])
        let unknown = try Kisictl.run(["plan", "--config", site, "--sandbox", "--target", "kisi_lock_schedule.back_office"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("the config declares no unlock hours for a door back_office (doors: front_door)"))
    }

    @Test("import writes Kisi's schedules into the config, and a group onboarded with them plans no schedule change")
    func importRoundTrip() throws {
        let site = try copyExample("studio")
        #expect(try Kisictl.run(["apply", "--config", site, "--sandbox", "--auto-approve", "--rate", "0"]).status == 0)
        let out = NSTemporaryDirectory() + "kisictl-import-" + UUID().uuidString
        let run = try Kisictl.run(["import", "--config", site, "--sandbox", "--out", out, "--rate", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        var yaml = try String(contentsOfFile: out + "/kisictl.yaml", encoding: .utf8)
        let written = """
                managed: false
                schedule:
                  weekly: {mon-fri: "06:00-23:00", "sat,sun": "06:00-23:00"}
                  holidays: {region: gb_eng}
                  closed: [2026-12-24]
                  open: [{date: 2026-12-31, hours: "06:00-18:00"}]

            """
        #expect(yaml.contains(written), "\(yaml)")
        #expect(
            yaml.contains(
                "doors:                  # when doors stand unlocked (Kisi's unlock schedules)\n  \"Front Door\":\n    unlock:\n      weekly: {mon-fri: \"06:45-07:15\"}\n"
            ))
        let plan = try Kisictl.run(["plan", "--config", out, "--sandbox", "--rate", "0", "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)")

        // Onboard the group: its schedule, as imported, is what Kisi holds.
        yaml = yaml.replacingOccurrences(
            of: written, with: written.replacingOccurrences(of: "managed: false", with: "grant: [{memberships: [Unlimited]}]"))
        try yaml.write(toFile: out + "/kisictl.yaml", atomically: true, encoding: .utf8)
        let onboarded = try Kisictl.run(["plan", "--config", out, "--sandbox", "--rate", "0", "--format", "json"])
        let plan2 = try #require(try JSONSerialization.jsonObject(with: Data(onboarded.stdout.utf8)) as? [String: Any])
        let changes = plan2["resource_changes"] as? [[String: Any]] ?? []
        #expect(changes.contains { $0["type"] as? String == "kisi_role_assignment" }, "the group is managed now")
        #expect(
            !changes.contains { ($0["type"] as? String)?.hasSuffix("schedule") == true },
            "\(changes.filter { ($0["type"] as? String)?.hasSuffix("schedule") == true })")
        let summary = try #require(plan2["summary"] as? [String: Any])
        #expect(summary["groups_to_update"] as? Int == 0, "the time restriction is on already")
    }
}
