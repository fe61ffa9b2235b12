/// A case-insensitive shell-style pattern for session and resource names: `*` matches any run
/// of characters, `?` any one character; everything else matches itself.
public struct GlobPattern: Hashable, Sendable, CustomStringConvertible {
    public let description: String
    private let characters: [Character]

    public init(_ pattern: String) {
        description = pattern
        characters = Array(pattern.lowercased())
    }

    public func matches(_ text: String) -> Bool {
        let text = Array(text.lowercased())
        var p = 0, t = 0
        var star: Int?, resume = 0
        while t < text.count {
            if p < characters.count, characters[p] == "?" || characters[p] == text[t] {
                p += 1
                t += 1
            } else if p < characters.count, characters[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let s = star {
                p = s + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < characters.count, characters[p] == "*" { p += 1 }
        return p == characters.count
    }
}
