import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// A SQLite file, read through SQLiteNIO (which carries its own SQLite: nothing to install).
struct SQLiteDatabase: DatabaseConnection {
    private let connection: SQLiteConnection

    /// Opens an existing file: SQLite would otherwise create an empty one, and an empty database
    /// must read as a mistake, not as nobody qualifying.
    static func open(path: String) throws(DatabaseFailure) -> SQLiteDatabase {
        guard FileManager.default.fileExists(atPath: path) else { throw DatabaseFailure(message: "no database file \(path)") }
        do {
            let connection = try SQLiteConnection.open(
                storage: .file(path: path), threadPool: .singleton, logger: Logger(label: "kisictl.sqlite"),
                on: MultiThreadedEventLoopGroup.singleton.any()
            ).wait()
            return SQLiteDatabase(connection: connection)
        } catch {
            throw DatabaseFailure(message: Self.describe(error))
        }
    }

    func run(_ sql: String) throws(DatabaseFailure) -> QueryResult {
        let rows: [SQLiteRow]
        do {
            rows = try connection.query(sql, []).wait()
        } catch {
            throw DatabaseFailure(message: Self.describe(error))
        }
        // A query without rows still names its columns in SQLite only when it is prepared; the
        // first row's are enough here, since an empty result is reported by what it lacks.
        let columns = rows.first?.columns.map(\.name) ?? []
        return QueryResult(
            columns: columns,
            rows: rows.map { row in
                row.columns.map { column in
                    switch column.data {
                    case .text(let text): .text(text)
                    case .integer(let number): .text(String(number))
                    case .float(let number):
                        number == number.rounded() && abs(number) < 1e15 ? .text(String(Int(number))) : .text(String(number))
                    case .null: .null
                    case .blob: .unreadable(type: "blob")
                    }
                }
            })
    }

    func close() {
        try? connection.close().wait()
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? SQLiteError { return error.message }
        return String(describing: error)
    }
}
