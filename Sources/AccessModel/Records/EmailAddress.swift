/// How kisictl identifies a person: by e-mail address, compared trimmed and case-folded.
public enum EmailAddress {
    /// The comparison key: trimmed of whitespace and lower-cased.
    public static func normalized(_ raw: String) -> String {
        trimmed(raw).lowercased()
    }

    public static func trimmed(_ raw: String) -> String {
        raw.trimmingWhitespace()
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
        guard !address.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" }) else {
            return false
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
            && !local.hasPrefix(".") && !local.hasSuffix(".") && !local.contains("..")
    }
}

extension StringProtocol {
    /// Trims spaces, tabs and newlines at both ends without Foundation.
    public func trimmingWhitespace() -> String {
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex, last == scalars.index(before: scalars.endIndex) { return String(self) }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
