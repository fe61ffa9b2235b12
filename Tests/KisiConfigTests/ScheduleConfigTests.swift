import AccessModel
import KisiConfig
import Testing

/// `schedule:` on groups and `doors:` with `unlock:`: what they read as, and an actionable error
/// for each thing a config can get wrong.
@Suite("Schedule config")
struct ScheduleConfigTests {
    static func group(_ schedule: String) -> String {
        minimalConfig(
            groups: """
                  g:
                    name: G
                    grant: []
                    schedule: \(schedule)
                """)
    }

    @Test("weekly hours, holidays, closed days and openings read as written; overnight ranges cross midnight")
    func reads() throws {
        let site = try TemporarySite(
            Self.group(
                """
                {weekly: {mon-fri: "09:00-16:00", "sat,sun": ["08:00-12:00", "22:00-02:00"]}, holidays: {region: gb_eng, observed: false, except: [Boxing Day]}, closed: [2026-12-24], open: [{date: 2026-12-31, hours: "10:00-14:00"}, {date: 2027-01-02}]}
                """) + "\ndoors:\n  Front Door: {unlock: {weekly: {daily: \"07:00-09:00\"}}}\n  Back Door: {unlock: never}\n  Side: {}\n")
        let config = try site.load().get().config
        let schedule = try #require(config.groups[0].schedule?.schedule)
        #expect(schedule.weekly.map { "\($0.days) \($0.hours)" } == ["mon-fri 09:00-16:00", "sat,sun 08:00-12:00", "sat,sun 22:00-02:00"])
        #expect(schedule.weekly[2].hours.crossesMidnight)
        #expect(schedule.holidays == HolidayCalendar(region: "gb_eng", observed: false, ignored: ["Boxing Day"]))
        #expect(schedule.closed.map(\.isoString) == ["2026-12-24"])
        #expect(schedule.open.map { "\($0.date) \($0.hours)" } == ["2026-12-31 10:00-14:00", "2027-01-02 00:00-24:00"])
        #expect(config.doors.map(\.address) == ["back_door", "front_door", "side"])
        #expect(
            config.doors.map(\.unlock) == [
                ScheduleSetting.none,
                .hours(
                    Schedule(weekly: [WeeklyHours(days: .all, hours: DayHours("07:00-09:00")!)], location: config.doors[1].unlock?.schedule?.location)
                ), nil,
            ])

        let always = try TemporarySite(Self.group("always")).load().get().config
        #expect(always.groups[0].schedule == ScheduleSetting.none)
    }

    @Test(
        "invalid schedules each get an actionable message",
        arguments: [
            (
                "{weekly: {weekdays: \"09:00-16:00\"}}",
                "groups.g.schedule.weekly.weekdays: expected days such as mon-fri, sat, mon,wed,fri or daily, found \"weekdays\""
            ),
            (
                "{weekly: {mon: \"9-5\"}}",
                "groups.g.schedule.weekly.mon: expected hours such as \"09:00-16:00\" (\"22:00-02:00\" crosses midnight), found \"9-5\""
            ),
            ("{weekly: {mon: \"10:00-10:00\"}}", "groups.g.schedule.weekly.mon: expected hours such as \"09:00-16:00\""),
            (
                "{weekly: {mon: \"09:00-16:00\"}, holidays: {region: gb_england}}",
                "Kisi has no holiday calendar \"gb_england\" (Kisi's codes for gb: gb, gb_con, gb_eng, gb_nir, gb_sct, gb_wls)"
            ),
            ("{weekly: {mon: \"09:00-16:00\"}, holidays: {}}", "groups.g.schedule.holidays: missing key \"region\""),
            ("{weekly: {mon: \"09:00-16:00\"}, closed: [2026-12-24, 2026-12-24]}", "2026-12-24 is listed twice"),
            ("{weekly: {mon: \"09:00-16:00\"}, closed: [24.12.2026]}", "expected a date such as 2026-12-24"),
            ("{weekly: {mon: \"09:00-16:00\"}, closed: [2026-12-24], open: [{date: 2026-12-24}]}", "2026-12-24 is both closed and open: keep one"),
            ("{weekly: {mon: \"09:00-16:00\"}, open: [{date: 2026-12-31, hours: \"22:00-02:00\"}]}", "an opening's hours end on its day"),
            (
                "{closed: [2026-12-24]}",
                "a schedule without weekly hours or openings never opens: add weekly hours, or write always to have no schedule"
            ),
            ("never", "expected always or a mapping with weekly, holidays, closed and open, found \"never\""),
            ("{weekly: {mon: \"09:00-16:00\"}, hours: x}", "unknown key \"hours\""),
        ])
    func rejects(schedule: String, message: String) throws {
        let errors = try TemporarySite(Self.group(schedule)).errors()
        #expect(errors.contains { $0.contains(message) }, "\(errors)")
    }

    @Test("two doors whose names make the same address are an error")
    func doorAddresses() throws {
        let errors = try TemporarySite(minimalConfig(groups: "  {}") + "\ndoors:\n  Front Door: {unlock: never}\n  front-door: {unlock: never}\n")
            .errors()
        #expect(errors.contains { $0.contains("\"front-door\" and \"Front Door\" share the address front_door in plans: rename one") }, "\(errors)")
    }
}
