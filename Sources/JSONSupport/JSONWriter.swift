extension JSONValue {
    /// The value as JSON text. Pretty output indents two spaces with one key per line and ends
    /// with a newline; compact output has no whitespace at all. Both are deterministic.
    public func rendered(pretty: Bool = true) -> String {
        var out = ""
        write(to: &out, indent: pretty ? "" : nil)
        return pretty ? out + "\n" : out
    }

    private func write(to out: inout String, indent: String?) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let text): out += text
        case .string(let value): JSONValue.escape(value, into: &out)
        case .array(let elements):
            guard !elements.isEmpty else {
                out += "[]"
                return
            }
            out += "["
            let inner = indent.map { $0 + "  " }
            for (position, element) in elements.enumerated() {
                if position > 0 { out += "," }
                if let inner { out += "\n" + inner }
                element.write(to: &out, indent: inner)
            }
            if let indent { out += "\n" + indent }
            out += "]"
        case .object(let members, _):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{"
            let inner = indent.map { $0 + "  " }
            for (position, member) in members.enumerated() {
                if position > 0 { out += "," }
                if let inner { out += "\n" + inner }
                JSONValue.escape(member.key, into: &out)
                out += inner == nil ? ":" : ": "
                member.value.write(to: &out, indent: inner)
            }
            if let indent { out += "\n" + indent }
            out += "}"
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
