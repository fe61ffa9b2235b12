import AccessModel
import PlanModel

/// The member data's warnings and Kisi's e-mails, in words.
public enum DataText {
    /// How many data warnings the text and Markdown plans show before pointing at `validate`.
    public static let shownWarnings = 5

    /// `customers.csv:12: email: customer #12 has an invalid e-mail address; skipped`.
    public static func line(_ warning: PlanWarning) -> String {
        (warning.location.map { "\($0): " } ?? "") + warning.message
    }

    /// "Kisi will e-mail 3 people granted access (policy.notify): a***@…, …", or nil.
    public static func notified(_ plan: Plan, style: PlanStyle, listing limit: Int = 10) -> String? {
        let people = plan.notified
        guard !people.isEmpty else { return nil }
        let shown = people.prefix(limit).map(style.email).joined(separator: ", ")
        let more = people.count > limit ? " and \(people.count - limit) more" : ""
        let why = plan.notify ? "policy.notify is true" : "guests, whose e-mail carries their link; policy.notify is false"
        return "Kisi will e-mail \(people.count) \(people.count == 1 ? "person" : "people") granted access (\(why)): \(shown)\(more)."
    }
}
