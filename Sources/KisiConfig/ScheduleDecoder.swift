import AccessModel
import Foundation
import Yams

/// Reads schedules (a group's `schedule:`, a door's `unlock:`) and the top-level `doors:`.
enum ScheduleDecoder {
    static let scheduleKeys = ["weekly", "holidays", "closed", "open"]
    static let holidayKeys = ["region", "observed", "except"]
    static let openingKeys = ["date", "hours"]
    static let doorKeys = ["unlock"]

    /// A schedule, or `none` spelled as the word that removes them (`always` for a group's hours,
    /// `never` for a door's unlock hours).
    static func setting(_ node: Node, _ path: String, none word: String, reader: inout NodeReader) -> ScheduleSetting? {
        if case .scalar(let scalar) = node {
            if scalar.string == word { return ScheduleSetting.none }
            reader.error(node, path, "expected \(word) or a mapping with weekly, holidays, closed and open, found \"\(scalar.string)\"")
            return nil
        }
        guard let fields = reader.mapping(node, path, allowed: scheduleKeys, expected: "a mapping with weekly, holidays, closed and open")
        else { return nil }
        let before = reader.diagnostics.errors.count
        var schedule = Schedule(location: reader.location(node))
        if let node = fields["weekly"] {
            schedule.weekly = weekly(node, fields.path("weekly"), reader: &reader)
        }
        if let node = fields["holidays"] {
            schedule.holidays = holidays(node, fields.path("holidays"), reader: &reader)
        }
        if let node = fields["closed"] {
            schedule.closed =
                reader.list(node, fields.path("closed"), expected: "a list of dates", nonEmpty: false) { reader, element, path in
                    date(element, path, reader: &reader)
                } ?? []
            for (position, date) in schedule.closed.enumerated() where schedule.closed[..<position].contains(date) {
                reader.error(node.sequence![position], "\(fields.path("closed"))[\(position)]", "\(date) is listed twice")
            }
        }
        if let node = fields["open"] {
            schedule.open =
                reader.list(node, fields.path("open"), expected: "a list of {date, hours}", nonEmpty: false) { reader, element, path in
                    opening(element, path, reader: &reader)
                } ?? []
            for (position, opening) in schedule.open.enumerated() {
                let element = node.sequence![position], place = "\(fields.path("open"))[\(position)]"
                if schedule.open[..<position].contains(where: { $0.date == opening.date }) {
                    reader.error(element, place, "\(opening.date) is opened twice: give it one range of hours")
                } else if schedule.closed.contains(opening.date) {
                    reader.error(element, place, "\(opening.date) is both closed and open: keep one")
                }
            }
        }
        if schedule.weekly.isEmpty, schedule.open.isEmpty, reader.diagnostics.errors.count == before {
            reader.error(
                node, path,
                "a schedule without weekly hours or openings never opens: add weekly hours, or write \(word) to have no schedule")
        }
        return reader.diagnostics.errors.count == before ? .hours(schedule) : nil
    }

    /// `{mon-fri: "09:00-16:00", sat: ["08:00-12:00", "14:00-18:00"]}`.
    private static func weekly(_ node: Node, _ path: String, reader: inout NodeReader) -> [WeeklyHours] {
        guard let pairs = reader.pairs(node, path, expected: "a mapping of days (mon-fri, sat, daily) to hours (\"09:00-16:00\")")
        else { return [] }
        var weekly: [WeeklyHours] = []
        for (key, keyNode, value) in pairs {
            let entryPath = Fields.join(path, key)
            guard let days = Weekdays(key), !days.isEmpty else {
                reader.error(keyNode, entryPath, "expected days such as mon-fri, sat, mon,wed,fri or daily, found \"\(key)\"")
                continue
            }
            let ranges: [Node] = value.sequence.map(Array.init) ?? [value]
            for (position, range) in ranges.enumerated() {
                if let hours = hours(range, value.sequence == nil ? entryPath : "\(entryPath)[\(position)]", reader: &reader) {
                    weekly.append(WeeklyHours(days: days, hours: hours))
                }
            }
        }
        return weekly
    }

