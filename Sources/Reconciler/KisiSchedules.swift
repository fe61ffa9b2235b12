import AccessModel
import Foundation
import JSONSupport
import KisiAPI
import PlanModel

/// Kisi's schedule fields and kisictl's ``ScheduleEntry``, each way.
public enum KisiSchedules {
    /// The schedules of one consequence, as entries (with their ids). A schedule kisictl cannot
    /// read (a type it does not know) is left out: it is neither compared nor removed.
    static func entries(_ schedules: [KisiSchedule], _ consequence: ScheduleConsequence) -> [ScheduledEntry] {
        schedules.filter { $0.consequence == consequence.rawValue }.sorted { $0.id < $1.id }
            .compactMap { schedule in entry(schedule).map { ScheduledEntry($0, kisiID: schedule.id) } }
    }

    /// The ids of the schedules of a consequence that kisictl cannot read.
    static func unreadable(_ schedules: [KisiSchedule], _ consequence: ScheduleConsequence) -> [Int] {
        schedules.filter { $0.consequence == consequence.rawValue && entry($0) == nil }.map(\.id).sorted()
    }

    static func entry(_ schedule: KisiSchedule) -> ScheduleEntry? {
        ScheduleEntry(
            KisiScheduleFields(
                type: schedule.type, consequence: schedule.consequence, override: schedule.override, enabled: schedule.enabled,
                region: schedule.region, observed: schedule.observed, ignoredHolidays: schedule.ignoredHolidays, weekdays: schedule.weekdays,
                startsAtTime: schedule.startsAtTime, endsAtTime: schedule.endsAtTime, startsAtDate: schedule.startsAtDate,
                endsAtDate: schedule.endsAtDate, startsAt: schedule.startsAt, endsAt: schedule.endsAt))
    }

    /// The body fields of a schedule (without the scheduleable) for POST and PATCH.
    static func fields(_ entry: ScheduleEntry) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [
            ("enabled", .bool(entry.enabled)), ("override", .bool(entry.override)), ("type", .string(entry.kisiType)),
        ]
        switch entry.kind {
        case .weekly(let days, let hours):
            fields += Weekdays.kisiNames.enumerated().map { ($1, .bool(days.contains(day: $0))) }
            fields += [("starts_at_time", .string(hours.start.kisiText)), ("ends_at_time", .string(hours.end.kisiText))]
        case .holidays(let calendar):
            fields += [
                ("region", .string(calendar.region)), ("observed", .bool(calendar.observed)),
                ("ignored_holidays", .array(calendar.ignored.map(JSONValue.string))),
            ]
        case .days(let first, let last):
            fields += [("starts_at_date", .string(first.isoString)), ("ends_at_date", .string(last.isoString))]
        case .span(let start, let end):
            fields += [("starts_at", .string(start.rfc3339)), ("ends_at", .string(end.rfc3339))]
        }
        return fields
    }
}

