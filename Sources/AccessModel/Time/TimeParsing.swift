/// Fast, allocation-free parsers for the date and time forms member data and `--at` use.
///
/// Member exports can hold millions of timestamps; Foundation's formatters are both slow and
/// lenient in ways that hide data errors, so these accept exactly the documented forms.
public enum TimeParsing {
    /// `2026-11-23`
    public static func localDate(_ text: Substring) -> LocalDate? {
        var text = text
        return text.withUTF8 { bytes in
            var cursor = Cursor(bytes: bytes)
            guard let date = cursor.date(), cursor.atEnd else { return nil }
            return date
        }
    }

    public static func localDate(_ text: String) -> LocalDate? { localDate(text[...]) }

    /// `2026-11-23T07:00`, `2026-11-23T07:00:00`, `…:00.000`, optionally ending in `Z`, `+01:00`,
    /// `-0500` or `+01` (an instant); without an offset it is a wall-clock time at the site.
    /// A space may stand for the `T`.
    public static func moment(_ text: Substring) -> Moment? {
        var text = text
        return text.withUTF8 { bytes in
            var cursor = Cursor(bytes: bytes)
            return cursor.moment()
        }
    }

    public static func moment(_ text: String) -> Moment? { moment(text[...]) }
}

private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard peek == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func number(digits: Int) -> Int? {
        guard index + digits <= bytes.count else { return nil }
        var value = 0
        for offset in 0..<digits {
            let c = bytes[index + offset]
            guard c >= 48, c <= 57 else { return nil }
            value = value * 10 + Int(c - 48)
        }
        index += digits
        return value
    }

    mutating func date() -> LocalDate? {
        guard let year = number(digits: 4), take("-"), let month = number(digits: 2), take("-"),
            let day = number(digits: 2)
        else { return nil }
        return LocalDate(year: year, month: month, day: day)
    }

    mutating func moment() -> Moment? {
        guard let date = date(), take("T") || take(" ") || take("t") else { return nil }
        guard let hour = number(digits: 2), hour < 24, take(":"), let minute = number(digits: 2), minute < 60 else {
            return nil
        }
        var second = 0
        if take(":") {
            guard let s = number(digits: 2), s < 60 else { return nil }
            second = s
            if take(".") || take(",") {
                let start = index
                while let c = peek, c >= 48, c <= 57 { index += 1 }
                guard index > start else { return nil }
            }
        }
        let local = LocalDateTime(date: date, hour: hour, minute: minute, second: second)
        if atEnd { return .local(local) }
        if take("Z") || take("z") {
            return atEnd ? .instant(Instant(secondsSinceEpoch: local.secondsSinceEpoch)) : nil
        }
        let negative: Bool
        if take("+") { negative = false } else if take("-") { negative = true } else { return nil }
        guard let offsetHours = number(digits: 2), offsetHours <= 18 else { return nil }
        var offsetMinutes = 0
        if !atEnd {
            _ = take(":")
            guard let m = number(digits: 2), m < 60 else { return nil }
            offsetMinutes = m
        }
        guard atEnd else { return nil }
        let offset = Int64(offsetHours * 3600 + offsetMinutes * 60) * (negative ? -1 : 1)
        return .instant(Instant(secondsSinceEpoch: local.secondsSinceEpoch - offset))
    }
}
