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
    public let hasTime: Bool

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
        hasTime = tokens.contains(.hour)
    }

    /// The text as kisictl's contract writes it, or nil when it does not match the format or
    /// names no real date. Read byte by byte: a mapped export runs every date through here.
    public func normalized(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { normalized($0) }
    }

    private func normalized(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var index = 0
        var end = bytes.count
        while index < end, isSpace(bytes[index]) { index += 1 }
        while end > index, isSpace(bytes[end - 1]) { end -= 1 }
        var (year, month, day, hour, minute, second) = (0, 0, 0, 0, 0, 0)
        for token in tokens {
            switch token {
            case .literal(let character):
                for byte in character.utf8 {
                    guard index < end, bytes[index] == byte else { return nil }
                    index += 1
                }
            default:
                let limit = token == .year ? 4 : 2
                var value = 0
                var digits = 0
                while digits < limit, index < end, (48...57).contains(bytes[index]) {
                    value = value * 10 + Int(bytes[index] - 48)
                    digits += 1
                    index += 1
                }
                guard token == .year ? digits == 4 : digits > 0 else { return nil }
                switch token {
                case .year: year = value
                case .month: month = value
                case .day: day = value
                case .hour: hour = value
                case .minute: minute = value
                default: second = value
                }
            }
        }
        guard index == end, CivilCalendar.isValid(year: year, month: month, day: day) else { return nil }
        if hasTime, hour >= 24 || minute >= 60 || second >= 60 { return nil }
        return String(unsafeUninitializedCapacity: hasTime ? 19 : 10) { out in
            var at = 0
            func append(_ value: Int, width: Int) {
                var divisor = width == 4 ? 1000 : 10
                while divisor > 0 {
                    out[at] = UInt8(48 + value / divisor % 10)
                    at += 1
                    divisor /= 10
                }
            }
            func append(_ character: Unicode.Scalar) {
                out[at] = UInt8(character.value)
                at += 1
            }
            append(year, width: 4)
            append("-")
            append(month, width: 2)
            append("-")
            append(day, width: 2)
            if hasTime {
                append("T")
                append(hour, width: 2)
                append(":")
                append(minute, width: 2)
                append(":")
                append(second, width: 2)
            }
            return at
        }
    }
}
