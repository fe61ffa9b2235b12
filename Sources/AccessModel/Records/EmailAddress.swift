/// How kisictl identifies a person: by e-mail address, compared trimmed and case-folded.
public enum EmailAddress {
    /// The comparison key: trimmed of whitespace and lower-cased.
    public static func normalized(_ raw: String) -> String {
        trimmed(raw).lowercased()
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

    /// A deliberately plain syntax check: one `@`, a non-empty local part, a domain with a dot
    /// and no empty labels, no whitespace or control characters. Kisi's mail servers drop
    /// addresses that fail it, so granting access to them would only produce bounces.
    public static func isValid(_ raw: String) -> Bool {
        let address = trimmed(raw)
        guard address.utf8.count <= 254 else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last,
              !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty else { return false }
        let forbidden: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"), 0x20, 0x7F]
        var ascii = true
        for byte in address.utf8 {
            if byte < 0x20 || forbidden.contains(byte) { return false }
            if byte >= 0x80 { ascii = false }
        }
        if !ascii, address.unicodeScalars.contains(where: { $0.properties.isWhitespace }) { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
            && !local.hasPrefix(".") && !local.hasSuffix(".") && !local.contains("..")
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
