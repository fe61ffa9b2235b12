import ArgumentParser
import Foundation

@main
struct Kisictl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kisictl",
        abstract: "Kisi door access as code: declare groups and the rules that fill them, review, apply.",
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self, ExplainCommand.self, PlanCommand.self, ApplyCommand.self, ShowCommand.self, LogCommand.self, ImportCommand.self,
            DoctorCommand.self, ForceUnlockCommand.self,
            SandboxCommand.self,
        ]
    )

    /// Parses and runs the command as ArgumentParser would, with kisictl's default signal
    /// handling in place first (see ``Signals``).
    static func main() async {
        Signals.endPromptly()
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
