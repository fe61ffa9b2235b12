import AccessModel
import Testing

/// The schedule core: hours and days as written, the Kisi entries a schedule makes, what
/// entries mean, and when schedules are in effect.
@Suite("Schedule core")
struct ScheduleCoreTests {
    static let london = SiteTimeZone(identifier: "Europe/London")!

    static func instant(_ text: String) -> Instant {
        guard case .instant(let instant)? = TimeParsing.moment(text) else { fatalError(text) }
        return instant
    }

    @Test("days and hours read as the config writes them, and print back the same way")
    func daysAndHours() {
        #expect(Weekdays("mon-fri")?.days == [0, 1, 2, 3, 4])
        #expect(Weekdays("sat,sun")?.description == "sat,sun")
        #expect(Weekdays("mon,wed-fri")?.description == "mon,wed-fri")
        #expect(Weekdays("daily") == .all)
        #expect(Weekdays("fri-mon") == nil, "a range runs forward within the week")
        #expect(Weekdays("weekdays") == nil)
        #expect(Weekdays("sun").map { $0.following } == Weekdays("mon"), "Sunday night ends on Monday")
        #expect(Weekdays.day(of: LocalDate(year: 2026, month: 12, day: 3)!) == 3, "3 December 2026 is a Thursday")

        #expect(DayHours("09:00-16:00")?.description == "09:00-16:00")
        #expect(DayHours("18:00-23:59")?.end == .endOfDay, "Kisi's 23:59 is midnight")
        #expect(DayHours("18:00-00:00")?.end == .endOfDay)
        #expect(DayHours("22:00-02:00")?.crossesMidnight == true)
        for bad in ["9-5", "09:00", "25:00-26:00", "09:60-10:00", "10:00-10:00", "24:00-02:00"] { #expect(DayHours(bad) == nil, "\(bad)") }
        #expect(TimeOfDay.endOfDay.kisiText == "23:59")
    }

    @Test("a schedule's entries: overnight ranges split at midnight (Sunday into Monday), equal ranges joined, closed runs one event")
    func entries() {
        let schedule = Schedule(
            weekly: [
                WeeklyHours(days: Weekdays("mon-fri")!, hours: DayHours("09:00-16:00")!),
                WeeklyHours(days: Weekdays("sat")!, hours: DayHours("09:00-16:00")!),
                WeeklyHours(days: Weekdays("sun")!, hours: DayHours("22:00-02:00")!),
            ],
            closed: [
                LocalDate(year: 2026, month: 12, day: 25)!, LocalDate(year: 2026, month: 12, day: 24)!, LocalDate(year: 2026, month: 12, day: 28)!,
            ])
        let described = schedule.entries(.allow, in: Self.london).map { $0.description(in: Self.london) }
        #expect(
            described == [
                "mon 00:00-02:00", "mon-sat 09:00-16:00", "sun 22:00-24:00", "closed 2026-12-24 to 2026-12-25", "closed 2026-12-28",
            ])
    }

