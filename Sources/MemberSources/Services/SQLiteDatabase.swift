import Foundation
import VaporCSQLite

/// A SQLite file, read read-only through the SQLite that sqlite-nio carries (nothing to
/// install), with SQLite's own C interface: sqlite-nio's API hands each row over as a future on
/// an event loop, which made a 100,000-customer site load 7× slower than its CSV export
/// (BENCHMARKS.md, "Sources"); a loop over `sqlite3_step` keeps it within 1.5×.
final class SQLiteDatabase: DatabaseConnection, @unchecked Sendable {
    private let handle: OpaquePointer

    /// Opens an existing file read-only: SQLite would otherwise create an empty one, and an empty
    /// database must read as a mistake, not as nobody qualifying.
    static func open(path: String) throws(DatabaseFailure) -> SQLiteDatabase {
        guard FileManager.default.fileExists(atPath: path) else { throw DatabaseFailure(message: "no database file \(path)") }
        var handle: OpaquePointer?
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite_nio_sqlite3_close(handle)
            throw DatabaseFailure(message: message)
        }
        // Another program writing the file holds its lock briefly: wait for it, within reason.
        sqlite_nio_sqlite3_busy_timeout(handle, 10_000)
        return SQLiteDatabase(handle: handle)
    }

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    func run(_ sql: String, columns: ([String]) -> Void, row: ([QueryResult.Cell]) -> Void) throws(DatabaseFailure) {
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw DatabaseFailure(message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
        }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        let count = sqlite_nio_sqlite3_column_count(statement)
        columns((0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) })
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw DatabaseFailure(message: String(cString: sqlite_nio_sqlite3_errmsg(handle))) }
            row((0..<count).map { cell(statement, $0) })
        }
    }

    private func cell(_ statement: OpaquePointer, _ column: Int32) -> QueryResult.Cell {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .text(String(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT:
            let number = sqlite_nio_sqlite3_column_double(statement, column)
            return .text(number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number))
        case SQLITE_TEXT:
            let bytes = UnsafeBufferPointer(
                start: sqlite_nio_sqlite3_column_text(statement, column), count: Int(sqlite_nio_sqlite3_column_bytes(statement, column)))
            return .text(String(decoding: bytes, as: UTF8.self))
        default: return .unreadable(type: "blob")
        }
    }

    func close() {
        sqlite_nio_sqlite3_close(handle)
    }
}
