import Foundation
import JSONSupport
import KisiSandbox
import Testing

/// Where Kisi behaves in ways a client can get wrong, the sandbox behaves as Kisi does (or, on
/// request, as a Kisi that breaks an assumption would): form-decoded queries, Kisi's sort and
/// search fields, the e-mails Kisi would send, short and shifting pages, a PATCH that ignores
/// validity fields, and roles held by teams and guests.
@Suite("Sandbox fidelity to Kisi", .serialized)
struct KisiFidelityTests {
    static let seed = """
        organization: {name: Fidelity Gym}
        api_keys: [{key: test-key, user: owner@example.com}]
        places:
          - {name: Riverside, address: 1 Harbour Road, locks: [Front Door, Harbour Gate]}
        users:
          - {email: owner@example.com, name: Owner}
          - {email: pia+gym@example.org, name: Pia Gym}
          - {email: client@example.org, name: Client JS}
          - {email: pia gym@example.org, name: Not Pia}
        teams:
          - {name: Cleaners, members: [owner@example.com], guests: [Pat Visitor]}
        guests:
          - {name: Pat Visitor, email: pat@visitor.example}
        groups:
          - name: Members
            place: Riverside
            members: [pia+gym@example.org, client@example.org]
            teams: [Cleaners]
            guests: [Pat Visitor]
          - {name: Staff, members: [owner@example.com]}
        """

    @Test("query strings are decoded as forms: a raw + is a space, %2B a plus")
    func formDecoding() async throws {
        let sandbox = try await SandboxHarness.start(seedText: Self.seed)
        defer { Task { await sandbox.stop() } }
        func emails(_ path: String) async throws -> [String] {
            try await sandbox.get(path).json?.arrayValue?.compactMap { $0["email"]?.stringValue } ?? []
        }
        #expect(try await emails("/users?email=pia+gym@example.org") == ["pia gym@example.org"])
        #expect(try await emails("/users?email=pia%2Bgym%40example.org") == ["pia+gym@example.org"])
        #expect(try await emails("/users?query=Client+JS") == ["client@example.org"])
        #expect(try await emails("/users?query=Client%20JS") == ["client@example.org"])
    }

    @Test("sort values are exactly the spec's enums; places and locks are searched by name only; place_id still filters roles")
    func sortsAndSearches() async throws {
        let sandbox = try await SandboxHarness.start(seedText: Self.seed)
        defer { Task { await sandbox.stop() } }
        for path in ["/users?sort=unlock", "/users?sort=-access_enabled", "/users?sort=-name", "/places?sort=favorite", "/locks?sort=-name"] {
            #expect(try await sandbox.get(path).status == 200, "\(path)")
        }
        for path in ["/users?sort=email", "/places?sort=-favorite", "/groups?sort=favorite", "/role_assignments?sort=name"] {
            #expect(try await sandbox.get(path).status == 400, "\(path)")
        }
        #expect(try await sandbox.get("/places?query=Harbour").json?.arrayValue?.isEmpty == true, "the address is not searched")
        #expect(try await sandbox.get("/locks?query=Harbour").json?.arrayValue?.count == 1)
        #expect(try await sandbox.get("/places?favorite=*").json?.arrayValue?.first?["favorite"]?.boolValue == false)
        #expect(try await sandbox.get("/places").json?.arrayValue?.first?["favorite"] == nil)
        let placeID = try #require(try await sandbox.get("/places").json?.arrayValue?.first?["id"]?.intValue)
        let inPlace = try await sandbox.get("/role_assignments?place_id=\(placeID)").json?.arrayValue ?? []
        #expect(inPlace.count == 4, "Members' four roles, not Staff's")
        #expect(Set(inPlace.compactMap { $0["group"]?["name"]?.stringValue }) == ["Members"])
    }

    @Test("teams and guests hold roles in Kisi's shapes: no user, the assignee named; deleting a guest removes its roles")
    func teamsAndGuests() async throws {
        let sandbox = try await SandboxHarness.start(seedText: Self.seed)
        defer { Task { await sandbox.stop() } }
        let roles = try await sandbox.get("/role_assignments?limit=250").json?.arrayValue ?? []
        let team = try #require(roles.first { $0["assignee_type"]?.stringValue == "Team" })
        #expect(team["user_id"] == .null)
        #expect(team["user"] == nil)
        #expect(team["assignee"]?["name"]?.stringValue == "Cleaners")
        #expect(team["assignee_team_id"]?.intValue == team["assignee_id"]?.intValue)
        let guest = try #require(roles.first { $0["assignee_type"]?.stringValue == "Guest" })
        #expect(guest["guest"]?["email"]?.stringValue == "pat@visitor.example")
        let members = try await sandbox.get("/team_memberships").json?.arrayValue ?? []
        #expect(Set(members.compactMap { $0["member_type"]?.stringValue }) == ["User", "Guest"])
        let guestID = try #require(guest["assignee_id"]?.intValue)
        #expect(try await sandbox.delete("/guests/\(guestID)").status == 204)
        let after = try await sandbox.get("/role_assignments?assignee_type=Guest").json?.arrayValue ?? []
        #expect(after.isEmpty)
        #expect(try await sandbox.get("/team_memberships?member_type=Guest&member_id=\(guestID)").json?.arrayValue?.isEmpty == true)
    }

