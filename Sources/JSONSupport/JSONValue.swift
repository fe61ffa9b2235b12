/// A JSON value: what kisictl parses (member data, request bodies) and what it prints (reports,
/// API responses).
///
/// Objects keep their keys in order, so printed documents have a fixed, readable key order, and
/// remember the line they started on, so a bad record in a JSON export can be named by line.
///
/// Not `indirect`: arrays already hold their elements on the heap, and boxing every scalar made
/// member data read as JSON three times the size of the same data read as CSV.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// The number's text, kept exact (ids can exceed a Double's precision).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)], line: Int)

    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }
    public static func double(_ value: Double) -> JSONValue {
        value == value.rounded() && abs(value) < 1e15 ? .number(String(Int(value))) : .number(String(value))
    }
    public static func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    public static func int(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }
    /// An object built in code (no source line).
    public static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(members.map { (key: $0.0, value: $0.1) }, line: 0)
    }

    /// "a string", "an object", …: for messages about unexpected input.
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The member named `key` of an object; nil for absent keys and for other values.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members, _) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// Integers written without a fraction or exponent.
    public var intValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public var objectMembers: [(key: String, value: JSONValue)]? {
        if case .object(let members, _) = self { return members }
        return nil
    }
}

extension JSONValue: Equatable {
    /// Values are equal when they print the same (source lines are not part of a value).
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.rendered(pretty: false) == rhs.rendered(pretty: false)
    }
}
