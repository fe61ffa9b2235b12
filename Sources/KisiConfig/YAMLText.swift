import JSONSupport

/// Scalars and flow lists for config files kisictl writes (`import`, `sandbox generate`):
/// always double-quoted, so no name can turn into a number, a boolean or a YAML key. A JSON
/// string is a valid YAML double-quoted scalar, so JSON's escaping serves.
public enum YAMLText {
    public static func quoted(_ text: String) -> String { JSONValue.string(text).rendered(pretty: false) }

    public static func list(_ items: [String]) -> String { "[" + items.map(quoted).joined(separator: ", ") + "]" }

    /// A comment line's text, on one line.
    public static func comment(_ text: String) -> String {
        "# " + text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
