import Foundation
import JSONSupport
import KisiSandbox
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("The sandbox keeps Kisi's rules", .serialized)
struct SandboxRulesTests {
    @Test("authentication: KISI-LOGIN with a known key, else 401 in Kisi's error shape")
    func authentication() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        for key: String? in [nil, "wrong-key"] {
            let reply = try await sandbox.send("GET", "/groups", key: .some(key))
            #expect(reply.status == 401)
            #expect(reply.text == #"{"error":"Not authorized","code":"000000"}"#)
        }
        var request = URLRequest(url: URL(string: sandbox.running.baseURL + "/groups")!)
        request.setValue("Bearer \(sandbox.key)", forHTTPHeaderField: "Authorization")
        #expect(((try await URLSession.shared.data(for: request)).1 as! HTTPURLResponse).statusCode == 401)
        #expect(try await sandbox.get("/groups").status == 200)
        #expect(try await sandbox.get("/user").json?["email"]?.stringValue == "owner@example.com")
    }

    @Test("unknown paths, ids and methods are 404 in Kisi's error shape")
    func notFound() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        for (method, path) in [
            ("GET", "/nothing"), ("GET", "/groups/999999"), ("GET", "/groups/abc"), ("PUT", "/groups/30001"),
            ("DELETE", "/places/10001"),
        ] {
            let reply = try await sandbox.send(method, path)
            #expect(reply.status == 404, "\(method) \(path)")
            #expect(reply.json?["code"]?.stringValue == "a00404")
            #expect(reply.json?["error"]?.stringValue != nil)
        }
    }

    @Test("a read-only key may read but every write is 403")
    func observerKey() async throws {
        let seed = try TemporarySeed(
            """
            organization: {name: Observed}
            api_keys:
              - {key: admin-key, user: admin@example.com, role: administrator}
              - {key: reader-key, user: reader@example.com, role: observer}
            """)
        let sandbox = try await SandboxHarness.start(seed: seed.path)
        defer { Task { await sandbox.stop() } }
        #expect(try await sandbox.send("GET", "/groups", key: .some("reader-key")).status == 200)
        let write = try await sandbox.send("POST", "/groups", body: #"{"group":{"name":"G"}}"#, key: .some("reader-key"))
        #expect(write.status == 403)
        #expect(write.text == #"{"error":"Access denied.","code":"afc496"}"#)
        #expect(try await sandbox.send("POST", "/groups", body: #"{"group":{"name":"G"}}"#, key: .some("admin-key")).status == 200)
    }

    @Test("creating answers 200 with the object; updating and deleting answer 204 with no body")
    func statusConventions() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        let created = try await sandbox.post("/groups", #"{"group":{"name":"Evening","description":"After 6pm"}}"#)
        #expect(created.status == 200)
        #expect(created.json?["resource_type"]?.stringValue == "Group")
        let id = try #require(created.json?["id"]?.intValue)
        let patched = try await sandbox.patch("/groups/\(id)", #"{"group":{"name":"Evenings"}}"#)
        #expect(patched.status == 204)
        #expect(patched.text.isEmpty)
        #expect(try await sandbox.get("/groups/\(id)").json?["name"]?.stringValue == "Evenings")
        let deleted = try await sandbox.delete("/groups/\(id)")
        #expect(deleted.status == 204)
        #expect(deleted.text.isEmpty)
        #expect(try await sandbox.get("/groups/\(id)").status == 404)
    }

    @Test("a group's place is fixed at creation: place_id in an update is ignored")
    func placeCannotChange() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        let created = try await sandbox.post("/groups", #"{"group":{"name":"Org-wide"}}"#)
        let id = try #require(created.json?["id"]?.intValue)
        #expect(try await sandbox.patch("/groups/\(id)", #"{"group":{"place_id":10001,"name":"Renamed"}}"#).status == 204)
        let group = try await sandbox.get("/groups/\(id)").json
        #expect(group?["place_id"]?.isNull == true)
        #expect(group?["name"]?.stringValue == "Renamed")
        #expect(try await sandbox.post("/groups", #"{"group":{"name":"X","place_id":999}}"#).json?["errors"]?["place"] != nil)
    }

    @Test("422 validation errors come as {errors: {field: [messages]}}")
    func validationErrors() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        let cases: [(String, String, String, String)] = [
            ("/groups", #"{"group":{"name":"  "}}"#, "name", "can't be blank"),
            ("/groups", #"{"group":{"name":"G","login_enabled":"yes"}}"#, "login_enabled", "is invalid"),
            ("/users", #"{"user":{"name":"No Mail"}}"#, "email", "can't be blank"),
            ("/users", #"{"user":{"email":"not-an-address"}}"#, "email", "is invalid"),
            ("/users", #"{"user":{"email":"OWNER@Example.com"}}"#, "email", "has already been taken"),
            ("/group_locks", #"{"group_lock":{"group_id":30001}}"#, "lock_id", "can't be blank"),
            ("/group_locks", #"{"group_lock":{"group_id":30001,"lock_id":20001}}"#, "lock_id", "has already been taken"),
            (
                "/role_assignments", #"{"role_assignment":{"user_id":50001,"group_id":30001,"role_id":"admin"}}"#, "role_id",
                "is not included in the list"
            ),
            ("/role_assignments", #"{"role_assignment":{"group_id":30001,"role_id":"group_basic"}}"#, "assignee_id", "can't be blank"),
            (
                "/role_assignments", #"{"role_assignment":{"user_id":50001,"group_id":30001,"role_id":"group_basic"}}"#, "user_id",
                "has already been taken"
            ),
            (
                "/role_assignments",
                #"{"role_assignment":{"applies_to_type":"Group","applies_to_id":30001,"assignee_type":"User","assignee_id":50002,"group_id":30002,"role_id":"group_basic"}}"#,
                "group_id", "does not match applies_to_id"
            ),
            (
                "/role_assignments", #"{"role_assignment":{"user_id":50003,"group_id":30003,"role_id":"group_basic","valid_from":"tomorrow"}}"#,
                "valid_from", "is not a valid RFC 3339 time"
            ),
            (
                "/role_assignments",
                #"{"role_assignment":{"user_id":50003,"group_id":30003,"role_id":"group_basic","valid_from":"2026-11-23T10:00:00Z","valid_until":"2026-11-23T09:00:00Z"}}"#,
                "valid_until", "must be after valid_from"
            ),
            (
                "/role_assignments",
                #"{"role_assignment":{"applies_to_type":"Place","applies_to_id":10001,"assignee_type":"User","assignee_id":50003,"role_id":"place_basic"}}"#,
                "applies_to_type", "Place role assignments are not emulated by the sandbox"
            ),
        ]
        for (path, body, field, message) in cases {
            let reply = try await sandbox.post(path, body)
            #expect(reply.status == 422, "\(path) \(body)")
            #expect(reply.json?["errors"]?[field]?.arrayValue?.compactMap(\.stringValue).contains(message) == true, "\(reply.text)")
        }
        let malformed = try await sandbox.post("/groups", "{not json")
        #expect(malformed.status == 400)
        #expect(
            try await sandbox.post("/groups", #"{"name":"no envelope"}"#).json?["error"]?.stringValue
                == "param is missing or the value is empty: group")
    }

    @Test("one role per user per group, whichever body form is used")
    func oneRolePerGroup() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        let user = try #require(try await sandbox.post("/users", #"{"user":{"email":"pat@example.com","name":"Pat"}}"#).json?["id"]?.intValue)
        let group = try #require(try await sandbox.post("/groups", #"{"group":{"name":"Pool"}}"#).json?["id"]?.intValue)
        let current =
            #"{"role_assignment":{"applies_to_type":"Group","applies_to_id":\#(group),"assignee_type":"User","assignee_id":\#(user),"role_id":"group_basic","notify":true}}"#
        let legacy = #"{"role_assignment":{"user_id":\#(user),"group_id":\#(group),"role_id":"group_manager"}}"#
        let first = try await sandbox.post("/role_assignments", current)
        #expect(first.status == 200)
        #expect(first.json?["group_id"]?.intValue == group)
        #expect(first.json?["user_id"]?.intValue == user)
        #expect(first.json?["notify"]?.boolValue == true)
        #expect(first.json?["applies_to"]?["resource_type"]?.stringValue == "Group")
        #expect(try await sandbox.post("/role_assignments", legacy).status == 422)
        #expect(try await sandbox.delete("/role_assignments/\(first.json!["id"]!.intValue!)").status == 204)
        let second = try await sandbox.post("/role_assignments", legacy)
        #expect(second.status == 200)
        #expect(second.json?["role_id"]?.stringValue == "group_manager")
        #expect(second.json?["applies_to_id"]?.intValue == group)
        #expect(second.json?["assignee_id"]?.intValue == user)
    }

    @Test("validity windows are stored, normalized to Kisi's UTC form, changed and cleared")
    func validityWindows() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        let created = try await sandbox.post(
            "/role_assignments",
            #"""
            {"role_assignment":{"user_id":50003,"group_id":30003,"role_id":"group_basic",
             "valid_from":"2026-11-23T07:30:00+01:00","valid_until":"2026-11-23T09:15:00Z"}}
            """#)
        #expect(created.json?["valid_from"]?.stringValue == "2026-11-23T06:30:00.000Z")
        #expect(created.json?["valid_until"]?.stringValue == "2026-11-23T09:15:00.000Z")
        let id = try #require(created.json?["id"]?.intValue)
        #expect(try await sandbox.patch("/role_assignments/\(id)", #"{"role_assignment":{"valid_until":"2026-11-24T09:15:00Z"}}"#).status == 204)
        #expect(try await sandbox.get("/role_assignments/\(id)").json?["valid_until"]?.stringValue == "2026-11-24T09:15:00.000Z")
        #expect(try await sandbox.patch("/role_assignments/\(id)", #"{"role_assignment":{"valid_from":null,"valid_until":null}}"#).status == 204)
        let cleared = try await sandbox.get("/role_assignments/\(id)").json
        #expect(cleared?["valid_from"]?.isNull == true)
        #expect(cleared?["valid_until"]?.isNull == true)
        #expect(
            try await sandbox.patch(
                "/role_assignments/\(id)", #"{"role_assignment":{"valid_from":"2026-12-02T00:00:00Z","valid_until":"2026-12-01T00:00:00Z"}}"#
            ).status == 422)
    }

    @Test("counters stay true: users_count, members_count, locks_count, groups_count")
    func counters() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        let group = try #require(try await sandbox.post("/groups", #"{"group":{"name":"Counted","place_id":10001}}"#).json?["id"]?.intValue)
        let user = try #require(try await sandbox.post("/users", #"{"user":{"email":"count@example.com"}}"#).json?["id"]?.intValue)
        let link = try await sandbox.post("/group_locks", #"{"group_lock":{"group_id":\#(group),"lock_id":20001}}"#)
        let assignment = try await sandbox.post(
            "/role_assignments", #"{"role_assignment":{"user_id":\#(user),"group_id":\#(group),"role_id":"group_basic"}}"#)
        var json = try await sandbox.get("/groups/\(group)").json
        #expect(json?["users_count"]?.intValue == 1)
        #expect(json?["members_count"]?.intValue == 1)
        #expect(json?["locks_count"]?.intValue == 1)
        #expect(try await sandbox.get("/users/\(user)").json?["groups_count"]?.intValue == 1)
        let lockGroups = try await sandbox.get("/locks/20001").json?["groups_count"]?.intValue ?? 0
        _ = try await sandbox.delete("/group_locks/\(link.json!["id"]!.intValue!)")
        _ = try await sandbox.delete("/role_assignments/\(assignment.json!["id"]!.intValue!)")
        json = try await sandbox.get("/groups/\(group)").json
        #expect(json?["users_count"]?.intValue == 0)
        #expect(json?["locks_count"]?.intValue == 0)
        #expect(try await sandbox.get("/locks/20001").json?["groups_count"]?.intValue == lockGroups - 1)
        #expect(try await sandbox.get("/groups?limit=250").json?.arrayValue?.first { $0["id"]?.intValue == group }?["users_count"]?.intValue == 0)
    }

    @Test("a place group only takes that place's doors")
    func placeGroupDoors() async throws {
        let seed = try TemporarySeed(
            """
            organization: {name: Two sites}
            api_keys: [{key: k, user: admin@example.com}]
            places:
              - {name: North, locks: [North Door]}
              - {name: South, locks: [South Door]}
            groups:
              - {name: North members, place: North}
              - {name: Everyone}
            """)
        let sandbox = try await SandboxHarness.start(seed: seed.path)
        defer { Task { await sandbox.stop() } }
        let south = try #require(try await sandbox.id("/locks", where: "name", is: "South Door"))
        let north = try #require(try await sandbox.id("/groups", where: "name", is: "North members"))
        let everyone = try #require(try await sandbox.id("/groups", where: "name", is: "Everyone"))
        let refused = try await sandbox.post("/group_locks", #"{"group_lock":{"group_id":\#(north),"lock_id":\#(south)}}"#)
        #expect(refused.json?["errors"]?["lock"]?.arrayValue?.first?.stringValue == "must belong to the group's place")
        #expect(try await sandbox.post("/group_locks", #"{"group_lock":{"group_id":\#(everyone),"lock_id":\#(south)}}"#).status == 200)
    }

    @Test("invites create the user and the role in one call, and reuse a user found by e-mail in any case")
    func invites() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        func invite(_ email: String, group: Int) async throws -> SandboxHarness.Reply {
            try await sandbox.post(
                "/invites",
                #"""
                {"invite":{"invites_to_type":"Group","invites_to_id":\#(group),"notify":false,
                 "invitee":{"resource_type":"User","email":"\#(email)","name":"Visiting Coach"},
                 "role_assignment":{"role_id":"group_basic","valid_from":"2026-11-23T08:00:00Z","valid_until":"2026-11-23T12:00:00Z"}}}
                """#)
        }
        let first = try await invite("Coach@Partner.example", group: 30004)
        #expect(first.status == 200)
        let userID = try #require(first.json?["invitee_id"]?.intValue)
        #expect(first.json?["role_assignment"]?["valid_until"]?.stringValue == "2026-11-23T12:00:00.000Z")
        let user = try await sandbox.get("/users/\(userID)").json
        #expect(user?["email"]?.stringValue == "Coach@Partner.example")
        #expect(user?["name"]?.stringValue == "Visiting Coach")
        let again = try await invite("coach@partner.example", group: 30002)
        #expect(again.json?["invitee_id"]?.intValue == userID)
        #expect(try await sandbox.get("/users?email=COACH@partner.example").json?.arrayValue?.count == 1)
        #expect(try await invite("coach@partner.example", group: 30002).status == 422)
        #expect(try await invite("other@partner.example", group: 1).status == 422)

        // A refused invite leaves no trace: writes change the state only once every check passed.
        let backwards = try await sandbox.post(
            "/invites",
            #"""
            {"invite":{"invites_to_type":"Group","invites_to_id":30004,"notify":false,
             "invitee":{"resource_type":"User","email":"late@partner.example"},
             "role_assignment":{"role_id":"group_basic","valid_from":"2026-11-23T12:00:00Z","valid_until":"2026-11-23T08:00:00Z"}}}
            """#)
        #expect(backwards.status == 422)
        #expect(try await sandbox.get("/users?email=late@partner.example").json?.arrayValue?.isEmpty == true)
    }

    @Test("deleting a user or a group removes their roles and door links")
    func cascades() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        let members = try await sandbox.get("/role_assignments?group_id=30001&limit=250").json?.arrayValue ?? []
        #expect(!members.isEmpty)
        let someone = try #require(members.first { $0["role_id"]?.stringValue == "group_basic" }?["user_id"]?.intValue)
        #expect(try await sandbox.delete("/users/\(someone)").status == 204)
        #expect(try await sandbox.get("/role_assignments?user_id=\(someone)").json?.arrayValue?.isEmpty == true)
        #expect(try await sandbox.delete("/groups/30001").status == 204)
        #expect(try await sandbox.get("/role_assignments?applies_to_type=Group&applies_to_id=30001").range == "*/0")
        #expect(try await sandbox.get("/group_locks?group_id=30001").status == 404)
    }
}

/// A seed file in a temporary folder.
struct TemporarySeed {
    let path: String

    init(_ yaml: String) throws {
        path = NSTemporaryDirectory() + "kisictl-seed-" + UUID().uuidString + ".yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
