import AccessModel
import Foundation
import JSONSupport
import KisiAPI
import PlanModel

/// Kisi's schedule fields and kisictl's ``ScheduleEntry``, each way.
enum KisiSchedules {
    /// The schedules of one consequence, as entries (with their ids). A schedule kisictl cannot
    /// read (a type it does not know) is left out: it is neither compared nor removed.
    static func entries(_ schedules: [KisiSchedule], _ consequence: ScheduleConsequence) -> [ScheduledEntry] {
        schedules.filter { $0.consequence == consequence.rawValue }.sorted { $0.id < $1.id }
            .compactMap { schedule in entry(schedule).map { ScheduledEntry($0, kisiID: schedule.id) } }
    }

    static func entry(_ schedule: KisiSchedule) -> ScheduleEntry? {
        guard let consequence = ScheduleConsequence(rawValue: schedule.consequence) else { return nil }
        let kind: ScheduleEntry.Kind
        switch schedule.type {
        case "holiday_calendar":
            guard let region = schedule.region else { return nil }
            kind = .holidays(HolidayCalendar(region: region, observed: schedule.observed ?? true, ignored: schedule.ignoredHolidays ?? []))
        case "recurring_event":
            let start = TimeOfDay(schedule.startsAtTime ?? "00:00"), end = TimeOfDay.end(schedule.endsAtTime ?? "23:59")
            guard let start, let end, start < end else { return nil }
            var days = Weekdays()
            for (day, on) in schedule.weekdays.enumerated() where on { days.insert(Weekdays(day: day)) }
            kind = .weekly(days, DayHours(start, end))
        case "single_all_day_event":
            guard let start = schedule.startsAtDate.flatMap(TimeParsing.localDate), let end = schedule.endsAtDate.flatMap(TimeParsing.localDate)
            else { return nil }
            kind = .days(start, end)
        case "single_event":
            guard let start = schedule.startsAt.flatMap(TimeParsing.moment), let end = schedule.endsAt.flatMap(TimeParsing.moment),
                case .instant(let from) = start, case .instant(let to) = end
            else { return nil }
            kind = .span(from, to)
        default: return nil
        }
        return ScheduleEntry(kind, consequence: consequence, override: schedule.override, enabled: schedule.enabled)
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
