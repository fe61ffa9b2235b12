import AccessModel
import Foundation
import KisiAPI
import KisiSandbox
import PlanModel
import Reconciler
import Rendering
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Group access hours and door unlock hours as code, planned and applied over real HTTP against
/// the sandbox.
@Suite("Schedules")
struct ScheduleTests {
    static func config(schedule: String, unlock: String) -> String {
        Studio.config(
            groups: """
                  offpeak:
                    name: Off-peak
                    place: Studio
                    grant: [{memberships: [Off-peak]}]
                \(schedule)
                doors:
                  Front Door:
                \(unlock)
                """)
    }

    static let memberships = """
        id,customer_id,type,status,starts_on,ends_on
        m-1,c-1,Off-peak,active,2026-01-01,
        """

    static func site(schedule: String, unlock: String) async throws -> SiteHarness {
        try await SiteHarness(
            config: config(schedule: schedule, unlock: unlock), data: ["customers.csv": Studio.customers, "memberships.csv": memberships],
            seed: Studio.seed(groups: "  - {name: Off-peak, place: Studio}"), transport: .http)
    }

    static func write(_ site: SiteHarness, schedule: String, unlock: String) throws {
        try config(schedule: schedule, unlock: unlock).write(toFile: site.folder + "/kisictl.yaml", atomically: true, encoding: .utf8)
    }

    /// The group's and the door's schedules in the sandbox, as Kisi's fields, sorted.
    static func held(_ site: SiteHarness) async -> [String] {
        let state = await site.state
        return state.schedules.map { record in
            var text = "\(record.scheduleableType) \(record.consequence)\(record.override ? " override" : "") \(record.type)"
            if let days = record.weekdays {
                text += " " + zip(Weekdays.names, days).filter(\.1).map(\.0).joined(separator: ",")
                text += " \(record.startsAtTime ?? "")-\(record.endsAtTime ?? "")"
            }
            if let region = record.region { text += " \(region)" }
            if let date = record.startsAtDate { text += " \(date)..\(record.endsAtDate ?? "")" }
            if let start = record.startsAt { text += " \(start)..\(record.endsAt ?? "")" }
            return text
        }
        .sorted()
    }

    static func addresses(_ plan: Plan) -> [String] {
        plan.changes.filter { $0.address.kind == .schedule || $0.address.kind == .lockSchedule }.map { "\($0.action.rawValue) \($0.address)" }
    }

    @Test("weekly hours, a holiday calendar, closed days and openings on a group, unlock hours on a door: created, changed, removed")
    func lifecycle() async throws {
        let site = try await Self.site(
            schedule: """
                    schedule:
                      weekly: {mon-fri: "09:00-16:00"}
                      holidays: {region: gb_eng}
                      closed: [2026-12-24]
                      open: [{date: 2026-12-31, hours: "10:00-14:00"}]
                """,
            unlock: #"    unlock: {weekly: {mon-fri: "07:00-09:00"}}"#)
        defer { Task { await site.stop() } }

        let plan = try await site.plan().plan
        #expect(
            Self.addresses(plan) == [
                #"create kisi_schedule.offpeak["closed 2026-12-24"]"#, #"create kisi_schedule.offpeak["closed 2026-12-31 09:00-10:00"]"#,
                #"create kisi_schedule.offpeak["closed 2026-12-31 14:00-16:00"]"#, #"create kisi_schedule.offpeak["closed on holidays"]"#,
                #"create kisi_schedule.offpeak["mon-fri"]"#, #"create kisi_lock_schedule.front_door["mon-fri"]"#,
            ])
        let restriction = try #require(plan.changes.first { $0.address == .group("offpeak") })
        #expect(restriction.action == .update && restriction.after?.group?.timeRestriction == true)
        #expect(plan.summary.schedulesToCreate == 6)
        let text = PlanText.render(plan, style: PlanStyle(zone: SiteTimeZone(identifier: "Europe/London")!))
        #expect(text.contains("+ schedule mon-fri 09:00-16:00\n      in the config's schedule"))
        #expect(text.contains("~ time restriction off → on"))
        #expect(text.contains("# door front_door: \"Front Door\""))
        #expect(text.contains("+ unlock mon-fri 07:00-09:00"))

        let report = await site.apply(plan)
        #expect(report.succeeded, "\(report.failures)")
        #expect(report.completed[.schedulesCreated] == 6)
        #expect(
            await Self.held(site) == [
                "Group allow override holiday_calendar gb_eng",
                "Group allow override single_all_day_event 2026-12-24..2026-12-24",
                "Group allow override single_event 2026-12-31T09:00:00.000Z..2026-12-31T10:00:00.000Z",
                "Group allow override single_event 2026-12-31T14:00:00.000Z..2026-12-31T16:00:00.000Z",
                "Group allow recurring_event mon,tue,wed,thu,fri 09:00-16:00",
                "Lock unlock recurring_event mon,tue,wed,thu,fri 07:00-09:00",
            ])
        #expect(await site.state.groups.first { $0.name == "Off-peak" }?.timeRestrictionEnabled == true)
        #expect(!(try await site.plan().plan.hasChanges), "converged")

