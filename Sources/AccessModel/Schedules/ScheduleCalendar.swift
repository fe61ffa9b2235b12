/// A public holiday, as Kisi's `/holiday_calendars/{region}/holidays` lists it.
public struct Holiday: Hashable, Sendable {
    public var date: LocalDate
    public var name: String

    public init(date: LocalDate, name: String) {
        self.date = date
        self.name = name
    }
}

/// When schedules occur, as Kisi's calendar summary computes it: events of the regular
/// schedules, exceptions of the overriding ones, and in effect the events less the exceptions.
/// One implementation for the sandbox's `/calendar/summary` and for `explain`.
public struct ScheduleCalendar: Sendable {
    public var entries: [ScheduleEntry]
    public var zone: SiteTimeZone
    /// A region's holidays in a year, on their observed days or not.
    public var holidays: @Sendable (_ region: String, _ observed: Bool, _ year: Int) -> [Holiday]

    public init(
        entries: [ScheduleEntry], zone: SiteTimeZone, holidays: @escaping @Sendable (_ region: String, _ observed: Bool, _ year: Int) -> [Holiday]
    ) {
        self.entries = entries
        self.zone = zone
        self.holidays = holidays
    }

    /// Events and exceptions within `from..<to`, as seconds since 1970.
    public func occurrences(from: Instant, to: Instant) -> (events: DisjointRanges<Int64>, exceptions: DisjointRanges<Int64>) {
        var found: [[Range<Int64>]] = [[], []]
        let first = zone.localDate(for: from).adding(days: -1), last = zone.localDate(for: to)
        var holidayDays: [HolidayCalendar: [LocalDate: String]] = [:]
        for entry in entries where entry.enabled {
            guard case .holidays(let calendar) = entry.kind, holidayDays[calendar] == nil else { continue }
            var days: [LocalDate: String] = [:]
            for year in first.components.year...last.components.year {
                for holiday in holidays(calendar.region, calendar.observed, year) where !calendar.ignored.contains(holiday.name) {
                    days[holiday.date] = holiday.name
                }
            }
            holidayDays[calendar] = days
        }
        func instant(_ date: LocalDate, _ minute: Int) -> Int64 {
            zone.instant(for: LocalDateTime(date: date, minute: minute)).secondsSinceEpoch
        }
        var date = first
        while date <= last {
            let wholeDay = instant(date, 0)..<instant(date.adding(days: 1), 0)
            for entry in entries where entry.enabled {
                let side = entry.override ? 1 : 0
                switch entry.kind {
                case .weekly(let weekdays, let hours) where weekdays.contains(day: Weekdays.day(of: date)):
                    found[side].append(instant(date, hours.start.minutes)..<instant(date, hours.end.minutes))
                case .holidays(let calendar) where holidayDays[calendar]?[date] != nil: found[side].append(wholeDay)
                case .days(let start, let end) where start <= date && date <= end: found[side].append(wholeDay)
                default: break
                }
            }
            date = date.adding(days: 1)
        }
        for entry in entries where entry.enabled {
            if case .span(let start, let end) = entry.kind { found[entry.override ? 1 : 0].append(start.secondsSinceEpoch..<end.secondsSinceEpoch) }
        }
        let window = [from.secondsSinceEpoch..<to.secondsSinceEpoch]
        let within = DisjointRanges(window)
        return (
            DisjointRanges(found[0]).intersecting(within), DisjointRanges(found[1]).intersecting(within)
        )
    }

    /// When the consequence is in effect within `from..<to`.
    public func effective(from: Instant, to: Instant) -> DisjointRanges<Int64> {
        let (events, exceptions) = occurrences(from: from, to: to)
        return events.subtracting(exceptions)
    }

    /// Whether the schedules are in effect at an instant: until when, or when next (within
    /// `horizon` days; nil beyond).
    public func state(at instant: Instant, horizon: Int64 = 14) -> ScheduleState {
        let effective = effective(from: instant, to: instant + .days(horizon))
        let now = instant.secondsSinceEpoch
        if let current = effective.ranges.first(where: { $0.contains(now) }) {
            return .inEffect(until: Instant(secondsSinceEpoch: current.upperBound))
        }
        return .notInEffect(next: effective.ranges.first { $0.lowerBound > now }.map { Instant(secondsSinceEpoch: $0.lowerBound) })
    }
}

/// Whether schedules are in effect at an instant.
public enum ScheduleState: Hashable, Sendable {
    /// Until the instant (which may be the end of what was looked at).
    case inEffect(until: Instant)
    /// Next in effect at the instant; nil when not within the horizon.
    case notInEffect(next: Instant?)
}