extension KisiSchedules {
    /// Kisi's schedules of one consequence as the config would write them, for `import`: nil
    /// when there are none, or when the config cannot say what they mean (a disabled entry, an
    /// exception by the week, a single event). The schedule written means exactly what Kisi
    /// holds, checked: the next plan changes nothing.
    public static func schedule(_ schedules: [KisiSchedule], _ consequence: ScheduleConsequence, zone: SiteTimeZone) -> Result<Schedule, Unwritable>?
    {
        let entries = Self.entries(schedules, consequence)
        guard !entries.isEmpty else { return nil }
        guard entries.count == schedules.filter({ $0.consequence == consequence.rawValue }).count else { return .failure(.unreadable) }
        var schedule = Schedule()
        // Single events, by the site's day: an opening's hours are that day's weekly hours less
        // its closed spans, plus its open ones.
        var spans: [LocalDate: (closed: [Range<Int>], open: [Range<Int>])] = [:]
        for item in entries {
            let entry = item.entry
            guard entry.enabled else { return .failure(.disabled) }
            switch (entry.kind, entry.override) {
            case (.weekly(let days, let hours), false): schedule.weekly.append(WeeklyHours(days: days, hours: hours))
            case (.holidays(let calendar), true) where schedule.holidays == nil: schedule.holidays = calendar
            case (.days(let first, let last), true):
                var day = first
                while day <= last, schedule.closed.count <= 366 {
                    schedule.closed.append(day)
                    day = day.adding(days: 1)
                }
            case (.span(let start, let end), let override):
                let from = zone.localDateTime(for: start), to = zone.localDateTime(for: end)
                let endMinute = to.date == from.date ? to.secondOfDay / 60 : to.date == from.date.adding(days: 1) && to.secondOfDay == 0 ? 1440 : -1
                guard endMinute > from.secondOfDay / 60 else { return .failure(.inexpressible("a single event over several days")) }
                let minutes = from.secondOfDay / 60..<endMinute
                if override {
                    spans[from.date, default: ([], [])].closed.append(minutes)
                } else {
                    spans[from.date, default: ([], [])].open.append(minutes)
                }
            default: return .failure(.inexpressible(entry.kisiType + (entry.override ? " exception" : "")))
            }
        }
        let weekly = schedule.weeklyRanges
        for (date, parts) in spans.sorted(by: { $0.key < $1.key }) {
            let day = Weekdays.day(of: date)
            let usual = DisjointRanges(weekly.filter { $0.days.contains(day: day) }.map(\.hours.minutes))
            let hours = DisjointRanges(usual.subtracting(DisjointRanges(parts.closed)).ranges + parts.open).ranges
            guard hours.count == 1, let only = hours.first else { return .failure(.inexpressible("single events")) }
            schedule.open.append(Opening(date: date, hours: DayHours(TimeOfDay(minutes: only.lowerBound), TimeOfDay(minutes: only.upperBound))))
        }
        guard !schedule.weekly.isEmpty else { return .failure(.inexpressible("exceptions without weekly hours")) }
        guard ScheduleMeaning(schedule.entries(consequence, in: zone)) == ScheduleMeaning(entries.map(\.entry)) else {
            return .failure(.inexpressible("schedules the config would write differently"))
        }
        return .success(schedule)
    }

    /// Why Kisi's schedules cannot be written into the config.
    public enum Unwritable: Error, Equatable, CustomStringConvertible {
        case unreadable
        case disabled
        case inexpressible(String)

        public var description: String {
            switch self {
            case .unreadable: "a schedule kisictl cannot read"
            case .disabled: "a disabled schedule"
            case .inexpressible(let what): "\(what), which the config cannot write"
            }
        }
    }
}

extension KisiSchedules {
    /// An opening on a public holiday of its schedule's calendar stays closed (the holiday is an
    /// exception, which nothing opens): a warning, in the plan, for each.
    public static func openingsOnHolidays(_ config: SiteConfig, live: LiveState) -> [Diagnostic] {
        let schedules =
            config.managedGroups.compactMap { group in group.schedule?.schedule.map { ("groups.\(group.address).schedule", $0) } }
            + config.doors.compactMap { door in door.unlock?.schedule.map { ("doors.\(door.name).unlock", $0) } }
        return schedules.flatMap { path, schedule -> [Diagnostic] in
            guard let calendar = schedule.holidays, let holidays = live.openingHolidays[calendar] else { return [] }
            return schedule.open.compactMap { opening in
                guard let holiday = holidays.first(where: { $0.date == opening.date && !calendar.ignored.contains($0.name) }) else { return nil }
                return .warning(
                    at: schedule.location, path: path + ".open",
                    "\(opening.date) is \(holiday.name) in Kisi's \(calendar.region) calendar, which keeps the doors closed all day: add \"\(holiday.name)\" to holidays.except to open it"
                )
            }
        }
    }
}
