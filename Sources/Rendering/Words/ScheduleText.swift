import AccessModel
import JSONSupport

/// A schedule as the config writes it, in words and in JSON: `daily 06:00-23:00; closed on
/// holidays gb_eng and 2026-12-24; 2026-12-31 06:00-18:00`.
enum ScheduleText {
    /// `none` is what the config wrote for "no schedule": `always` (a group) or `never` (a door).
    static func summary(_ setting: ScheduleSetting, none: String) -> String {
        guard let schedule = setting.schedule else { return "\(none) (no schedule)" }
        var parts = [schedule.weekly.map { "\($0.days) \($0.hours)" }.joined(separator: ", ")]
        var closed = schedule.holidays.map { ["holidays \($0.region)"] } ?? []
        closed += schedule.closed.sorted().map(\.isoString)
        if !closed.isEmpty { parts.append("closed on " + closed.joined(separator: ", ")) }
        parts += schedule.open.sorted { $0.date < $1.date }.map { "\($0.date) \($0.hours)" }
        return parts.filter { !$0.isEmpty }.joined(separator: "; ")
    }

    static func json(_ setting: ScheduleSetting, none: String) -> JSONValue {
        guard let schedule = setting.schedule else { return .string(none) }
        return .object([
            ("weekly", .array(schedule.weekly.map { .string("\($0.days) \($0.hours)") })),
            ("holidays", schedule.holidays.map { .object([("region", .string($0.region)), ("observed", .bool($0.observed))]) } ?? .null),
            ("closed", .array(schedule.closed.sorted().map { .string($0.isoString) })),
            (
                "open",
                .array(
                    schedule.open.sorted { $0.date < $1.date }.map {
                        .object([("date", .string($0.date.isoString)), ("hours", .string($0.hours.description))])
                    })
            ),
        ])
    }
}
