import AccessModel
import Foundation
import JSONSupport

/// Schedules (`/schedules`), the calendar they make (`/calendar/summary`) and Kisi's holiday
/// calendars, as Kisi's OpenAPI document describes them.
extension Handlers {
    static let scheduleTypes = ["holiday_calendar", "recurring_event", "single_all_day_event", "single_event"]
    /// The consequences each kind of scheduleable takes.
    static let consequences: [String: [String]] = [
        "Group": ["allow"], "Lock": ["allow", "unlock", "first_to_arrive"], "ElevatorStop": ["allow", "permit"],
    ]

    func listSchedules() async throws -> SandboxResponse {
        let listing = try Listing(request, .standard)
        let ids = try filters.ids()
        let consequence = try filters.oneOf("consequence", ScheduleConsequence.allCases.map(\.rawValue))
        let type = try filters.oneOf("scheduleable_type", ["Group", "Lock", "ElevatorStop"]), id = try filters.integer("scheduleable_id")
        if (type == nil) != (id == nil) { throw APIError.badRequest("scheduleable_type and scheduleable_id go together") }
        let now = await store.now()
        return try await read { state throws(APIError) in
            let schedules = state.schedules.filter {
                (ids?.contains($0.id) ?? true) && (consequence == nil || $0.consequence == consequence)
                    && (type == nil || ($0.scheduleableType == type && $0.scheduleableID == id))
            }
            let resources = KisiResources(state: state)
            return listing.response(schedules) { $0.map { resources.schedule($0, now: now) } }
        }
    }

    func showSchedule(_ id: Int) async throws -> SandboxResponse {
        let now = await store.now()
        return try await show(\.schedules, id, "Schedule") { $0.schedule($1, now: now) }
    }

    func createSchedule() async throws -> SandboxResponse {
        var attributes = try attributes("schedule")
        let name = attributes.string("name")
        let enabled = attributes.bool("enabled")
        if !attributes.has("enabled") { attributes.fail("enabled", "can't be blank") }
        let override = attributes.bool("override") ?? false
        let consequence = attributes.string("consequence", required: true) ?? nil
        let scheduleableType = attributes.string("scheduleable_type", required: true) ?? nil
        let scheduleableID = attributes.id("scheduleable_id", required: true) ?? nil
        if let consequence, !Self.consequences.values.joined().contains(consequence) {
            attributes.fail("consequence", "is not included in the list")
        }
        if let scheduleableType {
            if let allowed = Self.consequences[scheduleableType] {
                if let consequence, !allowed.contains(consequence) {
                    attributes.fail("consequence", "is not available for a \(scheduleableType)")
                }
            } else {
                attributes.fail("scheduleable_type", "is not included in the list")
            }
        }
        var record = ScheduleRecord(
            id: 0, name: name ?? nil, enabled: enabled ?? true, override: override, consequence: consequence ?? "",
            scheduleableType: scheduleableType ?? "", scheduleableID: scheduleableID ?? 0, type: "", createdAt: "", updatedAt: "")
        Self.readTimes(&attributes, into: &record)
        try attributes.check()
        return try await write { [record] state, now throws(APIError) in
            var record = record
            guard state.scheduleableExists(record.scheduleableType, record.scheduleableID) else {
                throw .invalid("scheduleable", "must exist")
            }
            record.id = state.nextID("schedule")
            record.createdAt = now
            record.updatedAt = now
            state.schedules.append(record)
            return .json(KisiResources(state: state).schedule(record, now: now))
        }
    }

    func updateSchedule(_ id: Int) async throws -> SandboxResponse {
        let body = try attributes("schedule")
        return try await write { state, now throws(APIError) in
            guard let index = state.schedules.index(of: id) else { throw .notFound("Schedule") }
            var record = state.schedules[index], attributes = body
            if let name = attributes.string("name") { record.name = name }
            if let enabled = attributes.bool("enabled") { record.enabled = enabled }
            if let override = attributes.bool("override") { record.override = override }
            Self.readTimes(&attributes, into: &record)
            try attributes.check()
            record.updatedAt = now
            state.schedules[index] = record
            return .noContent
        }
    }

