import AccessModel
import PlanModel

/// How a plan is shown.
public struct PlanStyle: Sendable {
    /// Local times in reasons and windows are the site's.
    public var zone: SiteTimeZone
    /// ANSI colour: only on a terminal, never with NO_COLOR or --no-color.
    public var color: Bool
    /// `alice@example.com` → `a***@example.com`.
    public var maskEmails: Bool
    /// A note for the header, e.g. "the embedded sandbox".
    public var target: String?
    /// The plan's masking secret: a masked address carries a short keyed hash, so two people
    /// masked alike stay apart (policy tools key resources by address).
    public var maskSalt = ""

    public init(zone: SiteTimeZone, color: Bool = false, maskEmails: Bool = false, target: String? = nil) {
        self.zone = zone
        self.color = color
        self.maskEmails = maskEmails
        self.target = target
    }

    /// `alice@example.com`, or masked `a***@example.com#3f9a2c1b7e40`.
    public func email(_ address: String) -> String {
        guard maskEmails else { return address }
        let masked = EmailAddress.masked(address)
        return maskSalt.isEmpty ? masked : masked + "#" + PlanKey.tag(EmailAddress.normalized(address), salt: maskSalt)
    }

    /// The style for one plan: its masking secret.
    func forPlan(_ plan: Plan) -> PlanStyle {
        var style = self
        style.maskSalt = plan.maskSalt
        return style
    }

    /// A person's name is personal data too: masked with the e-mails.
    public func name(_ text: String) -> String {
        guard maskEmails, let first = text.first else { return text }
        return "\(first)***"
    }

    func local(_ instant: Instant) -> String { zone.localDateTime(for: instant).displayString }

    /// A resource address, its e-mail masked with the e-mails.
    public func address(_ address: ResourceAddress) -> String {
        var shown = address
        if address.kind == .role || address.kind == .user { shown.index = address.index.map(email) }
        return shown.description
    }

    /// `from 2026-11-25 00:00 until 2027-11-27 00:00`, `now until …`, `from … (no end)`, `no end`.
    func window(_ window: PlanWindow?) -> String {
        let from = window?.from.map { "from \(local($0))" } ?? "from now"
        let until = window?.until.map { "until \(local($0))" } ?? "with no end"
        return "\(from) \(until)"
    }
}
