/// When a group's members may unlock (`schedule:`) or a door stands open (`unlock:`), as the
/// config writes it: weekly hours, a holiday calendar, closed days and opening exceptions, all
/// in the site's zone.
public struct Schedule: Hashable, Sendable {
    /// Weekly hours; a range may cross midnight (`"22:00-02:00"`).
    public var weekly: [WeeklyHours]
    /// Closed on the region's public holidays.
    public var holidays: HolidayCalendar?
    /// Whole days closed.
    public var closed: [LocalDate]
    /// Days whose hours are these instead of the weekly ones.
    public var open: [Opening]
    public var location: SourceLocation?

    public init(
        weekly: [WeeklyHours] = [], holidays: HolidayCalendar? = nil, closed: [LocalDate] = [], open: [Opening] = [],
        location: SourceLocation? = nil
    ) {
        self.weekly = weekly
        self.holidays = holidays
        self.closed = closed
        self.open = open
        self.location = location
    }
}

public struct WeeklyHours: Hashable, Sendable {
    public var days: Weekdays
    public var hours: DayHours

    public init(days: Weekdays, hours: DayHours) {
        self.days = days
        self.hours = hours
    }
}

/// An opening exception (`open: [{date, hours}]`): on that day the doors open during these
/// hours, and only these; without hours, all day.
public struct Opening: Hashable, Sendable {
    public var date: LocalDate
    public var hours: DayHours

    public init(date: LocalDate, hours: DayHours = .allDay) {
        self.date = date
        self.hours = hours
    }
}

/// What the config says about a group's or a door's schedules. Absent (nil) leaves Kisi's alone.
public enum ScheduleSetting: Hashable, Sendable {
    /// `schedule: always` (a group) or `unlock: never` (a door): no schedules of the kind.
    case none
    case hours(Schedule)

    public var schedule: Schedule? { if case .hours(let schedule) = self { schedule } else { nil } }
}

/// A door named at the top level of the config (`doors:`), for its own schedules.
public struct DoorConfig: Hashable, Sendable {
    /// The Kisi lock's name.
    public var name: String
    /// `unlock:` when the door stands open; nil leaves its unlock schedules alone.
    public var unlock: ScheduleSetting?
    public var location: SourceLocation?

    public init(name: String, unlock: ScheduleSetting? = nil, location: SourceLocation? = nil) {
        self.name = name
        self.unlock = unlock
        self.location = location
    }

    /// The door's key in plan addresses: its name in lower case, runs of other characters as `_`
    /// (`Front Door` is `front_door`).
    public var address: String {
        var key = ""
        for character in name.lowercased() {
            if character.isLetter || character.isNumber {
                key.append(character)
            } else if !key.isEmpty, key.last != "_" {
                key.append("_")
            }
        }
        while key.last == "_" { key.removeLast() }
        return key.isEmpty ? "door" : key
    }
}
