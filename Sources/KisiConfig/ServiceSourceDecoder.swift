import AccessModel
import Foundation
import Yams

/// Reads the sources kisictl connects to: a database (`postgres:`, `sqlite:`) or a REST API
/// (`http:`).
///
/// ```yaml
/// source:
///   postgres:
///     url_env: DATABASE_URL
///     queries:
///       customers: select id, name, email from customers
///       memberships: {query: select * from plans, columns: {id: plan_id, …}, values: {…}}
/// ```
///
/// ```yaml
/// source:
///   http:
///     base_url: https://api.example.com/v1
///     auth: {header: Authorization, value_env: PLATFORM_TOKEN, scheme: Bearer}
///     entities:
///       customers: {path: /clients, items: data, paging: next_link, fields: {id: ClientId, …}}
/// ```
enum ServiceSourceDecoder {
    static func postgres(_ node: Node, _ path: String, timeout: TimeSpan, reader: inout NodeReader) -> SQLSource? {
        database(
            node, path, key: "url_env", means: "the environment variable holding the database URL (postgres://user:password@host/db)", reader: &reader
        )
        .map { SQLSource(database: .postgres(urlEnv: $0), queries: $1, timeout: timeout) }
    }

    static func sqlite(_ node: Node, _ path: String, reader: inout NodeReader) -> SQLSource? {
        database(node, path, key: "path", means: "the database file, relative to the config", reader: &reader)
            .map { SQLSource(database: .sqlite(path: $0), queries: $1) }
    }

    /// A database's one setting (`url_env`, `path`) and its queries.
    private static func database(
        _ node: Node, _ path: String, key: String, means: String, reader: inout NodeReader
    ) -> (String, [SQLSource.Query])? {
        guard let fields = reader.mapping(node, path, allowed: [key, "queries"], expected: "a mapping with \(key) and queries") else {
            return nil
        }
        guard let settingNode = fields[key] else {
            reader.error(node, path, "missing key \"\(key)\": \(means)")
            return nil
        }
        guard let setting = reader.string(settingNode, fields.path(key)), let queries = queries(fields, node, path, reader: &reader) else {
            return nil
        }
        return (setting, queries)
    }

    /// `queries:`: per entity, the SQL text, or `{query, columns, values, formats}`.
    private static func queries(_ fields: Fields, _ node: Node, _ path: String, reader: inout NodeReader) -> [SQLSource.Query]? {
        guard let queriesNode = fields["queries"] else {
            reader.error(node, path, "missing key \"queries\": one query per entity, at least customers")
            return nil
        }
        let path = fields.path("queries")
        guard
            let entities = reader.mapping(
                queriesNode, path, allowed: MemberEntity.allCases.map(\.rawValue), expected: "a mapping of entities (customers, …) to queries")
        else { return nil }
        var queries: [SQLSource.Query] = []
        var failed = false
        for entity in MemberEntity.allCases {
            guard let node = entities[entity.rawValue] else { continue }
            let entityPath = entities.path(entity.rawValue)
            if case .scalar = node {
                guard let sql = reader.string(node, entityPath) else {
                    failed = true
                    continue
                }
                queries.append(SQLSource.Query(entity: entity, sql: sql))
                continue
            }
            guard
                let query = reader.mapping(
                    node, entityPath, allowed: ["query", "columns"] + FileMappingDecoder.recordKeys,
                    expected: "a query, or a mapping with query and columns")
            else {
                failed = true
                continue
            }
            guard let sqlNode = query["query"], let sql = reader.string(sqlNode, query.path("query")) else {
                if query["query"] == nil { reader.error(node, entityPath, "missing key \"query\": the SQL that returns the \(entity.rawValue)") }
                failed = true
                continue
            }
            let mapping = FileMappingDecoder.record(query, node, entityPath, entity: entity, reader: &reader)
            if mapping == nil { failed = true }
            queries.append(SQLSource.Query(entity: entity, sql: sql, mapping: mapping))
        }
        if entities["customers"] == nil, !entities.misspelled.contains("customers") {
            reader.error(queriesNode, path, "missing query \"customers\": without customers nobody can be granted")
            failed = true
        }
        return failed ? nil : queries
    }

