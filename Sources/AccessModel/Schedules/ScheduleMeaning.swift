/// What a set of schedules means, whatever entries Kisi holds it in: the plan compares these,
/// so an entry Kisi splits, joins or orders differently is not a change. Disabled entries mean
/// nothing.
public struct ScheduleMeaning: Hashable, Sendable {
    /// Minutes of the week (Monday 00:00 is 0) of the regular and the overriding weekly events.
    public var weekly: DisjointRanges<Int>
    public var weeklyExceptions: DisjointRanges<Int>
    public var holidays: Set<HolidayCalendar>
    public var holidayExceptions: Set<HolidayCalendar>
    /// Whole days, as days since 1970-01-01.
    public var days: DisjointRanges<Int64>
    public var dayExceptions: DisjointRanges<Int64>
    /// Absolute spans, as seconds since 1970.
    public var spans: DisjointRanges<Int64>
    public var spanExceptions: DisjointRanges<Int64>

    public init(_ entries: [ScheduleEntry]) {
        var weekly: [[Range<Int>]] = [[], []], days: [[Range<Int64>]] = [[], []], spans: [[Range<Int64>]] = [[], []]
        var holidays: [Set<HolidayCalendar>] = [[], []]
        for entry in entries where entry.enabled {
            let side = entry.override ? 1 : 0
            switch entry.kind {
            case .weekly(let weekdays, let hours):
                weekly[side] += weekdays.days.map { $0 * 1440 + hours.start.minutes..<$0 * 1440 + hours.end.minutes }
            case .holidays(let calendar): holidays[side].insert(calendar)
            case .days(let first, let last): days[side].append(first.daysSinceEpoch..<last.daysSinceEpoch + 1)
            case .span(let start, let end): spans[side].append(start.secondsSinceEpoch..<end.secondsSinceEpoch)
            }
        }
        self.weekly = DisjointRanges(weekly[0])
        weeklyExceptions = DisjointRanges(weekly[1])
        self.holidays = holidays[0]
        holidayExceptions = holidays[1]
        self.days = DisjointRanges(days[0])
        dayExceptions = DisjointRanges(days[1])
        self.spans = DisjointRanges(spans[0])
        spanExceptions = DisjointRanges(spans[1])
    }
}

extension ScheduleMeaning {
    /// Whether these schedules let members in whenever `other`'s do: at least its regular
    /// hours, days and spans, at most its exceptions (holiday calendars compared as equal or
    /// not, since their days are Kisi's).
    public func admits(atLeast other: ScheduleMeaning) -> Bool {
        other.weekly.subtracting(weekly).ranges.isEmpty && other.days.subtracting(days).ranges.isEmpty
            && other.spans.subtracting(spans).ranges.isEmpty && other.holidays.isSubset(of: holidays)
            && weeklyExceptions.subtracting(other.weeklyExceptions).ranges.isEmpty
            && dayExceptions.subtracting(other.dayExceptions).ranges.isEmpty
            && spanExceptions.subtracting(other.spanExceptions).ranges.isEmpty && holidayExceptions.isSubset(of: other.holidayExceptions)
    }
}
