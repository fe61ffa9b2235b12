/// A Kisi holiday calendar: the public holidays of a region (Kisi's region codes, `gb_eng`),
/// on their observed days or not, less holidays ignored by name.
public struct HolidayCalendar: Hashable, Sendable, Codable, CustomStringConvertible {
    public var region: String
    public var observed: Bool
    /// Sorted: the order Kisi returns them in carries no meaning.
    public var ignored: [String]

    public init(region: String, observed: Bool = true, ignored: [String] = []) {
        self.region = region
        self.observed = observed
        self.ignored = ignored.sorted()
    }

    public var description: String {
        "holidays \(region)" + (observed ? "" : " (actual days)") + (ignored.isEmpty ? "" : " except \(ignored.joined(separator: ", "))")
    }
}

/// What a schedule does to its group or lock while it occurs (Kisi's `consequence`).
public enum ScheduleConsequence: String, Sendable, Codable, CaseIterable {
    /// Members may unlock only while an `allow` schedule occurs (a group's or a door's hours).
    case allow
    /// The door stands unlocked.
    case unlock
    case permit
    case firstToArrive = "first_to_arrive"
}

/// One Kisi schedule as a value: what it means, not its id or timestamps.
public struct ScheduleEntry: Hashable, Sendable {
    /// Kisi's four schedule types.
    public enum Kind: Hashable, Sendable {
        /// `recurring_event`: these hours on these weekdays, in the site's zone.
        case weekly(Weekdays, DayHours)
        /// `holiday_calendar`.
        case holidays(HolidayCalendar)
        /// `single_all_day_event`: whole days, both included, in the site's zone.
        case days(LocalDate, LocalDate)
        /// `single_event`: absolute instants.
        case span(Instant, Instant)
    }

    public var kind: Kind
    public var consequence: ScheduleConsequence
    /// An exception: it neutralizes the other schedules of its consequence while it occurs.
    public var override: Bool
    public var enabled: Bool

    public init(_ kind: Kind, consequence: ScheduleConsequence, override: Bool, enabled: Bool = true) {
        self.kind = kind
        self.consequence = consequence
        self.override = override
        self.enabled = enabled
    }

    /// Kisi's `type`.
    public var kisiType: String {
        switch kind {
        case .weekly: "recurring_event"
        case .holidays: "holiday_calendar"
        case .days: "single_all_day_event"
        case .span: "single_event"
        }
    }
}

extension ScheduleEntry: Codable {
    enum CodingKeys: String, CodingKey {
        case type, consequence, override, enabled, days, hours, holidays, from, to
    }

    /// In plan files: Kisi's type, with the days and hours, the holiday calendar, the dates or
    /// the instants.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kisiType, forKey: .type)
        try container.encode(consequence, forKey: .consequence)
        try container.encode(override, forKey: .override)
        try container.encode(enabled, forKey: .enabled)
        switch kind {
        case .weekly(let days, let hours):
            try container.encode(days.description, forKey: .days)
            try container.encode(hours.description, forKey: .hours)
        case .holidays(let calendar): try container.encode(calendar, forKey: .holidays)
        case .days(let first, let last):
            try container.encode(first, forKey: .from)
            try container.encode(last, forKey: .to)
        case .span(let start, let end):
            try container.encode(start, forKey: .from)
            try container.encode(end, forKey: .to)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        let kind: Kind
        switch type {
        case "recurring_event":
            let daysText = try container.decode(String.self, forKey: .days), hoursText = try container.decode(String.self, forKey: .hours)
            guard let days = Weekdays(daysText), let hours = DayHours(hoursText), !hours.crossesMidnight else {
                throw DecodingError.dataCorruptedError(forKey: .hours, in: container, debugDescription: "not weekly hours: \(daysText) \(hoursText)")
            }
            kind = .weekly(days, hours)
        case "holiday_calendar": kind = .holidays(try container.decode(HolidayCalendar.self, forKey: .holidays))
        case "single_all_day_event":
            kind = .days(try container.decode(LocalDate.self, forKey: .from), try container.decode(LocalDate.self, forKey: .to))
        case "single_event": kind = .span(try container.decode(Instant.self, forKey: .from), try container.decode(Instant.self, forKey: .to))
        default: throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown schedule type \(type)")
        }
        self.init(
            kind, consequence: try container.decode(ScheduleConsequence.self, forKey: .consequence),
            override: try container.decode(Bool.self, forKey: .override), enabled: try container.decode(Bool.self, forKey: .enabled))
    }
}

/// A schedule's fields as Kisi's API names them (`type`, `monday`…, `starts_at_time`, …): what
/// the client reads and the sandbox stores, read into an entry in one place.
public struct KisiScheduleFields: Sendable {
    public var type: String
    public var consequence: String
    public var override: Bool
    public var enabled: Bool
    public var region: String?
    public var observed: Bool?
    public var ignoredHolidays: [String]?
    /// Monday first.
    public var weekdays: [Bool]
    public var startsAtTime: String?
    public var endsAtTime: String?
    public var startsAtDate: String?
    public var endsAtDate: String?
    public var startsAt: String?
    public var endsAt: String?

    public init(
        type: String, consequence: String, override: Bool, enabled: Bool, region: String? = nil, observed: Bool? = nil,
        ignoredHolidays: [String]? = nil, weekdays: [Bool] = [], startsAtTime: String? = nil, endsAtTime: String? = nil,
        startsAtDate: String? = nil, endsAtDate: String? = nil, startsAt: String? = nil, endsAt: String? = nil
    ) {
        self.type = type
        self.consequence = consequence
        self.override = override
        self.enabled = enabled
        self.region = region
        self.observed = observed
        self.ignoredHolidays = ignoredHolidays
        self.weekdays = weekdays
        self.startsAtTime = startsAtTime
        self.endsAtTime = endsAtTime
        self.startsAtDate = startsAtDate
        self.endsAtDate = endsAtDate
        self.startsAt = startsAt
        self.endsAt = endsAt
    }
}

extension ScheduleEntry {
    /// The entry Kisi's fields mean; nil for a type or consequence kisictl does not know, or
    /// fields that do not make one. A recurring event without times is all day, as Kisi's is.
    public init?(_ fields: KisiScheduleFields) {
        guard let consequence = ScheduleConsequence(rawValue: fields.consequence) else { return nil }
        let kind: Kind
        switch fields.type {
        case "holiday_calendar":
            guard let region = fields.region else { return nil }
            kind = .holidays(HolidayCalendar(region: region, observed: fields.observed ?? true, ignored: fields.ignoredHolidays ?? []))
        case "recurring_event":
            guard let start = TimeOfDay(fields.startsAtTime ?? "00:00"), let end = TimeOfDay.end(fields.endsAtTime ?? "23:59"), start < end
            else { return nil }
            var days = Weekdays()
            for (day, on) in fields.weekdays.prefix(7).enumerated() where on { days.insert(Weekdays(day: day)) }
            kind = .weekly(days, DayHours(start, end))
        case "single_all_day_event":
            guard let start = fields.startsAtDate.flatMap(TimeParsing.localDate), let end = fields.endsAtDate.flatMap(TimeParsing.localDate)
            else { return nil }
            kind = .days(start, end)
        case "single_event":
            guard case .instant(let start)? = fields.startsAt.flatMap(TimeParsing.moment),
                case .instant(let end)? = fields.endsAt.flatMap(TimeParsing.moment)
            else { return nil }
            kind = .span(start, end)
        default: return nil
        }
        self.init(kind, consequence: consequence, override: fields.override, enabled: fields.enabled)
    }
}