    private static func hours(_ node: Node, _ path: String, reader: inout NodeReader) -> DayHours? {
        guard let text = reader.string(node, path) else { return nil }
        guard let hours = DayHours(text) else {
            reader.error(node, path, "expected hours such as \"09:00-16:00\" (\"22:00-02:00\" crosses midnight), found \"\(text)\"")
            return nil
        }
        return hours
    }

    /// `{region: gb_eng, observed: true}`; observed days unless told otherwise, as Kisi's
    /// dashboard does.
    private static func holidays(_ node: Node, _ path: String, reader: inout NodeReader) -> HolidayCalendar? {
        guard let fields = reader.mapping(node, path, allowed: holidayKeys, expected: "a mapping with region (such as gb_eng)") else {
            return nil
        }
        guard let regionNode = fields["region"] else {
            if !fields.misspelled.contains("region") { reader.error(node, path, "missing key \"region\": Kisi's region code, such as gb_eng") }
            return nil
        }
        guard let region = reader.string(regionNode, fields.path("region")) else { return nil }
        guard HolidayRegions.all.contains(region) else {
            var hint = Suggestions.hint(for: region, in: HolidayRegions.all.sorted())
            let country = HolidayRegions.all.filter { $0.hasPrefix(region.prefix(2)) }.sorted()
            if hint.isEmpty, !country.isEmpty { hint = " (Kisi's codes for \(region.prefix(2)): \(country.joined(separator: ", ")))" }
            reader.error(regionNode, fields.path("region"), "Kisi has no holiday calendar \"\(region)\"\(hint)")
            return nil
        }
        var observed = true
        if let node = fields["observed"], let value = reader.bool(node, fields.path("observed")) { observed = value }
        var except: [String] = []
        if let node = fields["except"],
            let names = reader.stringList(node, fields.path("except"), expected: "a list of holiday names (Kisi's)", nonEmpty: false)
        {
            except = names
        }
        return HolidayCalendar(region: region, observed: observed, ignored: except)
    }

    private static func opening(_ node: Node, _ path: String, reader: inout NodeReader) -> Opening? {
        guard let fields = reader.mapping(node, path, allowed: openingKeys, expected: "a mapping with date and hours") else { return nil }
        guard let dateNode = fields["date"] else {
            if !fields.misspelled.contains("date") { reader.error(node, path, "missing key \"date\"") }
            return nil
        }
        guard let date = date(dateNode, fields.path("date"), reader: &reader) else { return nil }
        guard let hoursNode = fields["hours"] else { return Opening(date: date) }
        guard let hours = hours(hoursNode, fields.path("hours"), reader: &reader) else { return nil }
        guard !hours.crossesMidnight else {
            reader.error(hoursNode, fields.path("hours"), "an opening's hours end on its day: write the next day as an opening of its own")
            return nil
        }
        return Opening(date: date, hours: hours)
    }

    private static func date(_ node: Node, _ path: String, reader: inout NodeReader) -> LocalDate? {
        guard let text = reader.string(node, path) else { return nil }
        guard let date = TimeParsing.localDate(text) else {
            reader.expected("a date such as 2026-12-24", node, path)
            return nil
        }
        return date
    }

    /// `doors: {Front Door: {unlock: …}}`: doors by their Kisi name, each address unique.
    static func doors(_ node: Node, reader: inout NodeReader) -> [DoorConfig] {
        guard let pairs = reader.pairs(node, "doors", expected: "a mapping of door names to {unlock}") else { return [] }
        var doors: [DoorConfig] = []
        for (name, keyNode, value) in pairs {
            let path = Fields.join("doors", name)
            guard let fields = reader.mapping(value, path, allowed: doorKeys, expected: "a mapping with unlock") else { continue }
            var door = DoorConfig(name: name, location: reader.location(keyNode))
            if let node = fields["unlock"] {
                guard let unlock = setting(node, fields.path("unlock"), none: "never", reader: &reader) else { continue }
                door.unlock = unlock
            }
            if let other = doors.first(where: { $0.address == door.address }) {
                reader.error(keyNode, path, "\"\(name)\" and \"\(other.name)\" share the address \(door.address) in plans: rename one")
                continue
            }
            doors.append(door)
        }
        return doors
    }
}
