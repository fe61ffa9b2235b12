extension SandboxState {
    /// Records an e-mail Kisi would send to a role's holder: a user only if they receive Kisi's
    /// e-mails (`send_emails`), a guest only if they have an address, a team never.
    mutating func mail(_ kind: EmailRecord.Kind, to assignee: Assignee, cause: String, at time: String) {
        let address: String?
        switch assignee.kind {
        case .user:
            guard let user = users.record(assignee.id), user.sendEmails else { return }
            address = user.email
        case .guest: address = guests.record(assignee.id)?.email
        case .team: address = nil
        }
        guard let address else { return }
        outbox.append(EmailRecord(id: nextID("email"), to: address, kind: kind, cause: cause, at: time))
    }
}
