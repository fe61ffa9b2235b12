extension Schedule {
    /// The Kisi schedules that mean this schedule, with `consequence` (`allow` for a group's
    /// hours, `unlock` for a door's), in a stable order.
    ///
    /// Weekly hours become recurring events, one per distinct range, a range crossing midnight
    /// two (Kisi's events live inside one day); the holiday calendar and closed days are
    /// exceptions (`override`), consecutive closed days one event. An opening replaces its
    /// day's weekly hours: the weekly hours it does not keep are closed by exceptions, the hours
    /// it adds opened by single events, both at the site's instants (so a daylight-saving day
    /// is right).
    public func entries(_ consequence: ScheduleConsequence, in zone: SiteTimeZone) -> [ScheduleEntry] {
        let weekly = weeklyRanges
        var entries = weekly.map { ScheduleEntry(.weekly($0.days, $0.hours), consequence: consequence, override: false) }
        if let holidays {
            entries.append(ScheduleEntry(.holidays(holidays), consequence: consequence, override: true))
        }
        for run in Self.runs(of: closed) {
            entries.append(ScheduleEntry(.days(run.lowerBound, run.upperBound), consequence: consequence, override: true))
        }
        for opening in open.sorted(by: { $0.date < $1.date }) {
            let day = Weekdays.day(of: opening.date)
            let usual = DisjointRanges(weekly.filter { $0.days.contains(day: day) }.map(\.hours.minutes))
            let wanted = DisjointRanges([opening.hours.minutes])
            func span(_ minutes: Range<Int>, override: Bool) -> ScheduleEntry {
                let start = zone.instant(for: LocalDateTime(date: opening.date, minute: minutes.lowerBound))
                let end = zone.instant(for: LocalDateTime(date: opening.date, minute: minutes.upperBound))
                return ScheduleEntry(.span(start, end), consequence: consequence, override: override)
            }
            entries += usual.subtracting(wanted).ranges.map { span($0, override: true) }
            entries += wanted.subtracting(usual).ranges.map { span($0, override: false) }
        }
        return entries
    }

    /// The weekly hours as Kisi holds them: ranges that cross midnight split at it, then the
    /// days of equal ranges joined, sorted by start and days.
    public var weeklyRanges: [WeeklyHours] {
        var days: [DayHours: Weekdays] = [:]
        for entry in weekly {
            if entry.hours.crossesMidnight {
                days[DayHours(entry.hours.start, .endOfDay), default: []].formUnion(entry.days)
                days[DayHours(.midnight, entry.hours.end), default: []].formUnion(entry.days.following)
            } else {
                days[entry.hours, default: []].formUnion(entry.days)
            }
        }
        return days.map { WeeklyHours(days: $0.value, hours: $0.key) }
            .sorted { ($0.hours.start, $0.hours.end, $0.days.rawValue) < ($1.hours.start, $1.hours.end, $1.days.rawValue) }
    }

    /// Runs of consecutive dates.
    static func runs(of dates: [LocalDate]) -> [ClosedRange<LocalDate>] {
        var runs: [ClosedRange<LocalDate>] = []
        for date in Set(dates).sorted() {
            if let last = runs.last, last.upperBound.adding(days: 1) == date {
                runs[runs.count - 1] = last.lowerBound...date
            } else {
                runs.append(date...date)
            }
        }
        return runs
    }
}

extension LocalDateTime {
    init(date: LocalDate, minute: Int) {
        self.init(secondsSinceEpoch: date.daysSinceEpoch * 86_400 + Int64(minute) * 60)
    }
}
