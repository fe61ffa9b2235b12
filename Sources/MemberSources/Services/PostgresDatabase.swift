import AccessModel
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// A PostgreSQL database, reached through PostgresNIO with the URL an environment variable
/// holds (`postgres://user:password@host:5432/db?sslmode=require`). Neither the URL nor the
/// password ever appears in a message: a user, a host and a database name at most.
struct PostgresDatabase: DatabaseConnection {
    private let connection: PostgresConnection
    private let timeout: TimeSpan
    private let password: String?

    /// `url` is the value of `$variable`, which messages name instead.
    static func connect(url: String?, variable: String, timeout: TimeSpan) throws(DatabaseFailure) -> PostgresDatabase {
        guard let url, !url.isEmpty else {
            throw DatabaseFailure(message: "$\(variable) is not set: set it to the database's URL, postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        var (configuration, password) = try configuration(url: url, variable: variable)
        configuration.options.connectTimeout = .seconds(Int64(max(1, timeout.seconds)))
        do {
            let connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: Logger(label: "kisictl.postgres")
            ).wait()
            return PostgresDatabase(connection: connection, timeout: timeout, password: password)
        } catch {
            throw DatabaseFailure(message: describe(error, password: password))
        }
    }

    /// The connection settings a URL names; `sslmode` is `disable`, `prefer` (the default, as
    /// libpq's) or `require`.
    static func configuration(url text: String, variable: String) throws(DatabaseFailure) -> (PostgresConnection.Configuration, String?) {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? ""), let host = url.host,
            !host.isEmpty
        else {
            throw DatabaseFailure(message: "$\(variable) is not a URL such as postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        let user = url.user?.removingPercentEncoding ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = url.password?.removingPercentEncoding
        let database = url.path.isEmpty ? nil : String(url.path.dropFirst()).removingPercentEncoding
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch mode {
            case "disable": tls = .disable
            case "prefer", "allow": tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case "require", "verify-ca", "verify-full": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: throw DatabaseFailure(message: "$\(variable) has sslmode=\(mode); kisictl knows disable, prefer and require")
            }
        } catch let failure as DatabaseFailure {
            throw failure
        } catch {
            throw DatabaseFailure(message: "cannot set up TLS: \(error)")
        }
        let configuration = PostgresConnection.Configuration(
            host: host, port: url.port ?? 5432, username: user, password: password, database: database, tls: tls)
        return (configuration, password)
    }

    func run(_ sql: String, columns: ([String]) -> Void, row: ([QueryResult.Cell]) -> Void) throws(DatabaseFailure) {
        // A query past the timeout is stopped by closing the connection under it.
        let timedOut = NIOLockedValueBox(false)
        let connection = self.connection
        let watchdog = connection.eventLoop.scheduleTask(in: .seconds(Int64(max(1, timeout.seconds)))) {
            timedOut.withLockedValue { $0 = true }
            let _: EventLoopFuture<Void> = connection.close()
        }
        defer { watchdog.cancel() }
        let result: PostgresQueryResult
        do {
            result = try connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "kisictl.postgres")).wait()
        } catch {
            if timedOut.withLockedValue({ $0 }) { throw DatabaseFailure(message: "the query did not finish within \(timeout) (source.timeout)") }
            throw DatabaseFailure(message: Self.describe(error, password: password))
        }
        columns(result.rows.first.map { $0.map(\.columnName) } ?? [])
        for cells in result.rows {
            row(cells.map(Self.text(of:)))
        }
    }

    func close() {
        let closed: EventLoopFuture<Void> = connection.close()
        try? closed.wait()
    }

    /// A cell as kisictl's text: dates as `2026-11-23`, times without a zone as site time
    /// (`2026-11-23T07:00:00`), times with one in UTC, arrays of text as `a;b`.
    static func text(of cell: PostgresCell) -> QueryResult.Cell {
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .text, .varchar, .bpchar, .name: return .text(try cell.decode(String.self))
            case .int2, .int4, .int8: return .text(String(try cell.decode(Int.self)))
            case .bool: return .text(try cell.decode(Bool.self) ? "true" : "false")
            case .numeric: return .text("\(try cell.decode(Decimal.self))")
            case .float4, .float8:
                let number = try cell.decode(Double.self)
                return .text(number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number))
            case .uuid: return .text(try cell.decode(UUID.self).uuidString.lowercased())
            case .date: return .text(LocalDate(daysSinceEpoch: Int64(try cell.decode(Date.self).timeIntervalSince1970 / 86_400)).isoString)
            case .timestamp: return .text(LocalDateTime(secondsSinceEpoch: seconds(try cell.decode(Date.self))).isoString)
            case .timestamptz: return .text(Instant(secondsSinceEpoch: seconds(try cell.decode(Date.self))).rfc3339)
            case .textArray, .varcharArray: return .text(try cell.decode([String].self).joined(separator: ";"))
            default: return .unreadable(type: "\(cell.dataType)")
            }
        } catch {
            return .unreadable(type: "\(cell.dataType)")
        }
    }

    private static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// What went wrong, from the server's own message where there is one; never the password.
    static func describe(_ error: any Error, password: String?) -> String {
        var message: String
        if let error = error as? PSQLError {
            if let server = error.serverInfo, let text = server[.message] {
                message = text
                if let detail = server[.detail] { message += " (\(detail))" }
                if let hint = server[.hint] { message += "; \(hint)" }
            } else if let underlying = error.underlying {
                message = "\(underlying)"
            } else {
                message = "\(error.code)"
            }
        } else {
            message = "\(error)"
        }
        if let password, !password.isEmpty { message = message.replacingOccurrences(of: password, with: "***") }
        return message
    }
}
