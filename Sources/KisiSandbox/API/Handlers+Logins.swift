import Foundation
import JSONSupport

/// Signing in and out: `POST /logins` with an e-mail and password makes a login whose secret is
/// a key (`KISI-LOGIN <secret>`), as Kisi's own JS client does; `GET`, `PUT` and `DELETE /login`
/// act on the login the request's key belongs to.
extension Handlers {
    static func signIn(store: SandboxStore, request: SandboxRequest) async throws -> SandboxResponse {
        var login = try Attributes(body: request.body, envelope: "login")
        var user = Attributes(members: (try? JSONParser.parse(request.body))?["user"]?.objectMembers ?? [])
        let type = login.string("type") ?? "device"
        let name = login.string("name") ?? nil
        let email = user.string("email", required: true), password = user.string("password", required: true)
        if let type, !["api", "device"].contains(type) { login.fail("type", "is not included in the list") }
        for error in user.errors { login.fail("user.\(error.field)", error.message) }
        try login.check()
        let (address, secret) = (email!!.lowercased(), password!!)
        return try await store.write { state, now throws(APIError) in
            guard let account = state.users.first(where: { $0.email.lowercased() == address }), let stored = account.password, stored == secret else {
                throw APIError.error(401, "Wrong email address or password.", code: "afc516")
            }
            // A login acts with its user's organization role (that of the user's seeded key).
            let role = state.apiKeys.first { $0.userID == account.id && $0.login == nil }?.role ?? .observer
            let key = APIKeyRecord(
                key: "login-" + (0..<20).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined(),
                userID: account.id, role: role,
                login: LoginRecord(id: state.nextID("login"), type: type ?? "device", name: name, createdAt: now, updatedAt: now))
            state.apiKeys.append(key)
            return .json(KisiResources(state: state).login(key, secret: true))
        }
    }

    func currentLogin() async throws -> SandboxResponse {
        try await read { state throws(APIError) in
            guard let key = state.apiKeys.first(where: { $0.key == caller.key }) else { throw .unauthorized }
            return .json(KisiResources(state: state).login(key, secret: false))
        }
    }

    func renameLogin() async throws -> SandboxResponse {
        var attributes = try attributes("login")
        let name = attributes.string("name")
        try attributes.check()
        return try await write { state, now throws(APIError) in
            guard let index = state.apiKeys.firstIndex(where: { $0.key == caller.key }) else { throw .unauthorized }
            if let name, var login = state.apiKeys[index].login {
                login.name = name
                login.updatedAt = now
                state.apiKeys[index].login = login
            }
            return .noContent
        }
    }

    /// Signs out: the key stops working. A seeded key (not made by `POST /logins`) stays, so a
    /// test cannot lock itself out of its own sandbox.
    func signOut() async throws -> SandboxResponse {
        try await write { state, _ throws(APIError) in
            state.apiKeys.removeAll { $0.key == caller.key && $0.login != nil }
            return .noContent
        }
    }
}
