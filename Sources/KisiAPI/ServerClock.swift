import CivilTime
import Foundation

/// Kisi's clock as its `Date` headers tell it, against the local one. Every window kisictl
/// writes is computed from the local clock; when the two disagree by minutes, so do the
/// windows. The `Date` header has whole seconds, so a few answers are sampled and the one with
/// the shortest round trip is kept.
actor ServerClock {
    private var best: (skew: Duration, roundTrip: Duration)?
    private var samples = 0
    static let wanted = 3

    var wantsSamples: Bool { samples < Self.wanted || !sawAdvertised }

    /// What a kisictl sandbox says its world's "now" is (`X-Kisictl-Sandbox-Clock`).
    private(set) var advertised: String?
    private var sawAdvertised = false

    func record(advertised value: String?) {
        guard !sawAdvertised else { return }
        sawAdvertised = true
        advertised = value
    }

    /// Records one answer: its `Date` header, and the local clock when the request left and when
    /// the answer came.
    func record(dateHeader: String, sent: Date, received: Date) {
        guard samples < Self.wanted, let server = Self.parse(dateHeader) else { return }
        samples += 1
        let roundTrip = Duration.seconds(received.timeIntervalSince(sent))
        let midpoint = sent.addingTimeInterval(received.timeIntervalSince(sent) / 2)
        // The header truncates to the second: its instant is on average half a second earlier.
        let skew = Duration.seconds(server.timeIntervalSince(midpoint) + 0.5)
        if best == nil || roundTrip < best!.roundTrip { best = (skew, roundTrip) }
    }

    /// Kisi's clock minus the local one (positive: Kisi is ahead); nil before any `Date` header.
    var skew: Duration? { best?.skew }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// An HTTP date, `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110's IMF-fixdate, the form servers send).
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, CivilCalendar.isValid(year: year, month: month + 1, day: day), (0..<24).contains(clock[0]),
            (0..<60).contains(clock[1]), (0..<61).contains(clock[2])
        else { return nil }
        let days = CivilCalendar.days(year: Int64(year), month: Int64(month + 1), day: Int64(day))
        let seconds = days * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2])
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
