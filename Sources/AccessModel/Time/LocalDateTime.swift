/// A wall-clock date and time at the site, such as a class starting at `2026-11-23T07:00`.
///
/// Stored as seconds since 1970-01-01T00:00 *on the site's clock*; ``SiteTimeZone`` turns it into
/// an ``Instant``, which is where daylight-saving changes are handled.
public struct LocalDateTime: Hashable, Comparable, Sendable {
    public var secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    public init(date: LocalDate, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        secondsSinceEpoch = date.daysSinceEpoch * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    public var date: LocalDate {
        LocalDate(daysSinceEpoch: floorDiv(secondsSinceEpoch, 86_400))
    }

    public var secondOfDay: Int {
        Int(secondsSinceEpoch - date.daysSinceEpoch * 86_400)
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    /// `2026-11-23T07:00:00`
    public var isoString: String {
        date.isoString + "T" + clock(withSeconds: true)
    }

    /// `2026-11-23 07:00`: how reasons and summaries show local times.
    public var displayString: String {
        date.isoString + " " + clock(withSeconds: secondOfDay % 60 != 0)
    }

    /// `07:00`, or `07:00:30` when asked for seconds.
    public func clock(withSeconds: Bool) -> String {
        let s = secondOfDay
        let hm = pad(s / 3600, 2) + ":" + pad(s / 60 % 60, 2)
        return withSeconds ? hm + ":" + pad(s % 60, 2) : hm
    }
}

extension LocalDateTime: CustomStringConvertible {
    public var description: String { displayString }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
