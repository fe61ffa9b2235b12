import AccessModel
import Foundation
import JSONSupport

/// One export in another platform's shape, read through its mapping (`source.mapping`) into
/// kisictl's fields: columns (or JSON keys) picked and joined, words translated, dates
/// reformatted, the separator and the encoding as the mapping says. A value the mapping has no
/// word for is an error naming the file, the line, the column, the value and the mapping.
struct MappedExport {
    let mapping: FileMapping
    let path: String

    var isJSON: Bool { path.lowercased().hasSuffix(".json") }

    /// Reads the export into `builder`; returns the fingerprint of its bytes.
    func read(into builder: inout MemberDataBuilder) -> String {
        builder.data.providedEntities.insert(mapping.entity)
        guard let data = FileManager.default.contents(atPath: path) else {
            builder.decoder.append(
                .error(
                    at: SourceLocation(file: path, line: 1), path: "source.mapping.\(mapping.entity.rawValue).file",
                    "cannot read the file (source.mapping.\(mapping.entity.rawValue).file)"))
            return ""
        }
        var bytes = [UInt8](data)
        if mapping.encoding == .windows1252 {
            // Every byte is a character in Windows-1252, so this never fails.
            bytes = Array((String(data: data, encoding: .windowsCP1252) ?? "").utf8)
        }
        if isJSON {
            var reader = Translator(mapping: mapping.record, file: path, prefix: configPath)
            readJSON(bytes, reader: &reader, into: &builder)
        } else {
            readCSV(bytes, into: &builder)
        }
        return mapping.entity.rawValue + " " + Fingerprint.of(bytes: [UInt8](data))
    }

    private var configPath: String { "source.mapping.\(mapping.entity.rawValue)" }

    private func readCSV(_ bytes: [UInt8], into builder: inout MemberDataBuilder) {
        let delimiter = mapping.delimiter.flatMap(\.asciiValue) ?? CSVReader.detectDelimiter(bytes)
        var table = TableImport(entity: mapping.entity, origin: path, mapping: mapping.record, mappingPath: configPath)
        do {
            try CSVReader.read(bytes, delimiter: delimiter) { record in table.add(record.fields, line: record.line, into: &builder) }
        } catch CSVReader.Failure.unterminatedQuote(let line) {
            builder.decoder.append(.error(at: SourceLocation(file: path, line: line), "a quoted field is never closed"))
        } catch CSVReader.Failure.invalidUTF8(let line) {
            builder.decoder.append(
                .error(
                    at: SourceLocation(file: path, line: line),
                    "the file is not UTF-8 text: if it comes from Excel or an older platform, set \(configPath).encoding: windows-1252"
                ))
        } catch {
            builder.decoder.append(.error(at: SourceLocation(file: path, line: 1), "cannot read CSV: \(error)"))
        }
    }

    private func readJSON(_ bytes: [UInt8], reader: inout Translator, into builder: inout MemberDataBuilder) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, streaming: [[]]) { _, element in
                reader.add(json: element, into: &builder)
            }
        } catch {
            builder.decoder.append(.error(at: SourceLocation(file: path, line: error.line), "invalid JSON: \(error.message)"))
            return
        }
        if case .array = document { return }
        builder.decoder.append(.error(at: SourceLocation(file: path, line: 1), "expected an array of objects, found \(document.kindDescription)"))
    }
}

/// Turns one raw record (the export's values for each mapped field) into a row of kisictl's
/// fields, or into errors.
struct Translator {
    let mapping: RecordMapping
    /// Where the records come from, for locators: a file, a query, a page's URL.
    var file: String
    /// Where the mapping is in the config: `source.mapping.customers`.
    let prefix: String
    /// The mapping's key for its columns: `columns`, or an API endpoint's `fields`.
    let columnsKey: String
    /// kisictl field → the export's lowercased word → kisictl's value.
    private let words: [String: [String: String]]
    private let formats: [String: DateFormat]
    private var errors = 0

