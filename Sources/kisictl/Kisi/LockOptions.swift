import AccessModel
import ArgumentParser
import Foundation

/// Where the apply lock lives: `.kisictl/apply.lock` beside the config, or a shared path that
/// every checkout and runner of one organization names, so that they take turns too.
struct LockOptions: ParsableArguments {
    static let environmentVariable = "KISICTL_LOCK_FILE"

    @Option(
        name: .customLong("lock-file"),
        help: ArgumentHelp(
            "The apply lock's file (default .kisictl/apply.lock beside the config, or $KISICTL_LOCK_FILE): name one path on shared storage from every checkout and runner of an organization.",
            valueName: "path"))
    var lockFile: String?

    func path(stateFolder: String) -> String {
        if let lockFile { return lockFile }
        if let shared = ProcessInfo.processInfo.environment[Self.environmentVariable], !shared.isEmpty { return shared }
        return stateFolder + "/apply.lock"
    }
}
