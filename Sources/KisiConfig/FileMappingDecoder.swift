import AccessModel
import Yams

/// Reads `source.mapping`: for each entity, the export in another platform's shape.
///
/// ```yaml
/// source:
///   files: export
///   mapping:
///     customers:
///       file: Clients.csv
///       columns: {id: Client ID, name: [First Name, Last Name], email: E-mail}
///     memberships:
///       file: Memberships.csv
///       delimiter: ";"
///       encoding: windows-1252
///       columns: {id: Membership ID, customer_id: Client ID, type: Plan, status: Status, starts_on: Start Date}
///       values: {status: {active: [Active, Current], paused: [Frozen, On hold]}}
///       formats: {starts_on: MM/dd/yyyy}
/// ```
enum FileMappingDecoder {
    static let keys = ["file", "delimiter", "encoding", "columns", "values", "formats"]
    /// The keys of a mapping from records to kisictl's fields.
    static let recordKeys = ["values", "formats"]

    static func mappings(_ node: Node, _ path: String, reader: inout NodeReader) -> [FileMapping] {
        let entities = MemberEntity.allCases.map(\.rawValue)
        guard
            let fields = reader.mapping(node, path, allowed: entities, expected: "a mapping of entities (customers, memberships, …) to their exports")
        else { return [] }
        return MemberEntity.allCases.compactMap { entity in
            fields[entity.rawValue].flatMap { mapping($0, fields.path(entity.rawValue), entity: entity, reader: &reader) }
        }
    }

    private static func mapping(_ node: Node, _ path: String, entity: MemberEntity, reader: inout NodeReader) -> FileMapping? {
        guard let fields = reader.mapping(node, path, allowed: keys, expected: "a mapping with file and columns") else { return nil }
        guard let fileNode = fields["file"], let file = reader.string(fileNode, fields.path("file")) else {
            if fields["file"] == nil { reader.error(node, path, "missing key \"file\": the export's file name") }
            return nil
        }
        var mapping = FileMapping(entity: entity, file: file, columns: [:])
        guard let record = record(fields, node, path, entity: entity, reader: &reader) else { return nil }
        mapping.record = record
        if let node = fields["delimiter"], let text = reader.string(node, fields.path("delimiter"), nonEmpty: false) {
            switch text {
            case "tab", "\t": mapping.delimiter = "\t"
            case ",", ";", "|": mapping.delimiter = text.first
            default: reader.expected("one of \",\", \";\", \"|\" or tab", node, fields.path("delimiter"))
            }
        }
        if let node = fields["encoding"], let encoding = reader.oneOf(FileMapping.Encoding.self, node, fields.path("encoding")) {
            mapping.encoding = encoding
        }
        return mapping
    }

    /// The columns (`columnsKey`), values and formats of one entity's mapping, wherever it is:
    /// an export's, a query's (`columns`) or an API endpoint's (`fields`).
    static func record(
        _ fields: Fields, _ node: Node, _ path: String, entity: MemberEntity, columnsKey: String = "columns", reader: inout NodeReader
    ) -> RecordMapping? {
        var mapping = RecordMapping(entity: entity, columns: [:])
        if let node = fields[columnsKey] {
            mapping.columns = columns(node, fields.path(columnsKey), entity: entity, reader: &reader)
        } else {
            reader.error(
                node, path, "missing key \"\(columnsKey)\": which of the export's columns hold \(entity.requiredFields.joined(separator: ", "))")
            return nil
        }
        for field in entity.requiredFields where !mapping.columns.isEmpty && mapping.columns[field] == nil {
            guard !(entity == .memberships && field == "customer_id") else { continue }
            reader.error(
                fields.key(columnsKey) ?? node, fields.path(columnsKey), "no column for \"\(field)\", which every \(entity.rawValue) record needs")
        }
        if let node = fields["values"] {
            mapping.values = values(node, fields.path("values"), mapping: mapping, reader: &reader)
        }
        if let node = fields["formats"] {
            mapping.formats = formats(node, fields.path("formats"), mapping: mapping, reader: &reader)
        }
        return mapping
    }

    private static func columns(_ node: Node, _ path: String, entity: MemberEntity, reader: inout NodeReader) -> [String: [String]] {
        guard let fields = reader.mapping(node, path, allowed: entity.fields, expected: "a mapping of kisictl fields to the export's columns")
        else { return [:] }
        var columns: [String: [String]] = [:]
        for field in entity.fields {
            guard let value = fields[field] else { continue }
            if case .scalar = value {
                if let column = reader.string(value, fields.path(field)) { columns[field] = [column] }
            } else if let list = reader.stringList(value, fields.path(field), expected: "a column name, or a list of columns to join") {
                columns[field] = list
            }
        }
        return columns
    }

    private static func values(_ node: Node, _ path: String, mapping: RecordMapping, reader: inout NodeReader) -> [String: [String: [String]]] {
        guard let fields = reader.mapping(node, path, allowed: mapping.entity.fields, expected: "a mapping of kisictl fields to their words")
        else { return [:] }
        var values: [String: [String: [String]]] = [:]
        for field in mapping.entity.fields {
            guard let node = fields[field] else { continue }
            if mapping.columns[field] == nil {
                reader.error(fields.key(field) ?? node, fields.path(field), "\"\(field)\" has no column in columns:, so it has no words to map")
                continue
            }
            guard let pairs = reader.pairs(node, fields.path(field), expected: "a mapping of kisictl values to the export's words") else { continue }
            var words: [String: [String]] = [:]
            var seen: [String: String] = [:]
            for (value, keyNode, wordsNode) in pairs {
                let wordsPath = Fields.join(fields.path(field), value)
                let list: [String]?
                if case .scalar = wordsNode {
                    list = reader.string(wordsNode, wordsPath).map { [$0] }
                } else {
                    list = reader.stringList(wordsNode, wordsPath, expected: "a word, or a list of the export's words")
                }
                guard let list else { continue }
                for word in list {
                    let folded = word.trimmingWhitespace().lowercased()
                    if let other = seen[folded], other != value {
                        reader.error(keyNode, wordsPath, "\"\(word)\" is also listed for \"\(other)\": one word means one value")
                    }
                    seen[folded] = value
                }
                words[value] = list
            }
            values[field] = words
        }
        return values
    }

    private static func formats(_ node: Node, _ path: String, mapping: RecordMapping, reader: inout NodeReader) -> [String: String] {
        let dated = mapping.entity.fields.filter { MemberEntity.datedFields.contains($0) }
        guard let fields = reader.mapping(node, path, allowed: dated, expected: "a mapping of date and time fields to formats") else { return [:] }
        var formats: [String: String] = [:]
        for field in dated {
            guard let node = fields[field], let format = reader.string(node, fields.path(field)) else { continue }
            let needsTime = field.hasSuffix("_at")
            switch DateFormat(format) {
            case let parsed? where parsed.hasTime || !needsTime:
                formats[field] = format
            case _?:
                reader.error(node, fields.path(field), "\"\(format)\" has no time (HH:mm), which \(field) needs")
            case nil:
                reader.expected(
                    "a date format built of yyyy, MM, M, dd, d, HH, H, mm, ss and separators, such as MM/dd/yyyy", node, fields.path(field))
            }
        }
        return formats
    }
}
