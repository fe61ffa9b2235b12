/// A length of time written in config as `15m`, `2h`, `1d` or `1h30m`.
///
/// Days are 24 hours: a `1d` grace after a local midnight ends 24 hours later, even across a
/// daylight-saving change, which is what "a day of grace" means to an operator reading a plan.
public struct TimeSpan: Hashable, Comparable, Sendable {
    public var seconds: Int64

    public init(seconds: Int64) {
        self.seconds = seconds
    }

    public static let zero = TimeSpan(seconds: 0)
    public static func minutes(_ n: Int64) -> TimeSpan { TimeSpan(seconds: n * 60) }
    public static func hours(_ n: Int64) -> TimeSpan { TimeSpan(seconds: n * 3600) }
    public static func days(_ n: Int64) -> TimeSpan { TimeSpan(seconds: n * 86_400) }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }

    private static let units: [(suffix: Character, seconds: Int64)] = [
        ("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60), ("s", 1),
    ]

    /// The longest span kisictl reads: a century. Any longer is a typo, and instants plus such a
    /// span would overflow.
    public static let maximum = TimeSpan.days(36_525)

    /// Parses `30m`, `2h`, `1d`, `1w`, `90s` and sums such as `1h30m`; `0` alone is zero.
    /// Returns nil for anything else (a span over ``maximum`` included), so callers can say what
    /// was expected.
    public init?(parsing text: String) {
        if text == "0" {
            self = .zero
            return
        }
        var total: Int64 = 0
        var number: Int64?
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (shifted, overflow1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (next, overflow2) = shifted.addingReportingOverflow(Int64(digit))
                guard !overflow1, !overflow2 else { return nil }
                number = next
            } else if let unit = TimeSpan.units.first(where: { $0.suffix == character }), let n = number {
                let (product, overflow) = n.multipliedReportingOverflow(by: unit.seconds)
                guard !overflow, product <= TimeSpan.maximum.seconds - total else { return nil }
                total += product
                number = nil
            } else {
                return nil
            }
        }
        guard number == nil, !text.isEmpty else { return nil }
        seconds = total
    }
}

extension TimeSpan: CustomStringConvertible {
    /// The shortest way to write the span in config: `30m`, `1d`, `1h30m`, `0`.
    public var description: String {
        guard seconds != 0 else { return "0" }
        var rest = seconds
        var text = seconds < 0 ? "-" : ""
        rest = abs(rest)
        for unit in TimeSpan.units where unit.suffix != "w" && rest >= unit.seconds {
            text += "\(rest / unit.seconds)\(unit.suffix)"
            rest %= unit.seconds
        }
        return text
    }
}

extension TimeSpan: Codable {
    /// Encoded as written in config: `7d`, `1h30m`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let span = TimeSpan(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a duration: \(text)")
        }
        self = span
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
