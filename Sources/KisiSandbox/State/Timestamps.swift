import Foundation

/// Kisi's timestamps: RFC 3339 in UTC with milliseconds, as Rails renders them
/// (`2026-11-23T09:00:00.000Z`).
enum Timestamps {
    static func string(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = Int64(floor(Double(milliseconds) / 1000))
        let fraction = milliseconds - seconds * 1000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, Int(fraction))
    }

    /// Parses RFC 3339 (with or without fractional seconds, `Z` or an offset).
    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// A client's timestamp in Kisi's own form, or nil when it is not RFC 3339.
    static func normalized(_ text: String) -> String? {
        parse(text).map(string)
    }
}
