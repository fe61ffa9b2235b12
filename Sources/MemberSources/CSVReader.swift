/// An RFC 4180 CSV reader over bytes: quoted fields with `""` escapes and embedded newlines,
/// CRLF or LF line ends, an optional UTF-8 byte-order mark. Reports the line each record
/// starts on, so a bad row can be named by file:line.
struct CSVReader {
    struct Record {
        var line: Int
        var fields: [String]
    }

    enum Failure: Error, Equatable {
        case unterminatedQuote(line: Int)
        case invalidUTF8(line: Int)
    }

    /// Lines in `bytes`: an upper bound on records, to reserve storage before reading.
    static func lineCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var count = 1
            for byte in buffer where byte == UInt8(ascii: "\n") { count += 1 }
            return count
        }
    }

    /// The separator of a file's first line: the most frequent of comma, semicolon, tab and bar
    /// outside quotes (a comma when none appears).
    static func detectDelimiter(_ bytes: [UInt8]) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
        var counts = [Int](repeating: 0, count: candidates.count)
        var quoted = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted, byte == UInt8(ascii: "\n") { break }
            if !quoted, let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
        }
        let best = counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }!
        return counts[best] == 0 ? candidates[0] : candidates[best]
    }

    /// Calls `body` with each non-blank record in order.
    static func read(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), _ body: (Record) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { buffer in
            let end = buffer.count
            var index = 0
            if end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = 3 }
            var line = 1
            var fields: [String] = []
            var quoted: [UInt8] = []

            func text(_ bytes: UnsafeBufferPointer<UInt8>) throws -> String {
                // ASCII (the usual case) needs no validation; anything else must be valid UTF-8.
                if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
                guard let text = String(validating: bytes, as: UTF8.self) else { throw Failure.invalidUTF8(line: line) }
                return text
            }

            while index < end {
                // One record: fields up to an unquoted line end.
                let recordLine = line
                fields.removeAll(keepingCapacity: true)
                var recordEnded = false
                while !recordEnded {
                    var value: String
                    if index < end, buffer[index] == UInt8(ascii: "\"") {
                        // A quoted field: read to the closing quote, keeping newlines and "" as ".
                        let quoteLine = line
                        index += 1
                        quoted.removeAll(keepingCapacity: true)
                        var closed = false
                        while index < end {
                            let byte = buffer[index]
                            if byte == UInt8(ascii: "\"") {
                                if index + 1 < end, buffer[index + 1] == UInt8(ascii: "\"") {
                                    quoted.append(byte)
                                    index += 2
                                    continue
                                }
                                closed = true
                                index += 1
                                break
                            }
                            if byte == UInt8(ascii: "\n") { line += 1 }
                            quoted.append(byte)
                            index += 1
                        }
                        guard closed else { throw Failure.unterminatedQuote(line: quoteLine) }
                        value = try quoted.withUnsafeBufferPointer(text)
                        // Anything between the closing quote and the separator is kept, as readers do.
                        let tail = index
                        while index < end, buffer[index] != delimiter, buffer[index] != UInt8(ascii: "\n"),
                            buffer[index] != UInt8(ascii: "\r")
                        { index += 1 }
                        if index > tail { value += try text(UnsafeBufferPointer(rebasing: buffer[tail..<index])) }
                    } else {
                        let start = index
                        while index < end, buffer[index] != delimiter, buffer[index] != UInt8(ascii: "\n"),
                            buffer[index] != UInt8(ascii: "\r")
                        { index += 1 }
                        value = try text(UnsafeBufferPointer(rebasing: buffer[start..<index]))
                    }
                    fields.append(value)
                    // The separator: a comma continues the record; CR, LF or the end finish it.
                    while index < end, buffer[index] == UInt8(ascii: "\r") { index += 1 }
                    if index >= end {
                        recordEnded = true
                    } else if buffer[index] == delimiter {
                        index += 1
                    } else if buffer[index] == UInt8(ascii: "\n") {
                        index += 1
                        line += 1
                        recordEnded = true
                    }
                }
                if !(fields.count == 1 && fields[0].isEmpty) {
                    try body(Record(line: recordLine, fields: fields))
                }
            }
        }
    }
}