    @Test("an opening replaces its day's hours: what it drops is closed, what it adds is opened, at the site's instants")
    func openings() {
        let schedule = Schedule(
            weekly: [WeeklyHours(days: .all, hours: DayHours("06:00-23:00")!)],
            open: [Opening(date: LocalDate(year: 2026, month: 12, day: 31)!, hours: DayHours("05:00-18:00")!)])
        let extra = schedule.entries(.allow, in: Self.london).dropFirst().map { $0 }
        #expect(
            extra == [
                ScheduleEntry(.span(Self.instant("2026-12-31T18:00:00Z"), Self.instant("2026-12-31T23:00:00Z")), consequence: .allow, override: true),
                ScheduleEntry(
                    .span(Self.instant("2026-12-31T05:00:00Z"), Self.instant("2026-12-31T06:00:00Z")), consequence: .allow, override: false),
            ])
    }

    @Test("meaning: entries split, joined or disabled differently mean the same; other hours do not")
    func meaning() {
        func weekly(_ days: String, _ hours: String, enabled: Bool = true) -> ScheduleEntry {
            ScheduleEntry(.weekly(Weekdays(days)!, DayHours(hours)!), consequence: .allow, override: false, enabled: enabled)
        }
        #expect(
            ScheduleMeaning([weekly("daily", "06:00-23:00")])
                == ScheduleMeaning([weekly("mon-fri", "06:00-23:00"), weekly("sat,sun", "06:00-23:00")]))
        #expect(ScheduleMeaning([weekly("mon", "06:00-12:00"), weekly("mon", "12:00-23:00")]) == ScheduleMeaning([weekly("mon", "06:00-23:00")]))
        #expect(
            ScheduleMeaning([weekly("mon", "06:00-23:00"), weekly("tue", "01:00-02:00", enabled: false)])
                == ScheduleMeaning([weekly("mon", "06:00-23:00")]))
        #expect(ScheduleMeaning([weekly("mon", "06:00-23:00")]) != ScheduleMeaning([weekly("mon", "06:00-22:00")]))
        #expect(ScheduleMeaning([weekly("mon", "06:00-23:00")]).admits(atLeast: ScheduleMeaning([weekly("mon", "07:00-22:00")])))
        #expect(!ScheduleMeaning([weekly("mon", "07:00-22:00")]).admits(atLeast: ScheduleMeaning([weekly("mon", "06:00-23:00")])))
        let closed = ScheduleEntry(
            .days(LocalDate(year: 2026, month: 12, day: 24)!, LocalDate(year: 2026, month: 12, day: 24)!), consequence: .allow, override: true)
        #expect(!ScheduleMeaning([weekly("daily", "06:00-23:00"), closed]).admits(atLeast: ScheduleMeaning([weekly("daily", "06:00-23:00")])))
    }

    @Test("the calendar: events less exceptions, holidays by name, and when schedules next take effect")
    func calendar() {
        let schedule = Schedule(
            weekly: [WeeklyHours(days: Weekdays("mon-fri")!, hours: DayHours("09:00-17:00")!)],
            holidays: HolidayCalendar(region: "gb_eng", ignored: ["Boxing Day"]))
        let holidays: @Sendable (String, Bool, Int) -> [Holiday] = { region, observed, year in
            guard region == "gb_eng", year == 2026 else { return [] }
            return [
                Holiday(date: LocalDate(year: 2026, month: 12, day: 25)!, name: "Christmas Day"),
                Holiday(date: LocalDate(year: 2026, month: 12, day: observed ? 28 : 26)!, name: "Boxing Day"),
            ]
        }
        let calendar = ScheduleCalendar(entries: schedule.entries(.allow, in: Self.london), zone: Self.london, holidays: holidays)
        // Thursday 24 December, 18:00: closed; Friday is Christmas Day; Monday 28th Boxing Day (ignored) opens.
        #expect(calendar.state(at: Self.instant("2026-12-24T18:00:00Z")) == .notInEffect(next: Self.instant("2026-12-28T09:00:00Z")))
        #expect(calendar.state(at: Self.instant("2026-12-24T10:00:00Z")) == .inEffect(until: Self.instant("2026-12-24T17:00:00Z")))
        let (events, exceptions) = calendar.occurrences(from: Self.instant("2026-12-25T00:00:00Z"), to: Self.instant("2026-12-26T00:00:00Z"))
        #expect(events.ranges.count == 1 && exceptions.ranges.count == 1)
        #expect(calendar.effective(from: Self.instant("2026-12-25T00:00:00Z"), to: Self.instant("2026-12-26T00:00:00Z")).ranges.isEmpty)
        // A summer day: hours are wall-clock, one hour earlier in UTC.
        #expect(calendar.state(at: Self.instant("2026-07-01T07:30:00Z")) == .notInEffect(next: Self.instant("2026-07-01T08:00:00Z")))
    }
}
