import AccessModel
import Testing

@Suite("Dates, times and durations")
struct TimeTests {
    @Test("local dates round-trip and reject impossible dates")
    func localDates() {
        #expect(LocalDate(year: 2026, month: 11, day: 23)?.isoString == "2026-11-23")
        #expect(LocalDate(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(LocalDate(year: 2024, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2026, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2026, month: 13, day: 1) == nil)
        for days in stride(from: -800_000 as Int64, through: 800_000, by: 997) {
            let date = LocalDate(daysSinceEpoch: days)
            let (y, m, d) = date.components
            #expect(LocalDate(year: y, month: m, day: d) == date)
        }
    }

    @Test(
        "member-data times parse in every documented form, and nothing else",
        arguments: [
            ("2026-11-23T07:00", "local 2026-11-23 07:00"),
            ("2026-11-23 07:00:30", "local 2026-11-23 07:00:30"),
            ("2026-11-23T07:00:00.250", "local 2026-11-23 07:00"),
            ("2026-11-23T07:00:00Z", "2026-11-23T07:00:00Z"),
            ("2026-11-23T07:00:00-05:00", "2026-11-23T12:00:00Z"),
            ("2026-11-23T07:00+0530", "2026-11-23T01:30:00Z"),
            ("2026-11-23T07:00:00+01", "2026-11-23T06:00:00Z"),
            ("2026-11-23", "invalid"),
            ("23/11/2026 07:00", "invalid"),
            ("2026-11-23T24:00", "invalid"),
            ("2026-11-23T07:00:00+5", "invalid"),
            ("2026-11-23T07:00Zjunk", "invalid"),
        ])
    func moments(text: String, expected: String) {
        let described: String =
            switch TimeParsing.moment(text) {
            case .instant(let instant)?: instant.rfc3339
            case .local(let local)?: "local " + local.displayString
            case nil: "invalid"
            }
        #expect(described == expected)
    }

    @Test(
        "durations: 15m, 2h, 1d, 1w, sums, and 0",
        arguments: [
            ("15m", 900), ("2h", 7200), ("1d", 86_400), ("1w", 604_800), ("1h30m", 5400), ("90s", 90), ("0", 0),
        ])
    func durations(text: String, seconds: Int64) {
        #expect(TimeSpan(parsing: text)?.seconds == seconds)
    }

    @Test(
        "invalid durations are rejected, and so is any span over a century (it would overflow an instant)",
        arguments: ["", "15", "m", "30 minutes", "-1d", "1.5h", "1H", "99999999999999999999d", "9223372036854775807s", "36526d", "36525d1s"])
    func invalidDurations(text: String) {
        #expect(TimeSpan(parsing: text) == nil)
    }

    @Test("a century is the longest span read")
    func century() {
        #expect(TimeSpan(parsing: "36525d") == TimeSpan.maximum)
    }

    @Test("durations print as written in config")
    func durationText() {
        #expect(TimeSpan.days(7).description == "7d")
        #expect(TimeSpan(seconds: 5400).description == "1h30m")
        #expect(TimeSpan.zero.description == "0")
    }
}

@Suite("The site's time zone")
struct SiteTimeZoneTests {
    let london = SiteTimeZone(identifier: "Europe/London")!

    @Test("only IANA names are time zones; abbreviations and raw offsets are not")
    func ianaOnly() {
        #expect(SiteTimeZone(identifier: "Europe/London") != nil)
        #expect(SiteTimeZone(identifier: "UTC") != nil)
        #expect(SiteTimeZone(identifier: "US/Eastern") != nil)
        #expect(SiteTimeZone(identifier: "EST") == nil)
        #expect(SiteTimeZone(identifier: "GMT+2") == nil)
        #expect(SiteTimeZone(identifier: "Europe/Londn") == nil)
    }

    @Test("a local time skipped by spring-forward moves forward by the gap")
    func springGap() {
        // London, 2026-03-29: 01:00 GMT becomes 02:00 BST; 01:30 does not exist.
        let local = TimeParsing.moment("2026-03-29T01:30")!
        #expect(local.instant(in: london).rfc3339 == "2026-03-29T01:30:00Z")
        #expect(london.localDateTime(for: local.instant(in: london)).displayString == "2026-03-29 02:30")
    }

    @Test("a local time repeated by fall-back means its first occurrence")
    func autumnOverlap() {
        // London, 2026-10-25: 02:00 BST becomes 01:00 GMT; 01:30 happens twice.
        #expect(TimeParsing.moment("2026-10-25T01:30")!.instant(in: london).rfc3339 == "2026-10-25T00:30:00Z")
        #expect(TimeParsing.moment("2026-10-25T02:30")!.instant(in: london).rfc3339 == "2026-10-25T02:30:00Z")
    }

    @Test("local midnight around changes in zones with unusual rules")
    func unusualZones() {
        let lordHowe = SiteTimeZone(identifier: "Australia/Lord_Howe")!  // 30-minute DST shift
        #expect(lordHowe.startOfDay(LocalDate(year: 2026, month: 1, day: 10)!).rfc3339 == "2026-01-09T13:00:00Z")
        #expect(lordHowe.startOfDay(LocalDate(year: 2026, month: 7, day: 10)!).rfc3339 == "2026-07-09T13:30:00Z")
        let kolkata = SiteTimeZone(identifier: "Asia/Kolkata")!
        #expect(kolkata.offsetDescription(at: Instant(secondsSinceEpoch: 0)) == "UTC+05:30")
    }

    @Test("local → instant → local round-trips every 17 minutes of a year with two changes")
    func roundTrip() {
        let zone = SiteTimeZone(identifier: "America/New_York")!
        let start = TimeParsing.moment("2026-01-01T00:00")!.instant(in: zone)
        for step in 0..<(365 * 24 * 60 / 17) {
            let instant = start + TimeSpan(seconds: Int64(step) * 17 * 60)
            let local = zone.localDateTime(for: instant)
            let back = zone.instant(for: local)
            // Only the repeated hour of the autumn change maps back to its first occurrence.
            #expect(back == instant || back.secondsSinceEpoch == instant.secondsSinceEpoch - 3600)
        }
    }
}
