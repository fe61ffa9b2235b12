import AccessModel
import PlanModel

/// What a reviewer should know about the Kisi organization, one sentence each.
public enum NoticeText {
    public static func sentences(_ plan: Plan, style: PlanStyle) -> [String] {
        var sentences: [String] = plan.notices.map { sentence($0, style: style) }
        if plan.windowChanges == .reissue, plan.summary.windowChanges > 0 {
            sentences.append(
                "this Kisi was seen to ignore new windows sent by PATCH, so each window change revokes the role and grants it again: the member is without access for those two requests."
            )
        }
        return sentences
    }

    public static func sentence(_ notice: KisiNotice, style: PlanStyle) -> String {
        switch notice {
        case .otherWriter(let writer):
            let who: String =
                switch writer.kind {
                case .user: "Kisi user \(writer.id.map(String.init) ?? "?")" + (writer.email.map { " (\(style.email($0)))" } ?? "")
                case .marketplaceInstallation: "the marketplace installation \(writer.id.map(String.init) ?? "?")"
                case .other: "another writer (\(writer.id.map(String.init) ?? "?"))"
                }
            let roles = writer.roles == 1 ? "1 member's role" : "\(writer.roles) members' roles"
            return
                "\(who) created \(roles) in \(writer.groups.joined(separator: ", ")) in the last 7 days, not this key's user: another tool may still be syncing these groups, and the two would undo each other. Turn its Kisi sync off for them."
        case .scimEnabled:
            return "SCIM is enabled for this organization: an identity provider may create users and change members of managed groups."
        case .clockSkew(let seconds):
            let minutes = (Double(abs(seconds)) / 60).formatted(.number.precision(.fractionLength(1)))
            let refused = ClockSkew.refuses(.seconds(seconds))
            return
                "the local clock is \(minutes) min \(seconds > 0 ? "behind" : "ahead of") Kisi's (its Date header): every window kisictl writes is off by as much. Set the clock right (NTP)\(refused ? "; apply refuses until then" : "")."
        case .unreadableSchedules(let owner, let ids):
            return
                "\(owner): Kisi holds schedule\(ids.count == 1 ? "" : "s") \(ids.map(String.init).joined(separator: ", ")) in a form kisictl cannot read, so it leaves this schedule alone rather than plan it blind. Look at it in Kisi's dashboard."
        case .orphanedGroup(let orphan):
            let place = orphan.place.map { "in \($0)" } ?? "in the organization"
            return
                "groups.\(orphan.address): the group is not in Kisi, but Kisi group \"\(orphan.name)\" (\(orphan.kisiID)) \(place) holds \(orphan.roles) role\(orphan.roles == 1 ? "" : "s") this key's user made. If it is this group under its old name, add previously: [\"\(orphan.name)\"] (or kisi_id: \(orphan.kisiID)) to rename it instead of creating a second group; if not, release it in Kisi or give this group another name."
        }
    }
}
