/// How kisictl identifies a person: by e-mail address, compared trimmed and case-folded.
public enum EmailAddress {
    /// The comparison key: trimmed of whitespace and lower-cased.
    public static func normalized(_ raw: String) -> String {
        let address = trimmed(raw)
        // Most addresses already are lower-case ASCII: keep the same storage rather than copy it.
        if address.utf8.allSatisfy({ $0 < 0x80 && !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) { return address }
        return address.lowercased()
    }

    public static func trimmed(_ raw: String) -> String {
        raw.trimmingWhitespace()
    }

    /// `alice@example.com` → `a***@example.com`: for pull-request comments, logs and errors
    /// that may end up in CI output.
    public static func masked(_ address: String) -> String {
        guard let at = address.firstIndex(of: "@"), at > address.startIndex else { return "***" }
        return String(address[address.startIndex]) + "***" + address[at...]
    }

    /// A name for a person known only by address: `ana.guest@partner.example` → `Ana Guest`.
    public static func displayName(from address: String) -> String {
        let local = address.split(separator: "@").first.map(String.init) ?? address
        return local.split(whereSeparator: { ".-_+".contains($0) }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// The address an invalid cell seems to mean — `nadia.petrov @acme.example`,
    /// `mailto:a@b.example`, `Ana <a@b.example>` — normalized, or nil. Only for explaining what
    /// happens to that person: a cell that is not an address never grants.
    public static func meant(_ raw: String) -> String? {
        var text = trimmed(raw)
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            text = String(text[text.index(after: open)..<close])
        }
        if text.lowercased().hasPrefix("mailto:") { text = String(text.dropFirst(7)) }
        text = String(text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
        return isValid(text) ? normalized(text) : nil
    }

    /// A deliberately plain syntax check: one `@`, a non-empty local part, a domain with a dot
    /// and no empty labels, no whitespace or control characters. Kisi's mail servers drop
    /// addresses that fail it, so granting access to them would only produce bounces.
    public static func isValid(_ raw: String) -> Bool {
        var address = trimmed(raw)
        let syntaxOK = address.withUTF8 { bytes -> Bool? in
            guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
            let local = bytes[..<at], domain = bytes[(at + 1)...]
            guard !local.isEmpty, local.count <= 64, !domain.isEmpty, !domain.contains(UInt8(ascii: "@")) else { return false }
            var ascii = true
            for byte in bytes {
                switch byte {
                // Separators and the characters of `mailto:` links, display names and quoted
                // local parts: an export holding them holds something other than an address.
                case 0..<0x21, 0x7F, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ":"),
                    UInt8(ascii: "\""), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\\"):
                    return false
                case 0x80...: ascii = false
                default: break
                }
            }
            let dot = UInt8(ascii: "."), dash = UInt8(ascii: "-")
            guard local.first != dot, local.last != dot, !zip(local, local.dropFirst()).contains(where: { $0 == dot && $1 == dot }) else {
                return false
            }
            // The domain: at least two labels, none empty, none starting or ending with a hyphen.
            var labels = 0
            var labelStart = domain.startIndex
            for index in domain.indices where domain[index] == dot || index == domain.endIndex - 1 {
                let end = domain[index] == dot ? index : index + 1
                let label = domain[labelStart..<end]
                guard !label.isEmpty, label.first != dash, label.last != dash else { return false }
                labels += 1
                labelStart = index + 1
            }
            guard labels >= 2, domain.last != dot else { return false }
            return ascii ? true : nil
        }
        // nil: valid bytes, but non-ASCII, so Unicode whitespace must be ruled out too.
        return syntaxOK ?? !address.unicodeScalars.contains(where: { $0.properties.isWhitespace })
    }
}

extension StringProtocol {
    /// Trims spaces, tabs and newlines at both ends without Foundation. Exports hold millions
    /// of cells that need no trimming, so the common case checks two bytes and allocates nothing.
    public func trimmingWhitespace() -> String {
        let string = String(self)
        guard let first = string.utf8.first, let last = string.utf8.last else { return "" }
        if first < 0x80, last < 0x80, !isASCIIWhitespace(first), !isASCIIWhitespace(last) { return string }
        let scalars = string.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}

@inline(__always)
func isASCIIWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
}
