import AccessModel
import Foundation
import JSONSupport

/// A folder of exports: one `customers.csv` or `customers.json` (and so on) per entity.
struct FileSource {
    let folder: String
    /// Entities read from another platform's export through a mapping.
    var mappings: [FileMapping] = []

    func load() throws(DiagnosticsError) -> LoadedMemberData {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DiagnosticsError([.error("member data folder not found: \(folder) (source.files in the config)")])
        }
        var builder = MemberDataBuilder()
        var exports: [(entity: MemberEntity, path: String, isCSV: Bool)] = []
        var mapped: [MappedExport] = []
        for entity in MemberEntity.allCases {
            if let mapping = mappings.first(where: { $0.entity == entity }) {
                mapped.append(MappedExport(mapping: mapping, path: MemberSource.join(folder, mapping.file)))
                continue
            }
            let csv = MemberSource.join(folder, entity.rawValue + ".csv")
            let json = MemberSource.join(folder, entity.rawValue + ".json")
            let hasCSV = FileManager.default.fileExists(atPath: csv)
            let hasJSON = FileManager.default.fileExists(atPath: json)
            switch (hasCSV, hasJSON) {
            case (true, true):
                builder.decoder.append(
                    .error(
                        at: SourceLocation(file: json, line: 1),
                        "both \(csv) and \(json) exist; keep one so it is clear which export is current"))
            case (true, false): exports.append((entity, csv, true))
            case (false, true): exports.append((entity, json, false))
            case (false, false): continue
            }
        }
        // Exports are independent until the checks across them, so each is read on its own core,
        // largest first so the cores finish together.
        let size = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        exports = exports.map { ($0, size($0.path)) }.sorted { $0.1 > $1.1 }.map(\.0)
        let read = exports.parallelMap { export in
            var part = MemberDataBuilder()
            let fingerprint =
                export.isCSV
                ? readCSV(export.path, entity: export.entity, into: &part)
                : readJSON(export.path, entity: export.entity, into: &part)
            return (part, fingerprint, export.path)
        }
        let readMapped = mapped.parallelMap { export in
            var part = MemberDataBuilder()
            let fingerprint = export.read(into: &part)
            return (part, fingerprint, export.path)
        }
        let entities = exports.map(\.entity) + mapped.map(\.mapping.entity)
        let inEntityOrder = zip(entities, read + readMapped).sorted { $0.0 < $1.0 }.map(\.1)
        for (part, _, _) in inEntityOrder { builder.absorb(part) }
        let fingerprints = inEntityOrder.map(\.1)
        let files = Dictionary(uniqueKeysWithValues: inEntityOrder.map { ($0.2, $0.1) })
        let customersLabel = mapped.first { $0.mapping.entity == .customers }?.path ?? MemberSource.join(folder, "customers.csv")
        let (data, warnings) = try builder.finish(customersLabel: customersLabel)
        return LoadedMemberData(
            data: data, warnings: warnings, origin: "files in \(folder)",
            fingerprint: Fingerprint.of(fingerprints.joined(separator: "\n")), files: files)
    }

    private func bytes(_ path: String, into builder: inout MemberDataBuilder) -> [UInt8]? {
        // The export exists: whatever goes wrong reading it, it is not "missing".
        builder.data.providedEntities.insert(entity(of: path))
        guard let data = FileManager.default.contents(atPath: path) else {
            builder.decoder.append(.error(at: SourceLocation(file: path, line: 1), "cannot read the file"))
            return nil
        }
        return [UInt8](data)
    }

    /// Reads one export; returns the fingerprint of its bytes.
    private func readCSV(_ path: String, entity: MemberEntity, into builder: inout MemberDataBuilder) -> String {
        guard let bytes = bytes(path, into: &builder) else { return "" }
        builder.reserveCapacity(CSVReader.lineCount(bytes), for: entity)
        var table = TableImport(entity: entity, origin: path)
        do {
            try CSVReader.read(bytes) { record in table.add(record.fields, line: record.line, into: &builder) }
        } catch CSVReader.Failure.unterminatedQuote(let line) {
            builder.decoder.append(.error(at: SourceLocation(file: path, line: line), "a quoted field is never closed"))
        } catch CSVReader.Failure.invalidUTF8(let line) {
            builder.decoder.append(.error(at: SourceLocation(file: path, line: line), "the file is not UTF-8 text (export it as UTF-8 CSV)"))
        } catch {
            builder.decoder.append(.error(at: SourceLocation(file: path, line: 1), "cannot read CSV: \(error)"))
        }
        return entity.rawValue + " " + Fingerprint.of(bytes: bytes)
    }

    private func entity(of path: String) -> MemberEntity {
        let name = (path as NSString).lastPathComponent
        return MemberEntity.allCases.first { name.hasPrefix($0.rawValue + ".") }!
    }

    private func readJSON(_ path: String, entity: MemberEntity, into builder: inout MemberDataBuilder) -> String {
        guard let bytes = bytes(path, into: &builder) else { return "" }
        builder.addJSON(bytes, entities: [entity: []], file: path)
        return entity.rawValue + " " + Fingerprint.of(bytes: bytes)
    }
}
