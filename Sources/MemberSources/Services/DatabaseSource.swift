import AccessModel
import Foundation

/// A query's result as a table of text: what each database driver hands over.
enum QueryResult {
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
    /// Hands over the result's column names, then each row as it comes.
    func run(_ sql: String, columns: ([String]) -> Void, row: ([QueryResult.Cell]) -> Void) throws(DatabaseFailure)
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

    private func connect() throws(DatabaseFailure) -> any DatabaseConnection {
        switch source.database {
        case .postgres(let variable):
            try PostgresDatabase.connect(url: environment[variable], variable: variable, timeout: source.timeout)
        case .sqlite(let path):
            try SQLiteDatabase.open(path: path.hasPrefix("/") ? path : MemberSource.join(directory, path))
        }
    }

    func load() throws(DiagnosticsError) -> LoadedMemberData {
        // One connection per query, so the entities are read side by side, one core each.
        var connections: [any DatabaseConnection] = []
        defer { for connection in connections { connection.close() } }
        for _ in source.queries {
            do {
                connections.append(try connect())
            } catch {
                throw DiagnosticsError([.error("source \(origin): cannot connect: \(error.message)")])
            }
        }
        let parts = source.queries.indices.parallelMap { index in
            let (query, connection) = (source.queries[index], connections[index])
            var part = MemberDataBuilder()
            let label = "\(kind) query \(query.entity.rawValue)"
            do throws(DatabaseFailure) {
                let fingerprint = try read(query, from: connection, label: label, into: &part)
                return (part, fingerprint, nil as Diagnostic?)
            } catch {
                let failure = Diagnostic.error(
                    at: SourceLocation(file: label, line: 0), path: "source.\(kind).queries.\(query.entity.rawValue)", error.message)
                return (part, "", failure)
            }
        }
        var builder = MemberDataBuilder()
        for (part, _, _) in parts { builder.absorb(part) }
        let failures = parts.compactMap { $0.2 }
        if !failures.isEmpty { throw DiagnosticsError(builder.decoder.diagnostics + failures) }
        let (data, warnings) = try builder.finish(customersLabel: "the customers query of the \(origin)")
        let fingerprint = Fingerprint.of(parts.map { $0.1 }.joined(separator: "\n"))
        return LoadedMemberData(data: data, warnings: warnings, origin: origin, fingerprint: fingerprint, files: [origin: fingerprint])
    }

    /// Runs a query and adds its rows to `builder`; returns a fingerprint of them.
    private func read(
        _ query: SQLSource.Query, from connection: any DatabaseConnection, label: String, into builder: inout MemberDataBuilder
    ) throws(DatabaseFailure) -> String {
        builder.data.providedEntities.insert(query.entity)
        var table = TableImport(
            entity: query.entity, origin: label, mapping: query.mapping, mappingPath: "source.\(kind).queries.\(query.entity.rawValue)")
        var hasher = Fingerprint.Builder()
        var unreadable = 0
        var columns: [String] = []
        var line = 0
        try connection.run(query.sql) { names in
            columns = names
        } row: { row in
            // No rows may mean no columns either (SQLite names them with its first row): an
            // empty result is reported for what it lacks, not for its header.
            if line == 0 { table.add(columns, line: 0, into: &builder) }
            line += 1
            var fields: [String] = []
            fields.reserveCapacity(row.count)
            for (column, cell) in zip(columns, row) {
                switch cell {
                case .text(let text): fields.append(text)
                case .null: fields.append("")
                case .unreadable(let type):
                    unreadable += 1
                    if unreadable <= RowDecoder.maximumErrorsPerFile {
                        builder.decoder.append(
                            .error(
                                at: SourceLocation(file: label, line: line), path: column,
                                "column \"\(column)\" is of type \(type), which kisictl does not read: cast it in the query (\(column)::text)"))
                    }
                    fields.append("")
                }
            }
            for field in fields { hasher.add(field) }
            table.add(fields, line: line, into: &builder)
        }
        return query.entity.rawValue + " " + hasher.value
    }
}