    init(mapping: RecordMapping, file: String, prefix: String, columnsKey: String = "columns") {
        self.mapping = mapping
        self.file = file
        self.prefix = prefix
        self.columnsKey = columnsKey
        var words: [String: [String: String]] = [:]
        for (field, values) in mapping.values {
            for (value, list) in values {
                for word in list { words[field, default: [:]][word.trimmingWhitespace().lowercased()] = value }
            }
        }
        self.words = words
        formats = mapping.formats.compactMapValues(DateFormat.init)
    }

    /// Where each mapped field's columns are in the header; nil (with errors) if any is missing.
    func positions(header: [String], line: Int, into builder: inout MemberDataBuilder) -> [String: [Int]]? {
        let names = header.map { $0.trimmingWhitespace().lowercased() }
        var positions: [String: [Int]] = [:]
        var complete = true
        for (field, columns) in mapping.columns.sorted(by: { $0.key < $1.key }) {
            for column in columns {
                guard let position = names.firstIndex(of: column.trimmingWhitespace().lowercased()) else {
                    let known = header.map { "\"\($0)\"" }.joined(separator: ", ")
                    builder.decoder.append(
                        .error(
                            at: SourceLocation(file: file, line: line), path: "\(prefix).\(columnsKey).\(field)",
                            "no column \"\(column)\" (for \(field))\(Suggestions.hint(for: column, in: header)); the header has \(known)"))
                    complete = false
                    continue
                }
                positions[field, default: []].append(position)
            }
        }
        return complete ? positions : nil
    }

    /// Adds one record: `raw(field)` gives the export's values for a mapped field.
    mutating func add(line: Int, into builder: inout MemberDataBuilder, raw: (String) -> [String]?) {
        let location = SourceLocation(file: file, line: line)
        var values = [String?](repeating: nil, count: Column.allCases.count)
        var failed = false
        for (field, columns) in mapping.columns {
            guard let column = Column(rawValue: field), let parts = raw(field) else { continue }
            let text = parts.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: " ")
            guard !text.isEmpty else { continue }
            var value = text
            if let table = words[field] {
                guard let word = table[text.lowercased()] else {
                    let known = (mapping.values[field] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.joined(separator: ", "))" }
                    report(
                        location, field,
                        "column \"\(columns.joined(separator: "\" + \""))\": \"\(text)\" is not in \(prefix).values.\(field) (\(known.joined(separator: "; "))): add it to one of them",
                        into: &builder)
                    failed = true
                    continue
                }
                value = word
            }
            if let format = formats[field] {
                guard let normalized = format.normalized(value) else {
                    report(
                        location, field,
                        "column \"\(columns.joined(separator: "\" + \""))\": \"\(text)\" does not match the format \(mapping.formats[field] ?? "") (\(prefix).formats.\(field))",
                        into: &builder)
                    failed = true
                    continue
                }
                value = normalized
            }
            values[column.slot] = value
        }
        guard !failed else { return }
        builder.add(Row(storage: .mapped(values), location: location), as: mapping.entity)
    }

    /// Adds one JSON record; a mapped key may be a path into nested objects (`contact.email`).
    mutating func add(json element: JSONValue, line: Int? = nil, into builder: inout MemberDataBuilder) {
        guard case .object(_, let objectLine) = element else {
            report(
                SourceLocation(file: file, line: line ?? 1), mapping.entity.rawValue,
                "expected an object for each record, found \(element.kindDescription)", into: &builder)
            return
        }
        let columns = mapping.columns
        add(line: line ?? objectLine, into: &builder) { field in
            columns[field]?.map { key in
                switch element[key] ?? key.split(separator: ".").reduce(Optional(element), { $0?[String($1)] }) {
                case .string(let text)?: text
                case .number(let text)?: text
                case .bool(let flag)?: flag ? "true" : "false"
                default: ""
                }
            }
        }
    }

    private mutating func report(_ location: SourceLocation, _ field: String, _ message: String, into builder: inout MemberDataBuilder) {
        errors += 1
        if errors <= RowDecoder.maximumErrorsPerFile { builder.decoder.append(.error(at: location, path: field, message)) }
    }
}
