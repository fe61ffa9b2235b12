import Foundation
import JSONSupport
import KisiSandbox
import Testing

/// The sandbox's schedules, calendar summary and holiday calendars, answer by answer, against the
/// schemas of Kisi's OpenAPI document; and the validations its description lists.
@Suite("Sandbox schedules match Kisi's OpenAPI document")
struct ScheduleConformanceTests {
    @Test("every schedule type, the calendar and the holiday calendars answer in Kisi's shapes")
    func everyResponse() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        var checked: [String] = []
        func check(_ operation: String, _ reply: SandboxHarness.Reply, expect status: Int, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(reply.status == status, "\(operation): \(reply.text.prefix(300))", sourceLocation: sourceLocation)
            #expect(KisiSchemas.problems(operation, reply) == [], "\(operation) \(reply.status)", sourceLocation: sourceLocation)
            checked.append("\(operation) \(reply.status)")
        }
        let groups = try #require(try await sandbox.get("/groups?limit=250").json?.arrayValue)
        let groupID = try #require(groups.first { $0["name"]?.stringValue == "Unlimited 6am-11pm" }?["id"]?.intValue)
        let locks = try #require(try await sandbox.get("/locks?limit=250").json?.arrayValue)
        let lockID = try #require(locks.first { $0["name"]?.stringValue == "Front Door" }?["id"]?.intValue)
        let group = #""scheduleable_type":"Group","scheduleable_id":\#(groupID),"consequence":"allow","enabled":true"#

        // The seed's hours, set by hand: two recurring events.
        let seeded = try await sandbox.get("/schedules?scheduleable_type=Group&scheduleable_id=\(groupID)")
        check("GET /schedules", seeded, expect: 200)
        #expect(seeded.json?.arrayValue?.count == 2)

