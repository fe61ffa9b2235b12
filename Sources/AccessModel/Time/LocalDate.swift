import CivilTime

/// A calendar date without a time zone, such as a membership's `starts_on`: its meaning depends on
/// the site's zone (see ``SiteTimeZone``).
public struct LocalDate: Hashable, Comparable, Sendable {
    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    public var daysSinceEpoch: Int64

    public init(daysSinceEpoch: Int64) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// Returns nil when the components do not name a real date (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard CivilCalendar.isValid(year: year, month: month, day: day) else {
            return nil
        }
        daysSinceEpoch = CivilCalendar.days(year: Int64(year), month: Int64(month), day: Int64(day))
    }

    public var components: (year: Int, month: Int, day: Int) {
        CivilCalendar.civil(fromDays: daysSinceEpoch)
    }

    public func adding(days: Int64) -> LocalDate {
        LocalDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// The same day `years` earlier; 29 February becomes the 28th of a common year.
    public func yearsEarlier(_ years: Int) -> LocalDate {
        let (year, month, day) = components
        return LocalDate(year: year - years, month: month, day: min(day, CivilCalendar.daysIn(month: month, year: year - years)))!
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        lhs.daysSinceEpoch < rhs.daysSinceEpoch
    }

    /// `2026-11-23`
    public var isoString: String {
        let (y, m, d) = components
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }
}

extension LocalDate: CustomStringConvertible {
    public var description: String { isoString }
}

func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension LocalDate: Codable {
    /// Encoded as ISO text: `2026-11-23`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = TimeParsing.localDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a date: \(text)")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(isoString)
    }
}
