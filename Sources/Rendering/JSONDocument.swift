/// A JSON value with ordered keys, printed deterministically.
///
/// Outputs that CI compares or other tools read keep their keys in a fixed, readable order
/// (`group`, `access`, `valid_from`, …), which `JSONEncoder` cannot promise.
public indirect enum JSONDocument: Equatable, Sendable {
    case object([(String, JSONDocument)])
    case array([JSONDocument])
    case string(String)
    case int(Int)
    case bool(Bool)
    case null

    public static func == (lhs: JSONDocument, rhs: JSONDocument) -> Bool {
        lhs.rendered() == rhs.rendered()
    }

    public static func string(_ value: String?) -> JSONDocument {
        value.map(JSONDocument.string) ?? .null
    }

    /// Two-space indented, one key per line, ending with a newline.
    public func rendered() -> String {
        var out = ""
        write(to: &out, indent: "")
        return out + "\n"
    }

    private func write(to out: inout String, indent: String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .string(let value): JSONDocument.escape(value, into: &out)
        case .array(let elements):
            guard !elements.isEmpty else { out += "[]"; return }
            let inner = indent + "  "
            out += "[\n"
            for (position, element) in elements.enumerated() {
                out += inner
                element.write(to: &out, indent: inner)
                out += position == elements.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            let inner = indent + "  "
            out += "{\n"
            for (position, (key, value)) in members.enumerated() {
                out += inner
                JSONDocument.escape(key, into: &out)
                out += ": "
                value.write(to: &out, indent: inner)
                out += position == members.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        }
    }

    private static func escape(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
