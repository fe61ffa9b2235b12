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
        let fingerprint = Fingerprint.of(bytes: bytes)
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
        return mapping.entity.rawValue + " " + fingerprint
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
    /// One mapped field, worked out once for the whole export. A class: every row reads each
    /// field, and a struct of this many references would be retained member by member.
    final class Field: Sendable {
        /// kisictl's name for it: `status`.
        let name: String
        let column: Column
        /// The export's columns (or JSON keys) whose values make it.
        let sources: [String]
        /// The export's lowercased word → kisictl's value.
        let words: [String: String]?
        let format: DateFormat?

        init(name: String, column: Column, sources: [String], words: [String: String]?, format: DateFormat?) {
            self.name = name
            self.column = column
            self.sources = sources
            self.words = words
            self.format = format
        }

        /// `column "First Name" + "Last Name"`, for messages.
        var described: String { "column \"\(sources.joined(separator: "\" + \""))\"" }
    }

    let mapping: RecordMapping
    /// Where the records come from, for locators: a file, a query, a page's URL.
    var file: String
    /// Where the mapping is in the config: `source.mapping.customers`.
    let prefix: String
    /// The mapping's key for its columns: `columns`, or an API endpoint's `fields`.
    let columnsKey: String
    /// In the order of their names, so errors come out in a stable order.
    let fields: [Field]
    private var errors = 0

    init(mapping: RecordMapping, file: String, prefix: String, columnsKey: String = "columns") {
        self.mapping = mapping
        self.file = file
        self.prefix = prefix
        self.columnsKey = columnsKey
        fields = mapping.columns.sorted { $0.key < $1.key }.compactMap { name, sources in
            guard let column = Column(rawValue: name) else { return nil }
            // Each word as written and lowercased: an export writes its words one way, so the
            // exact form is found without lowercasing every value.
            let words = mapping.values[name].map { values in
                var table: [String: String] = [:]
                for (value, list) in values {
                    for word in list {
                        table[word.trimmingWhitespace()] = value
                        table[word.trimmingWhitespace().lowercased()] = value
                    }
                }
                return table
            }
            return Field(name: name, column: column, sources: sources, words: words, format: mapping.formats[name].flatMap(DateFormat.init))
        }
    }

    /// How a table's rows become records, worked out from its header once: fields taken from
    /// one column as they are read straight from the row; the others (joined, translated,
    /// reformatted) are worked out and appended to it.
    struct Layout {
        let columns: ColumnPositions
        /// Fields that need work, with the positions of their columns.
        let worked: [(field: Int, positions: [Int])]
    }

    /// The layout of a table with this header; nil (with errors) if a mapped column is missing.
    func layout(header: [String], line: Int, into builder: inout MemberDataBuilder) -> Layout? {
        let names = header.map { $0.trimmingWhitespace().lowercased() }
        var slots = [Int](repeating: -1, count: Column.allCases.count)
        var worked: [(field: Int, positions: [Int])] = []
        var complete = true
        for (index, field) in fields.enumerated() {
            var found: [Int] = []
            for column in field.sources {
                guard let position = names.firstIndex(of: column.trimmingWhitespace().lowercased()) else {
                    let known = header.map { "\"\($0)\"" }.joined(separator: ", ")
                    builder.decoder.append(
                        .error(
                            at: SourceLocation(file: file, line: line), path: "\(prefix).\(columnsKey).\(field.name)",
                            "no column \"\(column)\" (for \(field.name))\(Suggestions.hint(for: column, in: header)); the header has \(known)"))
                    complete = false
                    continue
                }
                found.append(position)
            }
            if found.count == 1, field.words == nil, field.format == nil {
                slots[field.column.slot] = found[0]
            } else {
                slots[field.column.slot] = header.count + worked.count
                worked.append((index, found))
            }
        }
        return complete ? Layout(columns: ColumnPositions(slots: slots), worked: worked) : nil
    }

    /// Adds one row of a table laid out by `layout`.
    mutating func add(row fields: [String], line: Int, layout: Layout, width: Int, into builder: inout MemberDataBuilder) {
        var row = fields
        row.reserveCapacity(width + layout.worked.count)
        // Worked fields go after the header's width: a short row is padded, a long one cut (its
        // extra fields have no column).
        if row.count > width { row.removeLast(row.count - width) }
        while row.count < width { row.append("") }
        var failed = false
        for (field, positions) in layout.worked {
            let written: String
            if positions.count == 1 {
                written = positions[0] < fields.count ? fields[positions[0]].trimmingWhitespace() : ""
            } else {
                written = positions.map { $0 < fields.count ? fields[$0].trimmingWhitespace() : "" }.filter { !$0.isEmpty }.joined(separator: " ")
            }
            switch translated(field, written, line: line, into: &builder) {
            case .failed: failed = true
            case .value(let text): row.append(text ?? "")
            }
        }
        guard !failed else { return }
        builder.add(Row(storage: .csv(fields: row, columns: layout.columns), location: SourceLocation(file: file, line: line)), as: mapping.entity)
    }

    /// Adds one record: `part(field, n)` gives the export's value for the field's `n`th column.
    mutating func add(line: Int, into builder: inout MemberDataBuilder, part: (_ field: Int, _ source: Int) -> String) {
        var values = [String?](repeating: nil, count: Column.allCases.count)
        var failed = false
        for index in fields.indices {
            let parts = fields[index].sources.indices.map { part(index, $0).trimmingWhitespace() }
            switch translated(index, parts.filter { !$0.isEmpty }.joined(separator: " "), line: line, into: &builder) {
            case .failed: failed = true
            case .value(let text): values[fields[index].column.slot] = text
            }
        }
        guard !failed else { return }
        builder.add(Row(storage: .mapped(values), location: SourceLocation(file: file, line: line)), as: mapping.entity)
    }

    private enum Translated {
        /// The value in kisictl's words; nil when the export has none.
        case value(String?)
        /// An error was reported.
        case failed
    }

    /// A field's value from what the export wrote (its columns trimmed and joined): translated
    /// and reformatted.
    private mutating func translated(_ index: Int, _ written: String, line: Int, into builder: inout MemberDataBuilder) -> Translated {
        let field = fields[index]
        guard !written.isEmpty else { return .value(nil) }
        var text = written
        if let words = field.words {
            guard let word = words[text] ?? words[text.lowercased()] else {
                let known = (mapping.values[field.name] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.joined(separator: ", "))" }
                report(
                    line, field.name,
                    "\(field.described): \"\(written)\" is not in \(prefix).values.\(field.name) (\(known.joined(separator: "; "))): add it to one of them",
                    into: &builder)
                return .failed
            }
            text = word
        }
        if let format = field.format {
            guard let normalized = format.normalized(text) else {
                report(
                    line, field.name,
                    "\(field.described): \"\(written)\" does not match the format \(mapping.formats[field.name] ?? "") (\(prefix).formats.\(field.name))",
                    into: &builder)
                return .failed
            }
            text = normalized
        }
        return .value(text)
    }

    /// Adds one JSON record; a mapped key may be a path into nested objects (`contact.email`).
    mutating func add(json element: JSONValue, line: Int? = nil, into builder: inout MemberDataBuilder) {
        guard case .object(_, let objectLine) = element else {
            report(line ?? 1, mapping.entity.rawValue, "expected an object for each record, found \(element.kindDescription)", into: &builder)
            return
        }
        let fields = self.fields
        add(line: line ?? objectLine, into: &builder) { field, source in
            let key = fields[field].sources[source]
            switch element[key] ?? key.split(separator: ".").reduce(Optional(element), { $0?[String($1)] }) {
            case .string(let text)?: return text
            case .number(let text)?: return text
            case .bool(let flag)?: return flag ? "true" : "false"
            default: return ""
            }
        }
    }

    private mutating func report(_ line: Int, _ field: String, _ message: String, into builder: inout MemberDataBuilder) {
        errors += 1
        if errors <= RowDecoder.maximumErrorsPerFile {
            builder.decoder.append(.error(at: SourceLocation(file: file, line: line), path: field, message))
        }
    }
}
