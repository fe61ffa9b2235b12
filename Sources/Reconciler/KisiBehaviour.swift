import AccessModel
import Foundation
import PlanModel

/// What applies learned of the Kisi they write to, where its spec is silent: kept in
/// `.kisictl/kisi-behaviour.json` beside the config, so the next plan says how it will change
/// windows and `doctor` reports it.
public struct KisiBehaviour: Codable, Sendable, Equatable {
    /// The Kisi it was seen at (an endpoint, or "the embedded sandbox").
    public var target: String
    /// How window changes took: in place (`patch`), or Kisi kept the old window (`reissue`).
    public var windowChanges: WindowChangeMethod
    /// When it was last seen.
    public var seenAt: Instant

    enum CodingKeys: String, CodingKey {
        case target
        case windowChanges = "window_changes"
        case seenAt = "seen_at"
    }

    public init(target: String, windowChanges: WindowChangeMethod, seenAt: Instant) {
        self.target = target
        self.windowChanges = windowChanges
        self.seenAt = seenAt
    }

    public static let fileName = "kisi-behaviour.json"

    /// What was recorded for `target`, if anything (a file for another Kisi, or unreadable, is nothing).
    public static func load(folder: String, target: String) -> KisiBehaviour? {
        guard let data = FileManager.default.contents(atPath: folder + "/" + fileName),
            let behaviour = try? JSONDecoder().decode(KisiBehaviour.self, from: data), behaviour.target == target
        else { return nil }
        return behaviour
    }

    public func save(folder: String) throws {
        try PrivateFolder.create(folder)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let path = folder + "/" + Self.fileName, temporary = path + ".tmp"
        try encoder.encode(self).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