    @Test("the outbox records the e-mails Kisi would send, and only those")
    func outbox() async throws {
        let sandbox = try await SandboxHarness.start(seedText: Self.seed)
        defer { Task { await sandbox.stop() } }
        let groupID = try #require(try await sandbox.id("/groups", where: "name", is: "Staff"))
        func outbox() async throws -> [String] {
            let reply = try await sandbox.send("GET", "/__sandbox/outbox", key: .some(nil))
            return reply.json?.arrayValue?.compactMap { email in
                guard let to = email["to"]?.stringValue, let kind = email["kind"]?.stringValue else { return nil }
                return "\(kind) \(to)"
            } ?? []
        }
        #expect(try await outbox().isEmpty, "a seeded organization has sent nothing")
        let quiet = try await sandbox.post("/users", #"{"user":{"email":"quiet@example.com","name":"Quiet","send_emails":false,"confirm":true}}"#)
        let quietID = try #require(quiet.json?["id"]?.intValue)
        _ = try await sandbox.post(
            "/role_assignments",
            #"{"role_assignment":{"applies_to_type":"Group","applies_to_id":\#(groupID),"assignee_type":"User","assignee_id":\#(quietID),"role_id":"group_basic"}}"#
        )
        #expect(try await outbox().isEmpty, "a user made with send_emails: false gets nothing, even when notified")

        let loud = try await sandbox.post("/users", #"{"user":{"email":"loud@example.com","name":"Loud"}}"#)
        let loudID = try #require(loud.json?["id"]?.intValue)
        #expect(try await outbox() == ["account_invitation loud@example.com"])
        let role = try await sandbox.post(
            "/role_assignments",
            #"{"role_assignment":{"applies_to_type":"Group","applies_to_id":\#(groupID),"assignee_type":"User","assignee_id":\#(loudID),"role_id":"group_basic","notify":false}}"#
        )
        let roleID = try #require(role.json?["id"]?.intValue)
        #expect(try await outbox().count == 1, "notify: false sends nothing")
        _ = try await sandbox.patch("/role_assignments/\(roleID)", #"{"role_assignment":{"notify":false,"valid_until":"2027-01-01T00:00:00Z"}}"#)
        #expect(try await outbox().count == 1)
        _ = try await sandbox.patch("/role_assignments/\(roleID)", #"{"role_assignment":{"valid_until":"2027-02-01T00:00:00Z"}}"#)
        #expect(try await outbox().last == "access_changed loud@example.com", "a PATCH that does not say notify: false notifies")
        _ = try await sandbox.post(
            "/invites",
            #"""
            {"invite":{"invites_to_type":"Group","invites_to_id":\#(groupID),
             "invitee":{"resource_type":"User","email":"invited@example.com","name":"Invited"},
             "role_assignment":{"role_id":"group_basic"}}}
            """#)
        #expect(try await outbox().last == "invitation invited@example.com", "an invite notifies by default")
        #expect(try await sandbox.send("DELETE", "/__sandbox/outbox", key: .some(nil)).status == 204)
        #expect(try await outbox().isEmpty)
    }

    @Test("the PATCH-ignoring emulation answers 204 and keeps the window; the default changes it")
    func patchIgnoringEmulation() async throws {
        for ignoring in [false, true] {
            let sandbox = try await SandboxHarness.start(
                seedText: Self.seed + (ignoring ? "\nemulate: {patch_ignores_validity: true}\n" : ""))
            defer { Task { await sandbox.stop() } }
            let role = try #require(try await sandbox.get("/role_assignments?assignee_type=User&limit=1").json?.arrayValue?.first)
            let id = try #require(role["id"]?.intValue)
            let reply = try await sandbox.patch(
                "/role_assignments/\(id)", #"{"role_assignment":{"valid_until":"2027-01-01T00:00:00Z","notify":false}}"#)
            #expect(reply.status == 204)
            let after = try await sandbox.get("/role_assignments/\(id)").json?["valid_until"]
            #expect(after == (ignoring ? .null : .string("2027-01-01T00:00:00.000Z")), "ignoring: \(ignoring)")
        }
    }

    @Test("page faults: short pages say so in the range, shifted pages repeat or skip a row with the total moved, reproducibly")
    func pageFaults() async throws {
        var users = "users:\n"
        for n in 1...12 { users += "  - {email: member\(n)@example.com}\n" }
        let seed = "organization: {name: Pages}\napi_keys: [{key: test-key, user: owner@example.com}]\n" + users
        let short = try await SandboxHarness.start(seedText: seed, faults: try FaultPlan(spec: "seed=1,short-pages=100%"))
        let page = try await short.get("/users?limit=6&offset=0")
        #expect(page.json?.arrayValue?.count == 3)
        #expect(page.range == "0-2/13")
        await short.stop()

        var seen: [[String]] = []
        for _ in 0..<2 {
            let shifted = try await SandboxHarness.start(seedText: seed, faults: try FaultPlan(spec: "seed=5,shift-pages=100%"))
            var ranges: [String] = []
            for offset in [0, 4, 8] {
                let reply = try await shifted.get("/users?limit=4&offset=\(offset)")
                ranges.append("\(reply.range ?? "") \(reply.json?.arrayValue?.first?["email"]?.stringValue ?? "")")
            }
            seen.append(ranges)
            await shifted.stop()
        }
        #expect(seen[0] == seen[1], "the same seed shifts the same pages")
        #expect(seen[0][0].hasPrefix("0-3/13 "), "the first page is never shifted")
        #expect(seen[0].dropFirst().allSatisfy { $0.contains("/12 ") || $0.contains("/14 ") }, "\(seen[0])")
    }
}
