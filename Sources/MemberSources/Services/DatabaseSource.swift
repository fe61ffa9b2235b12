import AccessModel
import Foundation

/// A query's result as a table of text: what each database driver hands over.
struct QueryResult {
    var columns: [String]
    var rows: [[Cell]]

    enum Cell {
        case text(String)
        case null
        /// A value of a type kisictl does not read (`bytea`, `json`, a blob), named by its type.
        case unreadable(type: String)
    }
}

/// Why a database could not be read, in words that never hold its credentials.
struct DatabaseFailure: Error {
    var message: String
}

/// Runs queries on one database. Each driver is behind this so the source reads both the same way.
protocol DatabaseConnection {
    func run(_ sql: String) throws(DatabaseFailure) -> QueryResult
    func close()
}

/// Member data from a database: one query per entity, whose rows become records exactly as a
/// CSV export's do (through a mapping when the columns are the platform's own).
///
/// A failed connection, a failed query or a customers query with no rows stops the run; every
/// bad record is named by its query and row (`postgres query customers:3`).
struct DatabaseSource {
    let source: SQLSource
    let directory: String
    let environment: [String: String]

    var kind: String {
        switch source.database {
        case .postgres: "postgres"
        case .sqlite: "sqlite"
        }
    }

    var origin: String {
        switch source.database {
        case .postgres(let variable): "postgres database at $\(variable)"
        case .sqlite(let path): "sqlite database \(path)"
        }
    }

    func load() throws(DiagnosticsError) -> LoadedMemberData {
        let connection: any DatabaseConnection
        do {
            switch source.database {
            case .postgres(let variable):
                connection = try PostgresDatabase.connect(url: environment[variable], variable: variable, timeout: source.timeout)
            case .sqlite(let path):
                connection = try SQLiteDatabase.open(path: path.hasPrefix("/") ? path : MemberSource.join(directory, path))
            }
        } catch {
            throw DiagnosticsError([.error("source \(origin): cannot connect: \(error.message)")])
        }
        defer { connection.close() }
        var builder = MemberDataBuilder()
        var fingerprints: [String] = []
        for query in source.queries {
            let label = "\(kind) query \(query.entity.rawValue)"
            let result: QueryResult
            do {
                result = try connection.run(query.sql)
            } catch {
                throw DiagnosticsError(
                    builder.decoder.diagnostics + [
                        .error(at: SourceLocation(file: label, line: 0), path: "source.\(kind).queries.\(query.entity.rawValue)", error.message)
                    ])
            }
            fingerprints.append(read(result, query: query, label: label, into: &builder))
        }
        let (data, warnings) = try builder.finish(customersLabel: "the customers query of the \(origin)")
        let fingerprint = Fingerprint.of(fingerprints.joined(separator: "\n"))
        return LoadedMemberData(data: data, warnings: warnings, origin: origin, fingerprint: fingerprint, files: [origin: fingerprint])
    }

    /// Adds a query's rows to `builder`; returns a fingerprint of them.
    private func read(_ result: QueryResult, query: SQLSource.Query, label: String, into builder: inout MemberDataBuilder) -> String {
        builder.data.providedEntities.insert(query.entity)
        builder.reserveCapacity(result.rows.count, for: query.entity)
        var table = TableImport(
            entity: query.entity, origin: label, mapping: query.mapping, mappingPath: "source.\(kind).queries.\(query.entity.rawValue)")
        // No rows may mean no columns either (SQLite names them with its first row): an empty
        // result is reported for what it lacks, not for its header.
        if !result.rows.isEmpty { table.add(result.columns, line: 0, into: &builder) }
        var hasher = Fingerprint.Builder()
        var unreadable = 0
        for (index, row) in result.rows.enumerated() {
            var fields: [String] = []
            fields.reserveCapacity(row.count)
            for (column, cell) in zip(result.columns, row) {
                switch cell {
                case .text(let text): fields.append(text)
                case .null: fields.append("")
                case .unreadable(let type):
                    unreadable += 1
                    if unreadable <= RowDecoder.maximumErrorsPerFile {
                        builder.decoder.append(
                            .error(
                                at: SourceLocation(file: label, line: index + 1), path: column,
                                "column \"\(column)\" is of type \(type), which kisictl does not read: cast it in the query (\(column)::text)"))
                    }
                    fields.append("")
                }
            }
            for field in fields { hasher.add(field) }
            table.add(fields, line: index + 1, into: &builder)
        }
        return query.entity.rawValue + " " + hasher.value
    }
}
