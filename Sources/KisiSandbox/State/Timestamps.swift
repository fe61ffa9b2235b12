import Foundation
import RFC3339

/// Kisi's timestamps: RFC 3339 in UTC with milliseconds, as Rails renders them
/// (`2026-11-23T09:00:00.000Z`).
enum Timestamps {
    static func string(_ date: Date) -> String { RFC3339.milliseconds(date) }

    static func parse(_ text: String) -> Date? { RFC3339.parse(text) }

    /// A client's timestamp in Kisi's own form, or nil when it is not RFC 3339.
    static func normalized(_ text: String) -> String? {
        parse(text).map(string)
    }
}