    static let httpKeys = ["base_url", "auth", "entities", "requests_per_second", "attempts"]
    static let endpointKeys = ["path", "items", "paging", "fields"] + FileMappingDecoder.recordKeys

    static func http(_ node: Node, _ path: String, timeout: TimeSpan, reader: inout NodeReader) -> HTTPSource? {
        guard let fields = reader.mapping(node, path, allowed: httpKeys, expected: "a mapping with base_url and entities") else { return nil }
        guard let baseNode = fields["base_url"], let base = reader.string(baseNode, fields.path("base_url")) else {
            if fields["base_url"] == nil {
                reader.error(node, path, "missing key \"base_url\": the API's address, such as https://api.example.com/v1")
            }
            return nil
        }
        guard let url = URL(string: base), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, url.user == nil, url.password == nil
        else {
            reader.expected("an http:// or https:// URL without credentials (put those in auth.value_env)", baseNode, fields.path("base_url"))
            return nil
        }
        var source = HTTPSource(baseURL: base, endpoints: [], timeout: timeout)
        var failed = false
        if let authNode = fields["auth"] {
            source.auth = auth(authNode, fields.path("auth"), reader: &reader)
            if source.auth == nil { failed = true }
        }
        if let node = fields["requests_per_second"] {
            if let rate = reader.number(node, fields.path("requests_per_second")), rate >= 0 {
                source.requestsPerSecond = rate
            } else {
                reader.expected("a number of requests per second (0: unpaced)", node, fields.path("requests_per_second"))
                failed = true
            }
        }
        if let node = fields["attempts"] {
            if let attempts = reader.int(node, fields.path("attempts")), (1...20).contains(attempts) {
                source.attempts = attempts
            } else {
                reader.expected("a number of attempts from 1 to 20", node, fields.path("attempts"))
                failed = true
            }
        }
        guard let entitiesNode = fields["entities"] else {
            reader.error(node, path, "missing key \"entities\": the endpoint of each entity, at least customers")
            return nil
        }
        let entitiesPath = fields.path("entities")
        guard
            let entities = reader.mapping(
                entitiesNode, entitiesPath, allowed: MemberEntity.allCases.map(\.rawValue),
                expected: "a mapping of entities (customers, …) to endpoints")
        else { return nil }
        for entity in MemberEntity.allCases {
            guard let node = entities[entity.rawValue] else { continue }
            guard let endpoint = endpoint(node, entities.path(entity.rawValue), entity: entity, reader: &reader) else {
                failed = true
                continue
            }
            source.endpoints.append(endpoint)
        }
        if entities["customers"] == nil, !entities.misspelled.contains("customers") {
            reader.error(entitiesNode, entitiesPath, "missing entity \"customers\": without customers nobody can be granted")
            failed = true
        }
        return failed ? nil : source
    }

