import Foundation
import Yams

/// A JSON value read from JSON or YAML text, for schema validation in tests.
public indirect enum SchemaValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([SchemaValue])
    case object([String: SchemaValue])

    public init(_ node: Node) {
        switch node {
        case .mapping(let mapping):
            self = .object(Dictionary(mapping.map { ($0.key.string ?? "", SchemaValue($0.value)) }, uniquingKeysWith: { a, _ in a }))
        case .sequence(let sequence):
            self = .array(sequence.map(SchemaValue.init))
        case .alias:
            self = .null
        case .scalar(let scalar):
            if scalar.style != .plain {
                self = .string(scalar.string)
            } else if node.null != nil {
                self = .null
            } else if let value = node.bool {
                self = .bool(value)
            } else if let value = node.int {
                self = .int(value)
            } else if let value = node.float {
                self = .number(value)
            } else {
                self = .string(scalar.string)
            }
        }
    }

    public static func load(_ path: String) throws -> SchemaValue {
        try parse(try String(contentsOfFile: path, encoding: .utf8))
    }

    /// Parses JSON or YAML text (JSON is YAML).
    public static func parse(_ text: String) throws -> SchemaValue {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return SchemaValue(node)
    }

    public subscript(key: String) -> SchemaValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

/// A JSON Schema 2020-12 validator for the keywords kisictl's schemas use. It refuses a schema
/// using any other keyword, so a schema change cannot be silently ignored by the test.
public struct JSONSchemaValidator: Sendable {
    public struct UnsupportedKeyword: Error, CustomStringConvertible {
        public var keyword: String
        public var description: String { "the test validator does not implement \(keyword)" }
    }

    static let annotations: Set<String> = ["$schema", "$id", "title", "description", "default", "$defs"]
    static let assertions: Set<String> = [
        "type", "additionalProperties", "required", "properties", "const", "pattern", "oneOf", "anyOf", "not", "$ref", "enum",
        "minItems", "items", "minLength", "maxLength", "minimum", "maximum", "maxProperties", "uniqueItems", "propertyNames",
        "if", "then", "format", "dependentRequired", "patternProperties",
    ]

    /// Schemas by `$id` file name, for `other.json#/$defs/x` references.
    let documents: [String: SchemaValue]

    public init(schemaFiles: [String]) throws {
        var documents: [String: SchemaValue] = [:]
        for file in schemaFiles {
            documents[URL(fileURLWithPath: file).lastPathComponent] = try SchemaValue.load(file)
        }
        try self.init(documents: documents)
    }

    public init(documents: [String: SchemaValue]) throws {
        for schema in documents.values { try Self.checkKeywords(schema) }
        self.documents = documents
    }

    private static func checkKeywords(_ schema: SchemaValue) throws {
        guard case .object(let members) = schema else { return }
        for (key, value) in members {
            guard annotations.contains(key) || assertions.contains(key) else { throw UnsupportedKeyword(keyword: key) }
            switch key {
            case "properties", "$defs", "patternProperties":
                if case .object(let children) = value { try children.values.forEach(checkKeywords) }
            case "oneOf", "anyOf":
                if case .array(let children) = value { try children.forEach(checkKeywords) }
            case "items", "additionalProperties", "not", "if", "then", "propertyNames":
                try checkKeywords(value)
            default: break
            }
        }
    }

    /// Error messages with JSON pointers; empty when the instance is valid.
    public func errors(_ instance: SchemaValue, against document: String) -> [String] {
        guard let schema = documents[document] else { return ["no schema \(document)"] }
        return validate(instance, schema, document: document, at: "")
    }

    /// Validates against a schema taken from inside a document (no references out of it).
    public func errors(_ instance: SchemaValue, schema: SchemaValue) -> [String] {
        validate(instance, schema, document: "", at: "")
    }

    private func resolve(_ reference: String, from document: String) -> (SchemaValue, String)? {
        let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let target = parts[0].isEmpty ? document : String(parts[0])
        guard var node = documents[target] else { return nil }
        if parts.count == 2 {
            for component in parts[1].split(separator: "/") {
                guard let next = node[String(component)] else { return nil }
                node = next
            }
        }
        return (node, target)
    }