        // Changed: other hours (one entry updated in place), Saturdays, another closed day; the
        // holiday calendar and the opening go; the door no longer opens by itself.
        try Self.write(
            site,
            schedule: """
                    schedule:
                      weekly: {mon-fri: "10:00-16:00", sat: "12:00-18:00"}
                      closed: [2026-12-24, 2026-12-26]
                """,
            unlock: "    unlock: never")
        let changed = try await site.plan().plan
        #expect(
            Self.addresses(changed) == [
                #"create kisi_schedule.offpeak["closed 2026-12-26"]"#, #"create kisi_schedule.offpeak["sat"]"#,
                #"update kisi_schedule.offpeak["mon-fri"]"#, #"delete kisi_schedule.offpeak["closed 2026-12-31 09:00-10:00"]"#,
                #"delete kisi_schedule.offpeak["closed 2026-12-31 14:00-16:00"]"#, #"delete kisi_schedule.offpeak["closed on holidays"]"#,
                #"delete kisi_lock_schedule.front_door["mon-fri"]"#,
            ])
        let update = try #require(changed.changes.first { $0.action == .update && $0.address.kind == .schedule })
        #expect(update.before?.schedule?.kisiID == update.after?.schedule?.kisiID)
        let zone = SiteTimeZone(identifier: "Europe/London")!
        #expect(
            changed.changes.last.map { $0.reasons.map { ReasonText.sentence($0, at: changed.instant, zone: zone) } } == [
                "the config says there is no schedule"
            ])
        let patches = await site.requests("PATCH /schedules/{id}")
        #expect(await site.apply(changed).succeeded)
        #expect(await site.requests("PATCH /schedules/{id}") == patches + 1, "hours changed in place")
        #expect(
            await Self.held(site) == [
                "Group allow override single_all_day_event 2026-12-24..2026-12-24",
                "Group allow override single_all_day_event 2026-12-26..2026-12-26",
                "Group allow recurring_event mon,tue,wed,thu,fri 10:00-16:00",
                "Group allow recurring_event sat 12:00-18:00",
            ])
        #expect(!(try await site.plan().plan.hasChanges), "converged")

        // `always`: no schedule at all, and the time restriction off before the hours go.
        try Self.write(site, schedule: "    schedule: always", unlock: "    unlock: never")
        let always = try await site.plan().plan
        #expect(always.changes.filter { $0.address.kind == .schedule }.allSatisfy { $0.action == .delete })
        #expect(always.changes.first { $0.address == .group("offpeak") }?.after?.group?.timeRestriction == false)
        #expect(await site.apply(always).succeeded)
        #expect(await Self.held(site) == [])
        #expect(await site.state.groups.first { $0.name == "Off-peak" }?.timeRestrictionEnabled == false)
        #expect(!(try await site.plan().plan.hasChanges), "converged")
    }

    @Test("an overnight range is split at midnight as Kisi needs, and means one stretch of the night")
    func overnight() async throws {
        let site = try await Self.site(schedule: "    schedule: {weekly: {fri: \"22:00-02:00\"}}", unlock: "    {}")
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        #expect(Self.addresses(plan) == [#"create kisi_schedule.offpeak["fri"]"#, #"create kisi_schedule.offpeak["sat"]"#])
        #expect(await site.apply(plan).succeeded)
        #expect(
            await Self.held(site) == [
                "Group allow recurring_event fri 22:00-23:59", "Group allow recurring_event sat 00:00-02:00",
            ])
        #expect(!(try await site.plan().plan.hasChanges), "converged")

        // Kisi's calendar: Friday 27 November 22:00 to Saturday 02:00, one stretch.
        let groupID = try #require(await site.state.groups.first { $0.name == "Off-peak" }?.id)
        let summary = try await Self.summary(site, group: groupID, around: "2026-11-27T00:00:00Z/2026-11-29T00:00:00Z")
        #expect(summary == ["2026-11-27T22:00:00.000Z/2026-11-28T02:00:00.000Z"])
    }

    @Test("hours are the site's wall clock across a daylight-saving change, and an opening on that day is written at its instants")
    func daylightSaving() async throws {
        // Sunday 28 March 2027: the UK moves to BST at 01:00 GMT.
        let site = try await Self.site(
            schedule: """
                    schedule:
                      weekly: {daily: "06:00-23:00"}
                      open: [{date: 2027-03-28, hours: "08:00-12:00"}]
                """, unlock: "    {}")
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        #expect(await site.apply(plan).succeeded)
        #expect(
            await Self.held(site) == [
                "Group allow override single_event 2027-03-28T05:00:00.000Z..2027-03-28T07:00:00.000Z",
                "Group allow override single_event 2027-03-28T11:00:00.000Z..2027-03-28T22:00:00.000Z",
                "Group allow recurring_event mon,tue,wed,thu,fri,sat,sun 06:00-23:00",
            ])
        #expect(!(try await site.plan().plan.hasChanges), "converged")
        let groupID = try #require(await site.state.groups.first { $0.name == "Off-peak" }?.id)
        let week = try await Self.summary(site, group: groupID, around: "2027-03-27T00:00:00Z/2027-03-30T00:00:00Z")
        #expect(
            week == [
                "2027-03-27T06:00:00.000Z/2027-03-27T23:00:00.000Z", "2027-03-28T07:00:00.000Z/2027-03-28T11:00:00.000Z",
                "2027-03-29T05:00:00.000Z/2027-03-29T22:00:00.000Z",
            ], "GMT on Saturday, the opening on Sunday, BST on Monday")
    }

    @Test("apply never locks members out over schedules: no time restriction without all the hours, no hours removed while it is on")
    func failSafe() async throws {
        let site = try await Self.site(schedule: "    schedule: {weekly: {mon-fri: \"09:00-16:00\"}}", unlock: "    {}")
        defer { Task { await site.stop() } }
        func applier(refusing refused: String) -> Applier {
            let exchange = Refusing(inner: URLSessionExchange(baseURL: site.credentials.baseURL, timeout: 30, connections: 4), refused: refused)
            return Applier(
                writer: KisiWriter(credentials: site.credentials, options: site.options, exchange: exchange), audit: nil, notify: false,
                progress: nil)
        }

        // Kisi refuses the hours: the restriction stays off, so members keep access at all hours.
        let plan = try await site.plan().plan
        let refused = await applier(refusing: "POST /schedules").apply(plan)
        #expect(!refused.succeeded)
        #expect(refused.failures.map(\.error).contains(.heldBack(restrictionOn: true)))
        #expect(await site.state.groups.first { $0.name == "Off-peak" }?.timeRestrictionEnabled == false)
        #expect(await site.apply(try await site.plan().plan).succeeded)
        #expect(await site.state.groups.first { $0.name == "Off-peak" }?.timeRestrictionEnabled == true)

        // `always`, and Kisi refuses to turn the restriction off: the hours stay.
        try Self.write(site, schedule: "    schedule: always", unlock: "    {}")
        let always = try await site.plan().plan
        let kept = await applier(refusing: "PATCH /groups").apply(always)
        #expect(kept.failures.map(\.error).contains(.heldBack(restrictionOn: false)))
        #expect(await Self.held(site) == ["Group allow recurring_event mon,tue,wed,thu,fri 09:00-16:00"])
        #expect(await site.apply(try await site.plan().plan).succeeded)
        #expect(await Self.held(site) == [])
    }

    @Test("a group kisictl creates gets its hours first, then its time restriction")
    func newGroup() async throws {
        let site = try await SiteHarness(
            config: Self.config(schedule: "    schedule: {weekly: {daily: \"06:00-23:00\"}}", unlock: "    {}"),
            data: ["customers.csv": Studio.customers, "memberships.csv": Self.memberships],
            seed: Studio.seed(groups: "  - {name: Staff, place: Studio}"), transport: .http)
        defer { Task { await site.stop() } }
        let plan = try await site.plan().plan
        #expect(plan.changes.first?.action == .create && plan.changes.first?.after?.group?.timeRestriction == true)
        #expect(await site.apply(plan).succeeded)
        let group = try #require(await site.state.groups.first { $0.name == "Off-peak" })
        #expect(group.timeRestrictionEnabled)
        #expect(await Self.held(site) == ["Group allow recurring_event mon,tue,wed,thu,fri,sat,sun 06:00-23:00"])
        #expect(!(try await site.plan().plan.hasChanges), "converged")
    }

    @Test("shorter hours, a new exception or a restriction turned on narrow access (held back by a tripped guard); a door's unlock hours never do")
    func narrowing() {
        func change(_ kind: ResourceAddress.Kind, _ action: ResourceChange.Action, before: ScheduleEntry?, after: ScheduleEntry?) -> ResourceChange {
            ResourceChange(
                ResourceAddress(kind, group: "g", index: "x"), action, before: before.map { .schedule(ScheduleValues(entry: $0, kisiID: 1)) },
                after: after.map { .schedule(ScheduleValues(entry: $0, kisiID: 1)) })
        }
        func hours(_ text: String, override: Bool = false) -> ScheduleEntry {
            ScheduleEntry(.weekly(.all, DayHours(text)!), consequence: .allow, override: override)
        }
        let now = utc("2026-11-23T09:00:00Z")
        #expect(Guards.narrows(change(.schedule, .update, before: hours("06:00-23:00"), after: hours("07:00-23:00")), at: now))
        #expect(!Guards.narrows(change(.schedule, .update, before: hours("07:00-23:00"), after: hours("06:00-23:00")), at: now))
        #expect(Guards.narrows(change(.schedule, .delete, before: hours("06:00-23:00"), after: nil), at: now))
        #expect(!Guards.narrows(change(.schedule, .create, before: nil, after: hours("06:00-23:00")), at: now))
        #expect(Guards.narrows(change(.schedule, .create, before: nil, after: hours("12:00-13:00", override: true)), at: now))
        #expect(!Guards.narrows(change(.schedule, .delete, before: hours("12:00-13:00", override: true), after: nil), at: now))
        #expect(!Guards.narrows(change(.lockSchedule, .delete, before: hours("06:00-23:00"), after: nil), at: now))
        let values = { (on: Bool?) in GroupValues(name: "G", description: nil, place: nil, placeID: nil, kisiID: 1, timeRestriction: on) }
        #expect(Guards.narrows(ResourceChange(.group("g"), .update, before: .group(values(false)), after: .group(values(true))), at: now))
        #expect(!Guards.narrows(ResourceChange(.group("g"), .update, before: .group(values(true)), after: .group(values(false))), at: now))
    }

    @Test("an opening on a public holiday is a plan warning: Kisi's holiday exception keeps the day closed, unless the holiday is excepted")
    func openingOnHoliday() async throws {
        let schedule = { (except: String) in
            """
                schedule:
                  weekly: {daily: "06:00-23:00"}
                  holidays: {region: gb_eng\(except)}
                  open: [{date: 2026-12-25, hours: "10:00-14:00"}]
            """
        }
        let site = try await Self.site(schedule: schedule(""), unlock: "    {}")
        defer { Task { await site.stop() } }
        let warned = try await site.plan().plan
        #expect(
            warned.warnings.map(\.message) == [
                "groups.offpeak.schedule.open: 2026-12-25 is Christmas Day in Kisi's gb_eng calendar, which keeps the doors closed all day: add \"Christmas Day\" to holidays.except to open it"
            ])
        #expect(PlanText.render(warned, style: PlanStyle(zone: SiteTimeZone(identifier: "Europe/London")!)).contains("2026-12-25 is Christmas Day"))
        try Self.write(site, schedule: schedule(", except: [Christmas Day]"), unlock: "    {}")
        #expect(try await site.plan().plan.warnings.isEmpty)
    }

    @Test("a schedule kisictl cannot read is not planned over: the group's hours are left alone, and the plan says why")
    func unreadable() async throws {
        let site = try await Self.site(schedule: "    schedule: {weekly: {mon-fri: \"09:00-16:00\"}}", unlock: "    {}")
        defer { Task { await site.stop() } }
        let groupID = try #require(await site.state.groups.first { $0.name == "Off-peak" }?.id)
        // A recurring event in a form Kisi's document does not give (hh:mm is its form).
        try await site.store.write { state, now in
            let record = """
                {"id": \(state.nextID("schedule")), "enabled": true, "override": false, "consequence": "allow", "scheduleable_type": "Group",
                 "scheduleable_id": \(groupID), "type": "recurring_event", "weekdays": [true, true, true, true, true, true, true],
                 "starts_at_time": "9 am", "ends_at_time": "5 pm", "created_at": "\(now)", "updated_at": "\(now)"}
                """
            state.schedules.append(try JSONDecoder().decode(ScheduleRecord.self, from: Data(record.utf8)))
        }
        let plan = try await site.plan().plan
        #expect(Self.addresses(plan) == [])
        #expect(!plan.changes.contains { $0.address == .group("offpeak") }, "nor is the time restriction turned on")
        let text = PlanText.render(plan, style: PlanStyle(zone: SiteTimeZone(identifier: "Europe/London")!))
        #expect(text.contains("groups.offpeak.schedule: Kisi holds schedule 95001 in a form kisictl cannot read, so it leaves this schedule alone"))
    }

    /// Refuses one kind of request with Kisi's 422, passing the others to the sandbox.
    struct Refusing: HTTPExchange {
        let inner: any HTTPExchange
        /// `METHOD /collection`, matching `/collection` and `/collection/{id}`.
        let refused: String

        func exchange(_ request: HTTPRequest) async -> HTTPOutcome {
            let parts = refused.split(separator: " ")
            guard request.method == parts[0], request.path.hasPrefix(String(parts[1])) else { return await inner.exchange(request) }
            return .response(status: 422, headers: [:], body: Data(#"{"errors":{"base":["refused by the test"]}}"#.utf8))
        }
    }

    /// Kisi's effective intervals for a group's `allow` schedules.
    static func summary(_ site: SiteHarness, group: Int, around: String) async throws -> [String] {
        var request = URLRequest(url: site.credentials.baseURL.appending(path: "calendar/summary"))
        request.url = URL(string: request.url!.absoluteString + "?around=\(around)&consequence=allow&group_id=\(group)")
        request.setValue("KISI-LOGIN test-key", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let events = object?["events"] as? [[String: String]] ?? []
        return events.map { "\($0["starts_at"] ?? "")/\($0["ends_at"] ?? "")" }
    }
}
