import Foundation

/// The site's IANA time zone: the bridge between local dates and times and instants.
///
/// Local times that do not exist (skipped by a spring-forward change) move forward by the gap,
/// and local times that happen twice (an autumn change) mean the first of the two: the choices
/// java.time and most calendars make, so a 01:30 class on a change night still opens the door.
public struct SiteTimeZone: Sendable, Hashable {
    public let identifier: String
    private let zone: TimeZone

    /// Returns nil for an identifier that is not a known IANA zone.
    public init?(identifier: String) {
        guard SiteTimeZone.isIANA(identifier), let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
    }

    /// Every identifier the system knows, for "did you mean" suggestions.
    public static var knownIdentifiers: [String] {
        TimeZone.knownTimeZoneIdentifiers + ["UTC"]
    }

    /// IANA names only: Foundation also accepts abbreviations ("EST") and offsets ("GMT+2"),
    /// which have no daylight-saving rules and would silently shift every window by an hour.
    public static func isIANA(_ identifier: String) -> Bool {
        if ["UTC", "Etc/UTC", "GMT", "Etc/GMT"].contains(identifier) { return true }
        if TimeZone.knownTimeZoneIdentifiers.contains(identifier) { return true }
        // Backward-compatible links such as US/Eastern are IANA names too.
        return identifier.contains("/") && !identifier.hasPrefix("GMT") && TimeZone(identifier: identifier) != nil
    }

    /// The offset from UTC, in seconds, in force at an instant.
    public func offset(at instant: Instant) -> Int64 {
        Int64(zone.secondsFromGMT(for: instant.date))
    }

    public func localDateTime(for instant: Instant) -> LocalDateTime {
        LocalDateTime(secondsSinceEpoch: instant.secondsSinceEpoch + offset(at: instant))
    }

    public func localDate(for instant: Instant) -> LocalDate {
        localDateTime(for: instant).date
    }

    /// The instant a wall-clock time at the site names (see the type's note on gaps and overlaps).
    public func instant(for local: LocalDateTime) -> Instant {
        let wall = local.secondsSinceEpoch
        // Offsets in force a day either side bracket any single transition near this time.
        let before = offset(at: Instant(secondsSinceEpoch: wall - 86_400))
        let after = offset(at: Instant(secondsSinceEpoch: wall + 86_400))
        var best: Int64?
        for candidate in [before, after] {
            let instant = wall - candidate
            if offset(at: Instant(secondsSinceEpoch: instant)) == candidate {
                best = min(best ?? instant, instant)
            }
        }
        // In a gap no offset fits: keep the offset from before the change, which moves the time forward.
        return Instant(secondsSinceEpoch: best ?? wall - before)
    }

    /// The first instant of a local day (midnight, or later where a change skips midnight).
    public func startOfDay(_ date: LocalDate) -> Instant {
        instant(for: LocalDateTime(date: date))
    }

    /// The offset at an instant as `UTC+01:00`, for human-readable output (abbreviations such
    /// as `BST` are not available on every platform).
    public func offsetDescription(at instant: Instant) -> String {
        let offset = offset(at: instant)
        let minutes = abs(offset) / 60
        return "UTC" + (offset < 0 ? "-" : "+") + pad(Int(minutes / 60), 2) + ":" + pad(Int(minutes % 60), 2)
    }

    public static func == (lhs: SiteTimeZone, rhs: SiteTimeZone) -> Bool { lhs.identifier == rhs.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }
}
