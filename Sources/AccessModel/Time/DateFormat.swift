import CivilTime

/// A date or time format of another platform's export, such as `MM/dd/yyyy` or
/// `dd.MM.yyyy HH:mm`, read into the forms kisictl's contract uses (`2026-11-23`,
/// `2026-11-23T18:00:00`, local to the site). Tokens: `yyyy`, `MM`/`M`, `dd`/`d`, `HH`/`H`,
/// `mm`, `ss`; any other letter is refused, anything else must appear as written.
public struct DateFormat: Sendable, Hashable {
    enum Token: Hashable {
        case year, month, day, hour, minute, second
        case literal(Character)
    }

    let tokens: [Token]

    public init?(_ pattern: String) {
        var tokens: [Token] = []
        var characters = Substring(pattern)
        let names: [(String, Token)] = [
            ("yyyy", .year), ("MM", .month), ("M", .month), ("dd", .day), ("d", .day), ("HH", .hour), ("H", .hour), ("mm", .minute),
            ("ss", .second),
        ]
        while let first = characters.first {
            if let (name, token) = names.first(where: { characters.hasPrefix($0.0) }) {
                tokens.append(token)
                characters = characters.dropFirst(name.count)
            } else if first.isLetter {
                return nil
            } else {
                tokens.append(.literal(first))
                characters = characters.dropFirst()
            }
        }
        for required in [Token.year, .month, .day] where !tokens.contains(required) { return nil }
        // Each part once: `dd/MM/dd` says the day twice.
        let parts = tokens.filter { if case .literal = $0 { false } else { true } }
        guard parts.count == Set(parts).count else { return nil }
        self.tokens = tokens
    }

    public var hasTime: Bool { tokens.contains(.hour) }

    /// The text as kisictl's contract writes it, or nil when it does not match the format or
    /// names no real date.
    public func normalized(_ text: String) -> String? {
        var rest = Substring(text.trimmingWhitespace())
        var fields: [Token: Int] = [:]
        for token in tokens {
            switch token {
            case .literal(let character):
                guard rest.first == character else { return nil }
                rest = rest.dropFirst()
            default:
                let digits = rest.prefix { $0.isASCII && $0.isNumber }.prefix(token == .year ? 4 : 2)
                guard token == .year ? digits.count == 4 : !digits.isEmpty, let value = Int(digits) else { return nil }
                fields[token] = value
                rest = rest.dropFirst(digits.count)
            }
        }
        guard rest.isEmpty, let year = fields[.year], let month = fields[.month], let day = fields[.day],
            CivilCalendar.isValid(year: year, month: month, day: day)
        else { return nil }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let date = "\(year)-\(two(month))-\(two(day))"
        guard hasTime else { return date }
        let hour = fields[.hour] ?? 0, minute = fields[.minute] ?? 0, second = fields[.second] ?? 0
        guard hour < 24, minute < 60, second < 60 else { return nil }
        return date + "T\(two(hour)):\(two(minute)):\(two(second))"
    }
}