    func deleteSchedule(_ id: Int) async throws -> SandboxResponse {
        try await write { state, _ throws(APIError) in
            guard let index = state.schedules.index(of: id) else { throw .notFound("Schedule") }
            state.schedules.remove(at: index)
            return .noContent
        }
    }

    /// The type and its fields, as Kisi's description says: `region` or `observed` make a holiday
    /// calendar, `starts_at`/`ends_at` a single event, `starts_at_date`/`ends_at_date` an all-day
    /// event, anything else a recurring event. On an update the record's type stays unless the
    /// body names another; fields of other types are cleared.
    static func readTimes(_ attributes: inout Attributes, into record: inout ScheduleRecord) {
        let inferred: String? =
            if attributes.has("region") || attributes.has("observed") {
                "holiday_calendar"
            } else if attributes.has("starts_at") || attributes.has("ends_at") {
                "single_event"
            } else if attributes.has("starts_at_date") || attributes.has("ends_at_date") {
                "single_all_day_event"
            } else if Weekdays.kisiNames.contains(where: attributes.has) || attributes.has("starts_at_time") || attributes.has("ends_at_time") {
                "recurring_event"
            } else {
                nil
            }
        var type = record.type.isEmpty ? inferred ?? "recurring_event" : record.type
        if let named = attributes.string("type") ?? nil {
            if scheduleTypes.contains(named) { type = named } else { attributes.fail("type", "is not included in the list") }
        } else if let inferred {
            type = inferred
        }
        if type != record.type {
            let kept = (record.id, record.name, record.enabled, record.override, record.consequence)
            record = ScheduleRecord(
                id: kept.0, name: kept.1, enabled: kept.2, override: kept.3, consequence: kept.4, scheduleableType: record.scheduleableType,
                scheduleableID: record.scheduleableID, type: type, createdAt: record.createdAt, updatedAt: record.updatedAt)
        }
        switch type {
        case "holiday_calendar":
            if let region = attributes.string("region") {
                if let region, HolidayRegions.all.contains(region) {
                    record.region = region
                } else {
                    attributes.fail("region", "is not included in the list")
                }
            }
            if let observed = attributes.bool("observed") { record.observed = observed }
            if let ignored = attributes["ignored_holidays"] {
                if let names = ignored.arrayValue?.compactMap(\.stringValue), names.count == ignored.arrayValue?.count {
                    record.ignoredHolidays = names
                } else {
                    attributes.fail("ignored_holidays", "is invalid")
                }
            }
            if record.region == nil { attributes.fail("region", "can't be blank") }
            if record.observed == nil { attributes.fail("observed", "can't be blank") }
            if record.ignoredHolidays == nil { record.ignoredHolidays = [] }
        case "recurring_event":
            var days = record.weekdays ?? Array(repeating: false, count: 7)
            for (day, field) in Weekdays.kisiNames.enumerated() {
                if let flag = attributes.bool(field) { days[day] = flag }
            }
            record.weekdays = days
            if !days.contains(true) { attributes.fail("base", "Recurring events require at least one weekday") }
            for (field, keyPath) in [("starts_at_time", \ScheduleRecord.startsAtTime), ("ends_at_time", \ScheduleRecord.endsAtTime)] {
                guard let text = attributes.string(field) else { continue }
                if let text, TimeOfDay(text) != nil, text != "24:00" { record[keyPath: keyPath] = text } else { attributes.fail(field, "is invalid") }
            }
            record.startsAtTime = record.startsAtTime ?? "00:00"
            record.endsAtTime = record.endsAtTime ?? "23:59"
            if let start = TimeOfDay(record.startsAtTime!), let end = TimeOfDay(record.endsAtTime!), start >= end {
                attributes.fail("ends_at_time", "must be after starts_at_time")
            }
        case "single_all_day_event":
            for (field, keyPath) in [("starts_at_date", \ScheduleRecord.startsAtDate), ("ends_at_date", \ScheduleRecord.endsAtDate)] {
                guard let text = attributes.string(field) else { continue }
                if let text, TimeParsing.localDate(text) != nil, text.count == 10 {
                    record[keyPath: keyPath] = text
                } else {
                    attributes.fail(field, "is invalid")
                }
            }
            guard let start = record.startsAtDate.flatMap(TimeParsing.localDate), let end = record.endsAtDate.flatMap(TimeParsing.localDate) else {
                if record.startsAtDate == nil { attributes.fail("starts_at_date", "can't be blank") }
                if record.endsAtDate == nil { attributes.fail("ends_at_date", "can't be blank") }
                return
            }
            if end < start { attributes.fail("ends_at_date", "must be on or after starts_at_date") }
        default:
            for (field, keyPath) in [("starts_at", \ScheduleRecord.startsAt), ("ends_at", \ScheduleRecord.endsAt)] {
                guard let time = attributes.time(field) else { continue }
                // Seconds are ignored.
                if let time, let date = Timestamps.parse(time) {
                    record[keyPath: keyPath] = Timestamps.string(Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60))
                } else {
                    attributes.fail(field, "can't be blank")
                }
            }
            guard let start = record.startsAt.flatMap(Timestamps.parse), let end = record.endsAt.flatMap(Timestamps.parse) else {
                if record.startsAt == nil { attributes.fail("starts_at", "can't be blank") }
                if record.endsAt == nil { attributes.fail("ends_at", "can't be blank") }
                return
            }
            if end <= start { attributes.fail("ends_at", "must be after starts_at") }
        }
    }

    // MARK: Calendar and holidays

    /// `GET /calendar/summary?around=START/END&consequence=…&group_id=…`: what a scheduleable's
    /// schedules make of a window.
    func calendarSummary() async throws -> SandboxResponse {
        guard let around = request.parameter("around") else { throw APIError.invalid("around", "can't be blank") }
        guard let window = Self.interval(around) else { throw APIError.invalid("around", "is not a valid ISO 8601 interval") }
        guard let consequence = try filters.oneOf("consequence", ScheduleConsequence.allCases.map(\.rawValue)) else {
            throw APIError.invalid("consequence", "can't be blank")
        }
        let targets = [("Group", "group_id"), ("Lock", "lock_id"), ("ElevatorStop", "elevator_stop_id")]
        let given = try targets.compactMap { kind, name throws(APIError) in try filters.integer(name).map { (kind, $0) } }
        guard given.count == 1, let (kind, id) = given.first else {
            throw APIError.invalid("base", "pass exactly one of group_id, lock_id and elevator_stop_id")
        }
        return try await read { state throws(APIError) in
            guard state.scheduleableExists(kind, id) else { throw .notFound(kind == "Group" ? "Group" : "Lock") }
            let zone = state.timeZone(of: kind, id)
            let records = state.schedules.filter { $0.scheduleableType == kind && $0.scheduleableID == id && $0.consequence == consequence }
            let entries = records.compactMap(\.entry)
            let calendar = ScheduleCalendar(entries: entries, zone: zone, holidays: HolidayTable.holidays)
            let (events, exceptions) = calendar.occurrences(from: window.from, to: window.to)
            func intervals(_ ranges: DisjointRanges<Int64>) -> JSONValue {
                .array(
                    ranges.ranges.map {
                        .object([
                            ("starts_at", .string(Timestamps.string(Instant(secondsSinceEpoch: $0.lowerBound).date))),
                            ("ends_at", .string(Timestamps.string(Instant(secondsSinceEpoch: $0.upperBound).date))),
                        ])
                    })
            }
            var days: [JSONValue] = []
            var date = zone.localDate(for: window.from)
            let last = zone.localDate(for: Instant(secondsSinceEpoch: window.to.secondsSinceEpoch - 1))
            while date <= last {
                let dayStart = zone.startOfDay(date), dayEnd = zone.startOfDay(date.adding(days: 1))
                let ids = zip(records, records.map(\.entry)).compactMap { record, entry -> JSONValue? in
                    guard let entry else { return nil }
                    let one = ScheduleCalendar(
                        entries: [ScheduleEntry(entry.kind, consequence: entry.consequence, override: false)], zone: zone,
                        holidays: HolidayTable.holidays)
                    return one.occurrences(from: dayStart, to: dayEnd).events.ranges.isEmpty ? nil : .int(record.id)
                }
                days.append(.object([("date", .string(date.isoString)), ("schedule_ids", .array(ids))]))
                date = date.adding(days: 1)
            }
            return .json(
                .object([
                    ("events", intervals(events.subtracting(exceptions))), ("exceptions", intervals(exceptions)), ("schedules_by_day", .array(days)),
                ]))
        }
    }

    /// `START/END`, `START/PnDTnHnM` or `PnDTnHnM/END`.
    static func interval(_ text: String) -> (from: Instant, to: Instant)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return nil }
        let start = Timestamps.parse(parts[0]).map(Instant.init), end = Timestamps.parse(parts[1]).map(Instant.init)
        switch (start, end) {
        case (let start?, let end?) where start < end: return (start, end)
        case (let start?, nil): return duration(parts[1]).map { (start, start + $0) }
        case (nil, let end?): return duration(parts[0]).map { (end - $0, end) }
        default: return nil
        }
    }

    /// An ISO 8601 duration of weeks, days, hours, minutes and seconds (`P1W`, `P2DT3H`).
    static func duration(_ text: String) -> TimeSpan? {
        guard text.hasPrefix("P") else { return nil }
        var seconds: Int64 = 0, number = "", inTime = false
        for character in text.dropFirst() {
            if character.isNumber {
                number.append(character)
                continue
            }
            if character == "T" {
                inTime = true
                continue
            }
            guard let value = Int64(number) else { return nil }
            number = ""
            switch (character, inTime) {
            case ("W", false): seconds += value * 604_800
            case ("D", false): seconds += value * 86_400
            case ("H", true): seconds += value * 3600
            case ("M", true): seconds += value * 60
            case ("S", true): seconds += value
            default: return nil
            }
        }
        return number.isEmpty && seconds > 0 ? TimeSpan(seconds: seconds) : nil
    }

    func holidayRegions() async throws -> SandboxResponse {
        .json(
            .object(
                HolidayTable.countries.map { country in
                    (
                        country.code,
                        .object([
                            ("alpha2", .string(country.code.uppercased())), ("alpha3", .string(country.alpha3)), ("name", .string(country.name)),
                            ("continent", .string(country.continent)), ("country_code", .string(country.code)),
                            ("world_region", .string(country.world)),
                            ("subregions", .object(country.subregions.map { ($0.0, .object([("code", .string($0.0)), ("name", .string($0.1))])) })),
                        ])
                    )
                }))
    }

    func holidays(region: String) async throws -> SandboxResponse {
        guard HolidayRegions.all.contains(region) else { throw APIError.invalid("region", "is not included in the list") }
        guard let yearText = request.parameter("year") else { throw APIError.invalid("year", "can't be blank") }
        guard let year = Int(yearText), (1900...2200).contains(year) else { throw APIError.invalid("year", "is invalid") }
        guard let observed = try filters.boolean("observed") else { throw APIError.invalid("observed", "can't be blank") }
        return .json(
            .array(
                HolidayTable.holidays(region: region, observed: observed, year: year).map {
                    .object([("date", .string($0.date.isoString)), ("name", .string($0.name))])
                }))
    }
}

