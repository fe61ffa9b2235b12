import AccessModel
import JSONSupport

extension Diagnostic {
    /// `{"severity", "file", "line", "column", "path", "message"}` with nulls where unknown.
    public var json: JSONValue {
        .object([
            ("severity", .string(severity.rawValue)),
            ("file", .string(location?.file)),
            ("line", location.map { .int($0.line) } ?? .null),
            ("column", location?.column.map { .int($0) } ?? .null),
            ("path", .string(path)),
            ("message", .string(message)),
        ])
    }
}

public enum DiagnosticText {
    /// One diagnostic per line, then a count such as `2 errors, 1 warning`.
    public static func render(_ diagnostics: [Diagnostic]) -> String {
        var lines = diagnostics.map(\.description)
        lines.append(counts(diagnostics))
        return lines.joined(separator: "\n") + "\n"
    }

    public static func counts(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.errors.count, warnings = diagnostics.warnings.count
        return [plural(errors, "error"), plural(warnings, "warning")].joined(separator: ", ")
    }

    public static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
