import AccessModel
import Foundation
import JSONSupport

/// Member data that loaded, with the warnings found on the way.
public struct LoadedMemberData: Sendable {
    public var data: MemberData
    public var warnings: [Diagnostic]
    /// Where the data came from, for summaries: `files in data/` or `command ./export.sh`.
    public var origin: String
    /// A fingerprint of the exported bytes, recorded in saved plans.
    public var fingerprint: String
    /// Each export's (or the command's output's) own fingerprint, by path.
    public var files: [String: String]

    public init(data: MemberData, warnings: [Diagnostic], origin: String, fingerprint: String, files: [String: String] = [:]) {
        self.files = files
        self.data = data
        self.warnings = warnings
        self.origin = origin
        self.fingerprint = fingerprint
    }
}

/// Reads member data from the source a config names.
///
/// Anything that would make the data incomplete — a missing or empty customers export, a bad
/// row, a failing command — is an error: an empty source must never read as "nobody qualifies".
public enum MemberSource {
    /// `withholding` names environment variables a command must not see: the Kisi key's.
    /// `environment` holds the variables a database URL or an API credential is read from.
    public static func load(
        _ spec: SourceSpec, relativeTo directory: String, withholding secrets: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(DiagnosticsError) -> LoadedMemberData {
        switch spec {
        case .files(_, let mappings):
            return try FileSource(folder: folder(of: spec, relativeTo: directory)!, mappings: mappings).load()
        case .command(let arguments, let timeout, let maxOutput):
            return try CommandSource(
                arguments: arguments, directory: directory, timeout: timeout, maxOutput: maxOutput,
                secrets: secrets + [KisiSettings.defaultAPIKeyEnv]
            ).load()
        case .sql(let source):
            return try DatabaseSource(source: source, directory: directory, environment: environment).load()
        case .http(let source):
            return try APISource(source: source, environment: environment).load()
        case .several(let sources):
            return try SeveralSources.load(sources, relativeTo: directory, withholding: secrets, environment: environment)
        }
    }

    /// The export files a source reads, with their source's name when there are several: what
    /// `doctor` checks for freshness. A command's output has no file.
    public static func exports(of spec: SourceSpec, relativeTo directory: String) -> [(source: String?, path: String)] {
        switch spec {
        case .command, .http: return []
        case .sql(let source):
            guard case .sqlite(let path) = source.database else { return [] }
            return [(nil, path.hasPrefix("/") ? path : join(directory, path))]
        case .several(let sources):
            return sources.flatMap { source in exports(of: source.spec, relativeTo: directory).map { (source.name, $0.path) } }
        case .files(_, let mappings):
            guard let folder = folder(of: spec, relativeTo: directory) else { return [] }
            var paths: [String] = []
            for entity in MemberEntity.allCases {
                if let mapping = mappings.first(where: { $0.entity == entity }) {
                    paths.append(join(folder, mapping.file))
                } else {
                    paths += [entity.rawValue + ".csv", entity.rawValue + ".json"].map { join(folder, $0) }
                        .filter { FileManager.default.fileExists(atPath: $0) }
                }
            }
            return paths.map { (nil, $0) }
        }
    }

    /// The folder a `files` source reads, as a path from the working directory; nil for `command`.
    public static func folder(of spec: SourceSpec, relativeTo directory: String) -> String? {
        guard case .files(let folder, _) = spec else { return nil }
        return folder.hasPrefix("/") ? folder : join(directory, folder)
    }

    /// `folder/name`, without a `./` for the working directory.
    public static func join(_ folder: String, _ name: String) -> String {
        if folder == "." || folder.isEmpty { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}

/// Collects decoded entities from any row source, then applies the checks every source shares.
struct MemberDataBuilder {
    var data = MemberData(providedEntities: [])
    var decoder = RowDecoder()
    var warnings: [Diagnostic] = []

    mutating func add(_ row: Row, as entity: MemberEntity) {
        switch entity {
        case .customers: decoder.customer(row).map { data.customers.append($0) }
        case .memberships: decoder.membership(row).map { data.memberships.append($0) }
        case .registrations: decoder.registration(row).map { data.registrations.append($0) }
        case .bookings: decoder.booking(row).map { data.bookings.append($0) }
        case .holds: decoder.hold(row).map { data.holds.append($0) }
        }
    }

    mutating func reserveCapacity(_ rows: Int, for entity: MemberEntity) {
        switch entity {
        case .customers: data.customers.reserveCapacity(rows)
        case .memberships: data.memberships.reserveCapacity(rows)
        case .registrations: data.registrations.reserveCapacity(rows)
        case .bookings: data.bookings.reserveCapacity(rows)
        case .holds: data.holds.reserveCapacity(rows)
        }
    }

    /// Takes over what another builder read from other entities' exports.
    mutating func absorb(_ other: MemberDataBuilder) {
        data.providedEntities.formUnion(other.data.providedEntities)
        if !other.data.customers.isEmpty { data.customers = other.data.customers }
        if !other.data.memberships.isEmpty { data.memberships = other.data.memberships }
        if !other.data.registrations.isEmpty { data.registrations = other.data.registrations }
        if !other.data.bookings.isEmpty { data.bookings = other.data.bookings }
        if !other.data.holds.isEmpty { data.holds = other.data.holds }
        decoder.absorb(other.decoder)
        warnings += other.warnings
    }

    /// Every error and warning, or the data.
    mutating func finish(customersLabel: String) throws(DiagnosticsError) -> (MemberData, [Diagnostic]) {
        decoder.finish()
        var diagnostics = decoder.diagnostics + warnings
        if !data.providedEntities.contains(.customers) {
            diagnostics.append(.error("no customers in the member data (\(customersLabel)); refusing to treat a missing export as nobody qualifying"))
        } else if data.customers.isEmpty, !diagnostics.hasErrors {
            diagnostics.append(.error("\(customersLabel) holds no customers; refusing to treat an empty export as nobody qualifying"))
        }
        let data = self.data
        // Independent checks over large arrays: one core each.
        diagnostics += [MemberEntity.memberships, .registrations, .bookings, .holds].parallelMap { entity in
            switch entity {
            case .memberships: duplicateIDs(data.memberships.map(\.id), { data.memberships[$0].origin }, entity: "membership")
            case .registrations: duplicateIDs(data.registrations.map(\.id), { data.registrations[$0].origin }, entity: "registration")
            case .holds: duplicateIDs(data.holds.map(\.id), { data.holds[$0].origin }, entity: "hold")
            default: duplicateIDs(data.bookings.map(\.id), { data.bookings[$0].origin }, entity: "booking")
            }
        }.joined()
        if diagnostics.hasErrors { throw DiagnosticsError(diagnostics) }
        return (data, diagnostics)
    }

    private func duplicateIDs(_ ids: [String], _ origins: (Int) -> SourceLocation, entity: String) -> [Diagnostic] {
        var first: [String: Int] = [:]
        first.reserveCapacity(ids.count)
        var diagnostics: [Diagnostic] = []
        for (position, id) in ids.enumerated() {
            if let earlier = first.updateValue(position, forKey: id) {
                first[id] = earlier
                diagnostics.append(
                    .warning(
                        at: origins(position), path: "id",
                        "\(entity) id \(id) also appears at \(origins(earlier)); reasons naming #\(id) are ambiguous"))
            }
        }
        return diagnostics
    }
}

/// JSON records, read as a stream: each object is checked like a CSV row and decoded at once.
extension MemberDataBuilder {
    /// Reads the records of each entity in `bytes` from the array at its path (`[]`: the
    /// document is the array). Returns the document without those arrays' elements.
    ///
    /// Records are located by line, or `byIndex` by their place in the list (an API's page, often
    /// one line); `count` is increased by the records read.
    @discardableResult
    mutating func addJSON(
        _ bytes: [UInt8], entities: [MemberEntity: [String]], file: String, byIndex: Bool = false, count: inout Int
    ) -> JSONValue? {
        var keySets = KeySets()
        var reportedKeys = Set<String>()
        let streamed = entities.sorted { $0.key < $1.key }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, streaming: streamed.map(\.value)) { position, element in
                count += 1
                addJSONRecord(
                    element, entity: streamed[position].key, file: file, index: byIndex ? count : nil, keySets: &keySets,
                    reportedKeys: &reportedKeys)
            }
        } catch {
            decoder.append(.error(at: SourceLocation(file: file, line: error.line), "invalid JSON: \(error.message)"))
            return nil
        }
        for (entity, path) in entities.sorted(by: { $0.key < $1.key }) {
            guard let value = path.reduce(Optional(document), { $0?[$1] }) else { continue }
            data.providedEntities.insert(entity)
            if case .array = value { continue }
            let what = path.isEmpty ? "the file holds" : "\"\(path.joined(separator: "."))\" is"
            decoder.append(
                .error(
                    at: SourceLocation(file: file, line: 1), path: entity.rawValue,
                    "expected an array of \(entity.rawValue) objects; \(what) \(value.kindDescription)"))
        }
        return document
    }

    @discardableResult
    mutating func addJSON(_ bytes: [UInt8], entities: [MemberEntity: [String]], file: String) -> JSONValue? {
        var count = 0
        return addJSON(bytes, entities: entities, file: file, count: &count)
    }

    private mutating func addJSONRecord(
        _ element: JSONValue, entity: MemberEntity, file: String, index: Int?, keySets: inout KeySets,
        reportedKeys: inout Set<String>
    ) {
        guard case .object(let members, let line) = element else {
            decoder.append(
                .error(
                    at: SourceLocation(file: file, line: index ?? 1), path: entity.rawValue,
                    "expected an object for each of the \(entity.rawValue), found \(element.kindDescription)"))
            return
        }
        let location = SourceLocation(file: file, line: index ?? line)
        let columns = keySets.columns(of: members) { keys in
            // A set of keys not seen before in this export: checked for misspellings once.
            guard keys.contains(where: { Column(rawValue: $0) == nil }) else { return }
            for (column, suggestion) in EntitySpec.of(entity).misspelledColumns(in: keys) where reportedKeys.insert(column).inserted {
                decoder.append(.error(at: location, path: column, "unknown key \"\(column)\" (did you mean \"\(suggestion)\"?)"))
            }
        }
        add(Row(storage: .json(members, columns: columns), location: location), as: entity)
    }
}

/// The sets of keys an export's records have, each with where kisictl's columns are among them.
/// An export has few (its records leave out empty fields in a handful of ways), so each record
/// finds its own by comparing keys instead of looking each column up.
struct KeySets {
    private var known: [(keys: [String], columns: ColumnPositions)] = []

    /// The columns of `members`; `new` sees each set of keys the first time it comes.
    mutating func columns(of members: [(key: String, value: JSONValue)], new: ([String]) -> Void) -> ColumnPositions {
        for entry in known where entry.keys.count == members.count {
            if zip(entry.keys, members).allSatisfy({ $0 == $1.key }) { return entry.columns }
        }
        let keys = members.map(\.key)
        new(keys)
        let columns = ColumnPositions(header: keys)
        if known.count < 64 { known.append((keys, columns)) }
        return columns
    }
}