    private static func auth(_ node: Node, _ path: String, reader: inout NodeReader) -> HTTPSource.Auth? {
        guard let fields = reader.mapping(node, path, allowed: ["header", "value_env", "scheme"], expected: "a mapping with value_env") else {
            return nil
        }
        guard let envNode = fields["value_env"], let variable = reader.string(envNode, fields.path("value_env")) else {
            if fields["value_env"] == nil { reader.error(node, path, "missing key \"value_env\": the environment variable holding the credential") }
            return nil
        }
        var auth = HTTPSource.Auth(valueEnv: variable)
        if let node = fields["header"] {
            guard let header = reader.string(node, fields.path("header")),
                header.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                reader.expected("a header name such as Authorization or X-Api-Key", node, fields.path("header"))
                return nil
            }
            auth.header = header
        }
        if let node = fields["scheme"] {
            guard let scheme = reader.string(node, fields.path("scheme")) else { return nil }
            auth.scheme = scheme
        }
        return auth
    }

    private static func endpoint(_ node: Node, _ path: String, entity: MemberEntity, reader: inout NodeReader) -> HTTPSource.Endpoint? {
        guard let fields = reader.mapping(node, path, allowed: endpointKeys, expected: "a mapping with path, items, paging and fields") else {
            return nil
        }
        guard let pathNode = fields["path"], let endpointPath = reader.string(pathNode, fields.path("path")) else {
            if fields["path"] == nil { reader.error(node, path, "missing key \"path\": the endpoint, such as /clients") }
            return nil
        }
        var endpoint = HTTPSource.Endpoint(entity: entity, path: endpointPath)
        if let node = fields["items"] {
            guard let items = reader.string(node, fields.path("items"), nonEmpty: false) else { return nil }
            endpoint.items = items
        }
        if let node = fields["paging"] {
            guard let paging = paging(node, fields.path("paging"), reader: &reader) else { return nil }
            endpoint.paging = paging
        }
        if fields["fields"] != nil {
            guard let mapping = FileMappingDecoder.record(fields, node, path, entity: entity, columnsKey: "fields", reader: &reader) else {
                return nil
            }
            endpoint.mapping = mapping
        } else if let key = FileMappingDecoder.recordKeys.first(where: fields.has) {
            reader.error(fields.key(key)!, fields.path(key), "\(key) needs fields: (which keys hold kisictl's fields)")
            return nil
        }
        return endpoint
    }

    static let pagingStyles = ["next_link", "page", "offset"]

    /// `next_link`, `page`, `offset`, or one of them with its settings.
    private static func paging(_ node: Node, _ path: String, reader: inout NodeReader) -> HTTPSource.Paging? {
        let expected = "next_link, page or offset, or a mapping such as {page: page, size_param: per_page, size: 100}"
        if case .scalar = node {
            switch reader.string(node, path) {
            case "next_link": return .nextLink(path: nil)
            case "page": return .page(parameter: "page", sizeParameter: "per_page", size: 100)
            case "offset": return .offset(parameter: "offset", limitParameter: "limit", size: 100)
            case nil: return nil
            case let other?:
                reader.expected(expected + Suggestions.hint(for: other, in: pagingStyles), node, path)
                return nil
            }
        }
        guard let fields = reader.mapping(node, path, allowed: pagingStyles + ["size_param", "limit_param", "size"], expected: expected) else {
            return nil
        }
        let styles = pagingStyles.filter(fields.has)
        guard styles.count == 1 else {
            reader.error(
                node, path,
                styles.isEmpty ? "expected one of next_link, page or offset" : "\(styles.joined(separator: " and ")) are alternatives: keep one")
            return nil
        }
        var size = 100
        if let node = fields["size"] {
            guard let value = reader.int(node, fields.path("size")), (1...10_000).contains(value) else {
                reader.expected("a page size from 1 to 10000", node, fields.path("size"))
                return nil
            }
            size = value
        }
        let parameter = fields[styles[0]].flatMap { reader.string($0, fields.path(styles[0])) }
        guard let parameter else { return nil }
        switch styles[0] {
        case "next_link":
            for key in ["size_param", "limit_param", "size"] where fields.has(key) {
                reader.error(fields.key(key)!, fields.path(key), "\(key) applies to page and offset paging only")
                return nil
            }
            return .nextLink(path: parameter)
        case "page":
            let sizeParameter = fields["size_param"].flatMap { reader.string($0, fields.path("size_param")) } ?? "per_page"
            return .page(parameter: parameter, sizeParameter: sizeParameter, size: size)
        default:
            let limitParameter = fields["limit_param"].flatMap { reader.string($0, fields.path("limit_param")) } ?? "limit"
            return .offset(parameter: parameter, limitParameter: limitParameter, size: size)
        }
    }
}
