import Foundation

/// `.kisictl/` and the folders kisictl makes for its state: readable by their owner only, as
/// they hold the sandbox's keys, member e-mails and the audit log.
public enum PrivateFolder {
    public static func create(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
