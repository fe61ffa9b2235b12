import AccessModel

/// Records that arrive as a table — a header, then rows of text — checked and decoded the same
/// way wherever they come from: a CSV export, a mapped export, a database query's result.
///
/// In kisictl's own shape the header must name kisictl's columns (misspellings are errors: a
/// silently ignored `ends_onn` would make every membership open-ended); through a mapping, it
/// must hold every column the mapping names.
struct TableImport {
    let entity: MemberEntity
    /// Where the rows come from, for locators: a file, or `postgres query "customers"`.
    let origin: String
    private var translator: Translator?
    private var columns: ColumnPositions?
    private var layout: Translator.Layout?
    private var width = 0
    private var readable = true

    /// `mappingPath` is where the mapping is in the config, for messages: `source.mapping.customers`.
    init(entity: MemberEntity, origin: String, mapping: RecordMapping? = nil, mappingPath: String = "") {
        self.entity = entity
        self.origin = origin
        translator = mapping.map { Translator(mapping: $0, file: origin, prefix: mappingPath) }
    }

    /// Takes the header first, then each row.
    mutating func add(_ fields: [String], line: Int, into builder: inout MemberDataBuilder) {
        guard readable else { return }
        if translator != nil {
            guard let layout else {
                layout = translator!.layout(header: fields, line: line, into: &builder)
                width = fields.count
                readable = layout != nil
                return
            }
            translator!.add(row: fields, line: line, layout: layout, width: width, into: &builder)
            return
        }
        guard let columns else {
            let names = fields.map { $0.trimmingWhitespace().lowercased() }
            columns = ColumnPositions(header: names)
            readable = checkHeader(names, line: line, into: &builder)
            return
        }
        builder.add(Row(storage: .csv(fields: fields, columns: columns), location: SourceLocation(file: origin, line: line)), as: entity)
    }

    private func checkHeader(_ names: [String], line: Int, into builder: inout MemberDataBuilder) -> Bool {
        let spec = EntitySpec.of(entity)
        var ok = true
        let location = SourceLocation(file: origin, line: line)
        if names.count == 1, names[0].contains(";") {
            builder.decoder.append(
                .error(
                    at: location,
                    "the file is separated by semicolons; kisictl reads comma-separated CSV: export it with commas (a spreadsheet's \"CSV UTF-8\")"
                ))
            return false
        }
        for column in spec.required where !names.contains(column) {
            let extras = names.filter { !spec.columns.contains($0) }
            builder.decoder.append(.error(at: location, path: column, "missing column \"\(column)\"\(Suggestions.hint(for: column, in: extras))"))
            ok = false
        }
        if spec.entity == .memberships, !names.contains("customer_id"), !names.contains("company_id") {
            builder.decoder.append(
                .error(at: location, path: "customer_id", "missing column \"customer_id\" (or \"company_id\" for company memberships)"))
            ok = false
        }
        for (column, suggestion) in spec.misspelledColumns(in: names) where !spec.required.contains(suggestion) || names.contains(suggestion) {
            builder.decoder.append(.error(at: location, path: column, "unknown column \"\(column)\" (did you mean \"\(suggestion)\"?)"))
            ok = false
        }
        return ok
    }
}