    private func validate(_ instance: SchemaValue, _ schema: SchemaValue, document: String, at pointer: String) -> [String] {
        guard case .object(let keywords) = schema else {
            if case .bool(false) = schema { return ["\(pointer): not allowed"] }
            return []
        }
        var errors: [String] = []
        func fail(_ message: String) { errors.append("\(pointer.isEmpty ? "/" : pointer): \(message)") }

        if case .string(let reference)? = keywords["$ref"] {
            if let (target, targetDocument) = resolve(reference, from: document) {
                errors += validate(instance, target, document: targetDocument, at: pointer)
            } else {
                fail("unresolved $ref \(reference)")
            }
        }
        switch keywords["type"] {
        case .string(let type)? where !Self.has(type: type, instance):
            fail("expected \(type), found \(Self.describe(instance))")
            return errors
        case .array(let types)? where !types.contains(where: { if case .string(let type) = $0 { Self.has(type: type, instance) } else { false } }):
            fail("expected one of \(types), found \(Self.describe(instance))")
            return errors
        default: break
        }
        if let constant = keywords["const"], constant != instance { fail("expected const") }
        if case .array(let options)? = keywords["enum"], !options.contains(instance) { fail("not one of the enum values") }
        if case .string(let text) = instance {
            if case .int(let minimum)? = keywords["minLength"], text.count < minimum { fail("shorter than \(minimum)") }
            if case .int(let maximum)? = keywords["maxLength"], text.count > maximum { fail("longer than \(maximum)") }
            if case .string(let pattern)? = keywords["pattern"], text.range(of: pattern, options: .regularExpression) == nil {
                fail("\"\(text)\" does not match \(pattern)")
            }
            if case .string(let format)? = keywords["format"], let pattern = Self.formats[format],
                text.range(of: pattern, options: .regularExpression) == nil
            {
                fail("\"\(text)\" is not a valid \(format)")
            }
        }
        if case .int(let value) = instance {
            if case .int(let minimum)? = keywords["minimum"], value < minimum { fail("below \(minimum)") }
            if case .int(let maximum)? = keywords["maximum"], value > maximum { fail("above \(maximum)") }
        }
        if case .object(let members) = instance, case .int(let maximum)? = keywords["maxProperties"], members.count > maximum {
            fail("more than \(maximum) properties")
        }
        if case .array(let elements) = instance {
            if case .int(let minimum)? = keywords["minItems"], elements.count < minimum { fail("fewer than \(minimum) items") }
            if case .bool(true)? = keywords["uniqueItems"] {
                for (i, a) in elements.enumerated() where elements[(i + 1)...].contains(a) { fail("duplicate item") }
            }
            if let items = keywords["items"] {
                for (i, element) in elements.enumerated() {
                    errors += validate(element, items, document: document, at: "\(pointer)/\(i)")
                }
            }
        }
        if case .object(let members) = instance {
            if case .array(let required)? = keywords["required"] {
                for case .string(let key) in required where members[key] == nil { fail("missing \(key)") }
            }
            if case .object(let dependencies)? = keywords["dependentRequired"] {
                for (present, needed) in dependencies.sorted(by: { $0.key < $1.key }) where members[present] != nil {
                    if case .array(let keys) = needed {
                        for case .string(let key) in keys where members[key] == nil { fail("\(present) without \(key)") }
                    }
                }
            }
            let properties: [String: SchemaValue]
            if case .object(let declared)? = keywords["properties"] { properties = declared } else { properties = [:] }
            var patterns: [(String, SchemaValue)] = []
            if case .object(let declared)? = keywords["patternProperties"] { patterns = declared.sorted { $0.key < $1.key } }
            for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                // A pattern is anchored only where it says so, as in JSON Schema.
                let matching = patterns.filter { key.range(of: $0.0, options: .regularExpression) != nil }
                for (pattern, schema) in matching {
                    errors += validate(value, schema, document: document, at: "\(pointer)/\(key) (\(pattern))")
                }
                if let propertySchema = properties[key] {
                    errors += validate(value, propertySchema, document: document, at: "\(pointer)/\(key)")
                } else if matching.isEmpty, let additional = keywords["additionalProperties"] {
                    errors += validate(value, additional, document: document, at: "\(pointer)/\(key)")
                }
                if let names = keywords["propertyNames"] {
                    errors += validate(.string(key), names, document: document, at: "\(pointer)/\(key) (name)")
                }
            }
        }
        if case .array(let options)? = keywords["oneOf"] {
            let passing = options.filter { validate(instance, $0, document: document, at: pointer).isEmpty }.count
            if passing != 1 { fail("matches \(passing) of the oneOf alternatives, expected exactly 1") }
        }
        if case .array(let options)? = keywords["anyOf"],
            !options.contains(where: { validate(instance, $0, document: document, at: pointer).isEmpty })
        {
            fail("matches none of the anyOf alternatives")
        }
        if let negated = keywords["not"], validate(instance, negated, document: document, at: pointer).isEmpty {
            fail("matches a schema it must not match")
        }
        if let condition = keywords["if"], let consequence = keywords["then"],
            validate(instance, condition, document: document, at: pointer).isEmpty
        {
            errors += validate(instance, consequence, document: document, at: pointer)
        }
        return errors
    }

    /// Formats checked as assertions; others (float) are annotations.
    static let formats: [String: String] = [
        "date-time": #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#,
        "date": #"^\d{4}-\d{2}-\d{2}$"#,
        "email": #"^[^@\s]+@[^@\s]+$"#,
        "uri": #"^[A-Za-z][A-Za-z0-9+.-]*:"#,
    ]

    private static func describe(_ value: SchemaValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .number: "a number"
        case .string(let text): "\"\(text.prefix(40))\""
        case .array: "an array"
        case .object: "an object"
        }
    }

    private static func has(type: String, _ value: SchemaValue) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("integer", .int),
            ("number", .int), ("number", .number):
            return true
        default:
            return false
        }
    }
}

/// Reading parsed JSON in tests: `plan["summary"]?["grants"]?.int`.
extension SchemaValue {
    public subscript(index: Int) -> SchemaValue? {
        if case .array(let elements) = self, elements.indices.contains(index) { elements[index] } else { nil }
    }

    public var string: String? { if case .string(let text) = self { text } else { nil } }
    public var int: Int? { if case .int(let value) = self { value } else { nil } }
    public var array: [SchemaValue] { if case .array(let elements) = self { elements } else { [] } }
}
