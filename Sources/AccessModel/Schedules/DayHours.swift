import Foundation

/// A wall-clock time of day at the site, in whole minutes: 0 is midnight, 1440 the end of the day.
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let minutes: Int

    public static let midnight = TimeOfDay(minutes: 0)
    public static let endOfDay = TimeOfDay(minutes: 1440)

    public init(minutes: Int) {
        precondition((0...1440).contains(minutes), "a time of day is 00:00 to 24:00")
        self.minutes = minutes
    }

    /// `hh:mm`, 00:00 to 24:00.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0..<60).contains(minutes), hours < 24 || minutes == 0
        else { return nil }
        self.init(minutes: hours * 60 + minutes)
    }

    /// Kisi writes the end of a day as `23:59` (an overnight range is "6 pm to 11:59 pm" and
    /// "12 am to 8 am" in its help), so an end of 23:59 is read as midnight.
    public static func end(_ text: some StringProtocol) -> TimeOfDay? {
        guard let time = TimeOfDay(text) else { return nil }
        return time.minutes == 1439 ? .endOfDay : time
    }

    /// `hh:mm`; the end of the day is `24:00`.
    public var description: String { pad(minutes / 60, 2) + ":" + pad(minutes % 60, 2) }

    /// As Kisi's `starts_at_time`/`ends_at_time` hold it: the end of the day is `23:59`.
    public var kisiText: String { self == .endOfDay ? "23:59" : description }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutes < rhs.minutes }
}

/// Hours in one day, `"09:00-16:00"`. As written in the config the end may come before the
/// start (`"22:00-02:00"`): the range crosses midnight and ends the next day.
public struct DayHours: Hashable, Sendable, CustomStringConvertible {
    public var start: TimeOfDay
    public var end: TimeOfDay

    public init(_ start: TimeOfDay, _ end: TimeOfDay) {
        self.start = start
        self.end = end
    }

    /// `hh:mm-hh:mm`; an end of `00:00` or `23:59` is midnight. Nil when not of that form or empty.
    public init?(_ text: String) {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard ends.count == 2, let start = TimeOfDay(ends[0]), start != .endOfDay, var end = TimeOfDay.end(ends[1]) else { return nil }
        if end == .midnight { end = .endOfDay }
        guard start != end else { return nil }
        self.init(start, end)
    }

    public static let allDay = DayHours(.midnight, .endOfDay)

    /// Whether the range ends the next day.
    public var crossesMidnight: Bool { end < start }

    /// Minutes of the day, for a range that does not cross midnight.
    public var minutes: Range<Int> { start.minutes..<end.minutes }

    public var description: String { "\(start)-\(end)" }
}

/// A set of weekdays, Monday first, as the config writes them: `mon-fri`, `sat`, `mon,wed,fri`.
public struct Weekdays: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x7F }

    /// Monday is 0, Sunday 6.
    public init(day: Int) { self.init(rawValue: 1 << UInt8(day)) }

    public static let all = Weekdays(rawValue: 0x7F)
    public static let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    /// Kisi's field names, Monday first.
    public static let kisiNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// The weekday of a date (Monday is 0): 1970-01-01 was a Thursday.
    public static func day(of date: LocalDate) -> Int { Int(((date.daysSinceEpoch + 3) % 7 + 7) % 7) }

    /// `mon-fri`, `sat`, `mon,wed,fri`, `daily`; nil for anything else.
    public init?(_ text: String) {
        let text = text.lowercased().trimmingCharacters(in: .whitespaces)
        if text == "daily" {
            self = .all
            return
        }
        var days = Weekdays()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard (1...2).contains(ends.count), let first = Self.names.firstIndex(of: ends[0]),
                let last = Self.names.firstIndex(of: ends[ends.count - 1]), first <= last
            else { return nil }
            for day in first...last { days.insert(Weekdays(day: day)) }
        }
        self = days
    }

    public func contains(day: Int) -> Bool { contains(Weekdays(day: day)) }

    public var days: [Int] { (0..<7).filter { contains(day: $0) } }

    /// Each day moved to the next (Sunday to Monday): where an overnight range ends.
    public var following: Weekdays { Weekdays(rawValue: (rawValue << 1 & 0x7F) | (rawValue >> 6 & 1)) }

    /// Runs of consecutive days: `mon-fri`, `mon,wed`, `daily`.
    public var description: String {
        if self == .all { return "daily" }
        var runs: [String] = []
        var day = 0
        while day < 7 {
            guard contains(day: day) else {
                day += 1
                continue
            }
            var last = day
            while last + 1 < 7, contains(day: last + 1) { last += 1 }
            runs.append(
                last == day ? Self.names[day] : last == day + 1 ? "\(Self.names[day]),\(Self.names[last])" : "\(Self.names[day])-\(Self.names[last])")
            day = last + 1
        }
        return runs.isEmpty ? "never" : runs.joined(separator: ",")
    }
}
