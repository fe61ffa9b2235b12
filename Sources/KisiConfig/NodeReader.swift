import AccessModel
import Yams

/// Reads typed values out of YAML nodes, recording a diagnostic (file:line:column, key path,
/// what was expected and what was found) instead of stopping at the first problem.
struct NodeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    mutating func appendDiagnostic(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    mutating func error(_ node: Node, _ path: String, _ message: String) {
        diagnostics.append(.error(at: location(node), path: path.isEmpty ? nil : path, message))
    }

    mutating func warning(_ node: Node, _ path: String, _ message: String) {
        diagnostics.append(.warning(at: location(node), path: path.isEmpty ? nil : path, message))
    }

    mutating func expected(_ what: String, _ node: Node, _ path: String) {
        error(node, path, "expected \(what), found \(Self.describe(node))")
    }

    /// "a mapping", "a list", "nothing", or the scalar quoted.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if isNull(node) { return "nothing" }
            return "\"\(scalar.string)\""
        }
    }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return node.null != nil
    }

    /// The key/value pairs of a mapping, by key; reports unknown keys with a suggestion and
    /// keys that are not plain strings.
    mutating func mapping(_ node: Node, _ path: String, allowed: [String], expected what: String) -> Fields? {
        guard case .mapping(let mapping) = node else {
            expected(what, node, path)
            return nil
        }
        var fields = Fields(node: node, path: path)
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                expected("a key name", key, path)
                continue
            }
            let name = scalar.string
            guard allowed.contains(name) else {
                let suggestion = Suggestions.closest(to: name, in: allowed)
                error(key, Fields.join(path, name), "unknown key \"\(name)\"" + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""))
                if let suggestion { fields.misspelled.insert(suggestion) }
                continue
            }
            fields.entries[name] = (key, value)
        }
        return fields
    }

    /// Every pair of a mapping whose keys are free-form (group addresses).
    mutating func pairs(_ node: Node, _ path: String, expected what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            expected(what, node, path)
            return nil
        }
        return mapping.compactMap { key, value in
            guard case .scalar(let scalar) = key else {
                expected("a key name", key, path)
                return nil
            }
            return (scalar.string, key, value)
        }
    }

    mutating func string(_ node: Node, _ path: String, nonEmpty: Bool = true) -> String? {
        guard case .scalar(let scalar) = node, !Self.isNull(node) else {
            expected(nonEmpty ? "a non-empty string" : "a string", node, path)
            return nil
        }
        let text = scalar.string
        if nonEmpty, text.trimmingWhitespace().isEmpty {
            expected("a non-empty string", node, path)
            return nil
        }
        return text
    }

    mutating func bool(_ node: Node, _ path: String) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = node.bool else {
            expected("true or false", node, path)
            return nil
        }
        return value
    }

    mutating func int(_ node: Node, _ path: String) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = node.int else {
            expected("a whole number", node, path)
            return nil
        }
        return value
    }

    /// A plain number, whole or not; nil (without a diagnostic) for anything else.
    mutating func number(_ node: Node, _ path: String) -> Double? {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return nil }
        return node.float
    }

    mutating func duration(_ node: Node, _ path: String) -> TimeSpan? {
        guard case .scalar(let scalar) = node, !Self.isNull(node), let span = TimeSpan(parsing: scalar.string) else {
            expected("a duration such as 15m, 2h, 1d or 1h30m", node, path)
            return nil
        }
        return span
    }

    /// A number of bytes: `1048576`, `512KiB`, `256MiB`, `1GiB`, `500MB` (decimal units are powers of 1000).
    mutating func byteSize(_ node: Node, _ path: String) -> Int? {
        guard case .scalar(let scalar) = node, !Self.isNull(node), let size = Self.bytes(scalar.string) else {
            expected("a size such as 256MiB, 1GiB or a number of bytes", node, path)
            return nil
        }
        return size
    }

    static func bytes(_ text: String) -> Int? {
        let trimmed = text.trimmingWhitespace()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let unit = String(trimmed.dropFirst(digits.count)).trimmingWhitespace()
        let factors: [String: Int] = [
            "": 1, "B": 1, "KB": 1000, "MB": 1_000_000, "GB": 1_000_000_000,
            "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30,
        ]
        guard !digits.isEmpty, digits.count <= 12, let count = Int(digits), let factor = factors[unit] else { return nil }
        let (size, overflow) = count.multipliedReportingOverflow(by: factor)
        return overflow ? nil : size
    }

    mutating func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ node: Node, _ path: String) -> T? where T.RawValue == String {
        let options = T.allCases.map(\.rawValue)
        guard case .scalar(let scalar) = node, let value = T(rawValue: scalar.string) else {
            let found = Self.describe(node)
            let hint = node.scalar.map { Suggestions.hint(for: $0.string, in: options) } ?? ""
            error(node, path, "expected one of \(options.joined(separator: ", ")), found \(found)\(hint)")
            return nil
        }
        return value
    }

    /// A list of items read by `item`; nil (with a diagnostic) if the node is not a list.
    mutating func list<T>(
        _ node: Node, _ path: String, expected what: String, nonEmpty: Bool,
        item: (inout NodeReader, Node, String) -> T?
    ) -> [T]? {
        guard case .sequence(let sequence) = node else {
            expected(what, node, path)
            return nil
        }
        if nonEmpty, sequence.isEmpty {
            expected(what + " with at least one entry", node, path)
            return nil
        }
        var items: [T] = []
        for (position, element) in sequence.enumerated() {
            if let value = item(&self, element, "\(path)[\(position)]") { items.append(value) }
        }
        return items.count == sequence.count ? items : nil
    }

    mutating func stringList(_ node: Node, _ path: String, expected what: String, nonEmpty: Bool = true) -> [String]? {
        list(node, path, expected: what, nonEmpty: nonEmpty) { reader, element, path in reader.string(element, path) }
    }
}

/// The known keys present in one mapping, with their nodes.
struct Fields {
    let node: Node
    let path: String
    var entries: [String: (key: Node, value: Node)] = [:]
    /// Known keys that an unknown key was reported as a likely misspelling of.
    var misspelled: Set<String> = []

    subscript(name: String) -> Node? { entries[name]?.value }

    func key(_ name: String) -> Node? { entries[name]?.key }

    func path(_ name: String) -> String { Fields.join(path, name) }

    func has(_ name: String) -> Bool { entries[name] != nil }

    static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : path + "." + name
    }
}
