import AccessModel
import Foundation
import JSONSupport
import Subprocesses

/// A program that prints every entity as one JSON object on stdout:
/// `{"customers": [...], "memberships": [...], "registrations": [...], "bookings": [...]}`.
///
/// It lets any platform's API feed kisictl through a small script. The program runs in the
/// config's folder, without the Kisi key in its environment, within a timeout and an output
/// cap; its stderr is quoted when it fails.
struct CommandSource {
    let arguments: [String]
    let directory: String
    let timeout: TimeSpan
    let maxOutput: Int
    /// Environment variables the program must not see (the Kisi key).
    let secrets: [String]

    var label: String { "command \(arguments[0])" }

    func load() throws(DiagnosticsError) -> LoadedMemberData {
        let invocation = ProcessRunner.Invocation(
            program: arguments[0], arguments: Array(arguments.dropFirst()), directory: directory,
            environment: ProcessRunner.Invocation.environment(withholding: secrets),
            timeout: .seconds(timeout.seconds), maxOutput: maxOutput)
        let result: ProcessRunner.Completion
        do {
            result = try ProcessRunner.run(invocation)
        } catch {
            throw DiagnosticsError([.error("source \(label): \(error)")])
        }
        let stderr = Self.excerpt(result.stderr)
        switch result.stop {
        case .timedOut:
            throw DiagnosticsError([.error("source \(label) did not finish within \(timeout) and was stopped\(stderr)")])
        case .outputTooLarge:
            throw DiagnosticsError([
                .error(
                    "source \(label) printed more than \(Self.size(maxOutput)) and was stopped (raise source.max_output if the data is really this large)\(stderr)"
                )
            ])
        case nil:
            guard result.termination == .exited(0) else {
                throw DiagnosticsError([.error("source \(label) \(result.termination)\(stderr)")])
            }
        }
        let outputName = "\(arguments[0]) output"
        var builder = MemberDataBuilder()
        let document = builder.addJSON(
            result.stdout, entities: Dictionary(uniqueKeysWithValues: MemberEntity.allCases.map { ($0, [$0.rawValue]) }), file: outputName)
        switch document {
        case nil:
            throw DiagnosticsError(
                builder.decoder.diagnostics.map { invalid in
                    var diagnostic = invalid
                    diagnostic.message = "source \(label) printed \(invalid.message)\(stderr)"
                    return diagnostic
                })
        case .object(let members, _)?:
            let entities = MemberEntity.allCases.map(\.rawValue)
            for (key, _) in members where MemberEntity(rawValue: key) == nil {
                if let suggestion = Suggestions.closest(to: key, in: entities) {
                    builder.decoder.append(
                        .error(
                            at: SourceLocation(file: outputName, line: 1), path: key,
                            "unknown key \"\(key)\" (did you mean \"\(suggestion)\"?)"))
                }
            }
        case let value?:
            throw DiagnosticsError([
                .error(
                    "source \(label) printed \(value.kindDescription); expected one JSON object {\"customers\": [...], \"memberships\": [...], …}\(stderr)"
                )
            ])
        }
        let (data, warnings) = try builder.finish(customersLabel: "the \"customers\" array of \(label)")
        return LoadedMemberData(
            data: data, warnings: warnings, origin: "command \(arguments.joined(separator: " "))",
            fingerprint: Fingerprint.of(bytes: result.stdout), files: [outputName: Fingerprint.of(bytes: result.stdout)])
    }

    /// `268435456` as `256MiB`.
    static func size(_ bytes: Int) -> String {
        for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(unit)"
        }
        return "\(bytes) bytes"
    }

    /// The end of the program's stderr, ready to append to a message.
    static func excerpt(_ stderr: [UInt8]) -> String {
        let text = String(decoding: stderr, as: UTF8.self).trimmingWhitespace()
        guard !text.isEmpty else { return "" }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(20)
        var quoted = lines.joined(separator: "\n")
        if quoted.count > 2000 { quoted = "…" + quoted.suffix(2000) }
        return "; its stderr says:\n" + quoted.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}
