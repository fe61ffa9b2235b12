import Foundation

/// A point on the UTC timeline, in whole seconds since 1970-01-01T00:00:00Z.
///
/// kisictl works in whole seconds: Kisi's `valid_from`/`valid_until` carry no more precision, and
/// integer arithmetic keeps evaluation exact and fast.
public struct Instant: Hashable, Comparable, Sendable {
    public var secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    public static func + (lhs: Instant, rhs: TimeSpan) -> Instant {
        Instant(secondsSinceEpoch: lhs.secondsSinceEpoch + rhs.seconds)
    }

    public static func - (lhs: Instant, rhs: TimeSpan) -> Instant {
        Instant(secondsSinceEpoch: lhs.secondsSinceEpoch - rhs.seconds)
    }

    /// RFC 3339 in UTC, e.g. `2026-11-23T07:00:00Z`: the form Kisi and our JSON outputs use.
    public var rfc3339: String {
        LocalDateTime(secondsSinceEpoch: secondsSinceEpoch).isoString + "Z"
    }
}

extension Instant: CustomStringConvertible {
    public var description: String { rfc3339 }
}

extension Instant: Codable {
    /// Encoded as RFC 3339 UTC text, as everywhere else kisictl writes times.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard case .instant(let instant)? = TimeParsing.moment(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time with an offset: \(text)")
        }
        self = instant
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}

extension Instant {
    /// The one bridge from Foundation's `Date`: whole seconds, rounded down (Kisi's windows
    /// carry no more precision).
    public init(_ date: Date) {
        secondsSinceEpoch = Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// The one bridge to Foundation's `Date`.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSinceEpoch)) }

    /// The wall clock now.
    public static var now: Instant { Instant(Date()) }
}