extension SandboxState {
    func scheduleableExists(_ type: String, _ id: Int) -> Bool {
        switch type {
        case "Group": groups.record(id) != nil
        case "Lock": locks.record(id) != nil
        default: false
        }
    }

    /// The zone a scheduleable's schedules are read in: its place's, else the organization's.
    func timeZone(of type: String, _ id: Int) -> SiteTimeZone {
        let placeID = type == "Group" ? groups.record(id)?.placeID : locks.record(id)?.placeID
        let name = placeID.flatMap { places.record($0)?.timeZone } ?? organization.timeZone
        return SiteTimeZone(identifier: name) ?? SiteTimeZone(identifier: "Etc/UTC")!
    }
}

extension ScheduleRecord {
    /// What the schedule means, for the calendar.
    var entry: ScheduleEntry? {
        ScheduleEntry(
            KisiScheduleFields(
                type: type, consequence: consequence, override: override, enabled: enabled, region: region, observed: observed,
                ignoredHolidays: ignoredHolidays, weekdays: weekdays ?? [], startsAtTime: startsAtTime, endsAtTime: endsAtTime,
                startsAtDate: startsAtDate, endsAtDate: endsAtDate, startsAt: startsAt, endsAt: endsAt))
    }
}

extension KisiResources {
    func schedule(_ record: ScheduleRecord, now: String) -> JSONValue {
        let placeID =
            record.scheduleableType == "Group"
            ? state.groups.record(record.scheduleableID)?.placeID : state.locks.record(record.scheduleableID)?.placeID
        let scheduleableName =
            record.scheduleableType == "Group" ? state.groups.record(record.scheduleableID)?.name : state.locks.record(record.scheduleableID)?.name
        var members: [(String, JSONValue)] = [
            ("id", .int(record.id)), ("resource_type", .string("Schedule")), ("created_at", .string(record.createdAt)),
            ("updated_at", .string(record.updatedAt)), ("name", .string(record.name)), ("enabled", .bool(record.enabled)),
            ("override", .bool(record.override)), ("consequence", .string(record.consequence)),
            ("scheduleable_type", .string(record.scheduleableType)), ("scheduleable_id", .int(record.scheduleableID)),
            (
                "scheduleable",
                .object([("id", .int(record.scheduleableID)), ("type", .string(record.scheduleableType)), ("name", .string(scheduleableName ?? ""))])
            ),
            ("place_id", placeID.map(JSONValue.int) ?? .null),
        ]
        if let placeID, let place = state.places.record(placeID) {
            members.append(("place", .object([("id", .int(placeID)), ("resource_type", .string("Place")), ("name", .string(place.name))])))
        }
        members += [("integration_id", .null), ("type", .string(record.type))]
        let instant = Timestamps.parse(now).map(Instant.init) ?? .now
        let zone = state.timeZone(of: record.scheduleableType, record.scheduleableID)
        switch record.type {
        case "holiday_calendar":
            let year = zone.localDate(for: instant).components.year
            let upcoming = (year...year + 1).flatMap {
                HolidayTable.holidays(region: record.region ?? "", observed: record.observed ?? true, year: $0)
            }
            .filter { $0.date >= zone.localDate(for: instant) && !(record.ignoredHolidays ?? []).contains($0.name) }
            members += [
                ("region", .string(record.region ?? "")), ("observed", .bool(record.observed ?? true)),
                ("ignored_holidays", .array((record.ignoredHolidays ?? []).map(JSONValue.string))),
                ("holidays", .array(upcoming.map { .object([("date", .string($0.date.isoString)), ("name", .string($0.name))]) })),
            ]
        case "recurring_event":
            members += zip(Weekdays.kisiNames, record.weekdays ?? []).map { ($0, .bool($1)) }
            members += [("starts_at_time", .string(record.startsAtTime ?? "00:00")), ("ends_at_time", .string(record.endsAtTime ?? "23:59"))]
            var next: JSONValue = .null
            if let entry = record.entry {
                let once = ScheduleEntry(entry.kind, consequence: entry.consequence, override: false)
                let calendar = ScheduleCalendar(entries: [once], zone: zone, holidays: HolidayTable.holidays)
                if let first = calendar.occurrences(from: instant, to: instant + .days(8)).events.ranges.first {
                    next = .object([
                        ("starts_at", .string(Timestamps.string(Instant(secondsSinceEpoch: first.lowerBound).date))),
                        ("ends_at", .string(Timestamps.string(Instant(secondsSinceEpoch: first.upperBound).date))),
                    ])
                }
            }
            members.append(("next_occurence", next))
        case "single_all_day_event":
            members += [("starts_at_date", .string(record.startsAtDate ?? "")), ("ends_at_date", .string(record.endsAtDate ?? ""))]
        default:
            members += [("starts_at", .string(record.startsAt ?? "")), ("ends_at", .string(record.endsAt ?? ""))]
        }
        return .object(members)
    }
}
