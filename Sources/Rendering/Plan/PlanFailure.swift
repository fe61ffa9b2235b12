import AccessModel
import JSONSupport
import PlanModel

/// A plan that could not be made, in the format the plan was asked for: scripts and policy tools
/// read one plan document either way (`applyable: false`, with the errors), and the pull request
/// gets a comment saying why.
public struct PlanFailure: Sendable {
    /// Every error, in words (config diagnostics with their locations).
    public var errors: [String]
    public var warnings: [PlanWarning]
    /// When the plan was attempted.
    public var instant: Instant
    public var zone: String

    public init(errors: [String], warnings: [PlanWarning], instant: Instant, zone: String) {
        self.errors = errors
        self.warnings = warnings
        self.instant = instant
        self.zone = zone
    }

    /// From the diagnostics of a config or member data that did not load.
    public init(diagnostics: [Diagnostic], instant: Instant, zone: String = "UTC") {
        self.init(
            errors: diagnostics.errors.map(\.description),
            warnings: diagnostics.warnings.map(PlanWarning.init),
            instant: instant, zone: zone)
    }

    /// A plan document with nothing planned, `applyable: false`, and the errors.
    public var json: JSONValue {
        let zero = JSONValue.int(0)
        return .object([
            ("format_version", .string(PlanJSON.formatVersion)),
            ("terraform_version", .string(PlanJSON.terraformVersion)),
            ("kisictl_plan_version", .string(Plan.formatVersion)),
            ("evaluated_at", .string(instant.rfc3339)),
            ("time_zone", .string(zone)),
            ("organization", .object([("id", zero), ("name", .string(""))])),
            ("planned_values", .object([("root_module", .object([("resources", .array([]))]))])),
            ("resource_changes", .array([])),
            (
                "summary",
                .object([
                    ("changes", .bool(false)), ("groups_to_create", zero), ("groups_to_update", zero), ("doors_to_link", zero),
                    ("doors_to_unlink", zero), ("users_to_create", zero), ("grants", zero), ("window_changes", zero), ("revocations", zero),
                ])
            ),
            ("errors", .array(errors.map(JSONValue.string))),
            ("warnings", .array(PlanJSON.dataWarnings(warnings))),
            ("guards", .array([])),
            ("applyable", .bool(false)),
            ("complete", .bool(false)),
            ("errored", .bool(true)),
            ("notify", .object([("enabled", .bool(false)), ("recipients", .array([]))])),
            ("window_changes", .string(WindowChangeMethod.patch.rawValue)),
        ])
    }

    /// A pull-request comment saying the plan could not be made, and why.
    public var markdown: String {
        var out = "### kisictl plan: failed\n\nNo plan could be made, so nothing can be applied. Fix these and push again:\n\n"
        let shown = errors.prefix(50)
        out += "```\n" + shown.map { $0.replacingOccurrences(of: "```", with: "'''") + "\n" }.joined() + "```\n"
        if errors.count > shown.count { out += "\n… and \(errors.count - shown.count) more: run `kisictl validate` for all of them.\n" }
        if !warnings.isEmpty { out += "\n\(warnings.count) data warning\(warnings.count == 1 ? "" : "s") too: `kisictl validate` lists them.\n" }
        return out
    }
}
