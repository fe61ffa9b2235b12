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

    /// Calls `body` with each non-blank record in order.
    static func read(_ bytes: [UInt8], _ body: (Record) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = 3 }
            var line = 1
            var fields: [String] = []
            var field: [UInt8] = []
            var recordLine = 1
            var fieldStarted = false

            func finishField() throws {
                // ASCII (the usual case) needs no validation; anything else must be valid UTF-8.
                if field.allSatisfy({ $0 < 0x80 }) {
                    fields.append(String(decoding: field, as: UTF8.self))
                } else {
                    guard let text = String(validating: field, as: UTF8.self) else { throw Failure.invalidUTF8(line: line) }
                    fields.append(text)
                }
                field.removeAll(keepingCapacity: true)
            }

            func finishRecord() throws {
                try finishField()
                if !(fields.count == 1 && fields[0].isEmpty) {
                    try body(Record(line: recordLine, fields: fields))
                }
                fields.removeAll(keepingCapacity: true)
            }

            while index < buffer.count {
                let byte = buffer[index]
                if !fieldStarted, fields.isEmpty, field.isEmpty { recordLine = line }
                switch byte {
                case UInt8(ascii: "\""):
                    // A quoted field: read to the closing quote, keeping newlines and "" as ".
                    let quoteLine = line
                    index += 1
                    var closed = false
                    while index < buffer.count {
                        let c = buffer[index]
                        if c == UInt8(ascii: "\"") {
                            if index + 1 < buffer.count, buffer[index + 1] == UInt8(ascii: "\"") {
                                field.append(c)
                                index += 2
                                continue
                            }
                            closed = true
                            index += 1
                            break
                        }
                        if c == UInt8(ascii: "\n") { line += 1 }
                        field.append(c)
                        index += 1
                    }
                    guard closed else { throw Failure.unterminatedQuote(line: quoteLine) }
                    fieldStarted = true
                    continue
                case UInt8(ascii: ","):
                    try finishField()
                    fieldStarted = true
                case UInt8(ascii: "\r"):
                    break
                case UInt8(ascii: "\n"):
                    try finishRecord()
                    fieldStarted = false
                    line += 1
                default:
                    field.append(byte)
                    fieldStarted = true
                }
                index += 1
            }
            if fieldStarted || !field.isEmpty || !fields.isEmpty {
                try finishRecord()
            }
        }
    }
}
