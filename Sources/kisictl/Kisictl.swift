import ArgumentParser

@main
struct Kisictl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kisictl",
        abstract: "Kisi door access as code: declare groups and the rules that fill them, review, apply.",
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self, ExplainCommand.self, PlanCommand.self, ApplyCommand.self, ShowCommand.self, LogCommand.self, ImportCommand.self,
            DoctorCommand.self,
            SandboxCommand.self,
        ]
    )
}