        let weekly = try await sandbox.post(
            "/schedules",
            #"{"schedule":{\#(group),"type":"recurring_event","monday":true,"tuesday":false,"wednesday":true,"thursday":false,"friday":true,"saturday":false,"sunday":false,"starts_at_time":"09:00","ends_at_time":"16:00"}}"#
        )
        check("POST /schedules", weekly, expect: 200)
        #expect(weekly.json?["type"]?.stringValue == "recurring_event")
        #expect(weekly.json?["starts_at_time"]?.stringValue == "09:00")
        let holidays = try await sandbox.post("/schedules", #"{"schedule":{\#(group),"override":true,"region":"gb_eng","observed":true}}"#)
        check("POST /schedules", holidays, expect: 200)
        #expect(holidays.json?["type"]?.stringValue == "holiday_calendar", "region makes a holiday calendar")
        let allDay = try await sandbox.post(
            "/schedules", #"{"schedule":{\#(group),"override":true,"starts_at_date":"2026-12-24","ends_at_date":"2026-12-24"}}"#)
        check("POST /schedules", allDay, expect: 200)
        let single = try await sandbox.post(
            "/schedules", #"{"schedule":{\#(group),"starts_at":"2026-12-31T10:00:42Z","ends_at":"2026-12-31T14:00:00Z"}}"#)
        check("POST /schedules", single, expect: 200)
        #expect(single.json?["starts_at"]?.stringValue == "2026-12-31T10:00:00.000Z", "seconds are ignored")
        let unlock = try await sandbox.post(
            "/schedules",
            #"{"schedule":{"scheduleable_type":"Lock","scheduleable_id":\#(lockID),"consequence":"unlock","enabled":true,"monday":true,"starts_at_time":"07:00","ends_at_time":"09:00"}}"#
        )
        check("POST /schedules", unlock, expect: 200)
        #expect(unlock.json?["tuesday"]?.boolValue == false)

        // The validations Kisi's description lists.
        for (body, field) in [
            (#"{\#(group),"region":"gb_eng"}"#, "observed"),
            (#"{\#(group),"region":"atlantis","observed":true}"#, "region"),
            (#"{\#(group),"type":"recurring_event","monday":false}"#, "base"),
            (#"{\#(group),"monday":true,"starts_at_time":"16:00","ends_at_time":"09:00"}"#, "ends_at_time"),
            (#"{\#(group),"starts_at":"2026-12-31T10:00:00Z"}"#, "ends_at"),
            (#"{\#(group),"starts_at_date":"2026-12-25","ends_at_date":"2026-12-24"}"#, "ends_at_date"),
            (#"{"scheduleable_type":"Group","scheduleable_id":\#(groupID),"consequence":"unlock","enabled":true,"monday":true}"#, "consequence"),
            (#"{"scheduleable_type":"Group","scheduleable_id":1,"consequence":"allow","enabled":true,"monday":true}"#, "scheduleable"),
        ] {
            let refused = try await sandbox.post("/schedules", #"{"schedule":\#(body)}"#)
            check("POST /schedules", refused, expect: 422)
            #expect(refused.text.contains(field), "\(body): \(refused.text)")
        }

        let weeklyID = try #require(weekly.json?["id"]?.intValue)
        check("GET /schedules/{id}", try await sandbox.get("/schedules/\(weeklyID)"), expect: 200)
        check("GET /schedules/{id}", try await sandbox.get("/schedules/1"), expect: 404)
        check("GET /schedules", try await sandbox.get("/schedules?limit=250"), expect: 200)
        check("GET /schedules", try await sandbox.get("/schedules?consequence=unlock"), expect: 200)
        #expect(try await sandbox.get("/schedules?scheduleable_type=Group").status == 400, "type and id go together")
        check(
            "PATCH /schedules/{id}", try await sandbox.patch("/schedules/\(weeklyID)", #"{"schedule":{"starts_at_time":"10:00","saturday":true}}"#),
            expect: 204)
        let changed = try await sandbox.get("/schedules/\(weeklyID)")
        #expect(changed.json?["starts_at_time"]?.stringValue == "10:00")
        #expect(changed.json?["saturday"]?.boolValue == true)
        check("PATCH /schedules/{id}", try await sandbox.patch("/schedules/1", #"{"schedule":{"enabled":false}}"#), expect: 404)

        // The calendar: on Christmas Eve 2026 (a Thursday) the closed day neutralizes the hours.
        let around = "2026-12-24T00:00:00Z/2026-12-26T00:00:00Z"
        let summary = try await sandbox.get("/calendar/summary?around=\(around)&consequence=allow&group_id=\(groupID)")
        check("GET /calendar/summary", summary, expect: 200)
        let events = summary.json?["events"]?.arrayValue?.map { "\($0["starts_at"]?.stringValue ?? "")/\($0["ends_at"]?.stringValue ?? "")" }
        #expect(events == [], "24 December closed, 25 December a bank holiday")
        #expect(summary.json?["schedules_by_day"]?.arrayValue?.count == 2)
        check("GET /calendar/summary", try await sandbox.get("/calendar/summary?around=\(around)&consequence=allow"), expect: 422)
        check("GET /calendar/summary", try await sandbox.get("/calendar/summary?around=\(around)&consequence=allow&group_id=1"), expect: 404)

        check("GET /holiday_calendars/regions", try await sandbox.get("/holiday_calendars/regions"), expect: 200)
        let bankHolidays = try await sandbox.get("/holiday_calendars/gb_eng/holidays?year=2026&observed=true")
        check("GET /holiday_calendars/{region}/holidays", bankHolidays, expect: 200)
        #expect(bankHolidays.json?.arrayValue?.last?["date"]?.stringValue == "2026-12-28", "Boxing Day on a Saturday is observed on Monday")
        check("GET /holiday_calendars/{region}/holidays", try await sandbox.get("/holiday_calendars/gb_eng/holidays?observed=true"), expect: 422)

        check("DELETE /schedules/{id}", try await sandbox.delete("/schedules/\(weeklyID)"), expect: 204)
        check("DELETE /schedules/{id}", try await sandbox.delete("/schedules/\(weeklyID)"), expect: 404)
        #expect(Set(checked.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }).count == 8)
    }
}
