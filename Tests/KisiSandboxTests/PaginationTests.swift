import Foundation
import JSONSupport
import KisiSandbox
import Testing

@Suite("Sandbox pagination and filters, as Kisi's", .serialized)
struct PaginationTests {
    /// A sandbox with 23 groups (7 seeded + 16 more) and 120 extra users.
    static func populated() async throws -> SandboxHarness {
        let sandbox = try await SandboxHarness.start()
        for n in 1...16 { _ = try await sandbox.post("/groups", #"{"group":{"name":"Extra \#(n)"}}"#) }
        for n in 1...120 { _ = try await sandbox.post("/users", #"{"user":{"email":"bulk\#(n)@example.com","name":"Bulk \#(n)"}}"#) }
        return sandbox
    }

    @Test("limit and offset window a bare array; X-Collection-Range is start-end/total")
    func windows() async throws {
        let sandbox = try await Self.populated()
        defer { Task { await sandbox.stop() } }
        let first = try await sandbox.get("/groups?limit=2")
        #expect(first.range == "0-1/23")
        #expect(first.json?.arrayValue?.count == 2)
        let middle = try await sandbox.get("/groups?limit=5&offset=10")
        #expect(middle.range == "10-14/23")
        #expect(middle.json?.arrayValue?.first?["name"]?.stringValue == "Extra 4")
        // The last, partial page: the range follows the requested window, as in Kisi's own example (10-19/15).
        let last = try await sandbox.get("/groups?limit=10&offset=20")
        #expect(last.range == "20-29/23")
        #expect(last.json?.arrayValue?.count == 3)
        let beyond = try await sandbox.get("/groups?offset=40")
        #expect(beyond.range == "40-49/23")
        #expect(beyond.json?.arrayValue?.isEmpty == true)
    }

    @Test("each endpoint has Kisi's default and maximum page size")
    func pageSizes() async throws {
        let sandbox = try await Self.populated()
        defer { Task { await sandbox.stop() } }
        #expect(try await sandbox.get("/groups").range == "0-9/23")
        #expect(try await sandbox.get("/groups?limit=1000").range == "0-249/23")
        let users = try await sandbox.get("/users")
        #expect(users.range?.hasPrefix("0-49/") == true)
        #expect(users.json?.arrayValue?.count == 50)
        let capped = try await sandbox.get("/users?limit=500")
        #expect(capped.range?.hasPrefix("0-99/") == true)
        #expect(capped.json?.arrayValue?.count == 100)
        #expect(try await sandbox.get("/locks").range == "0-49/6")
        #expect(try await sandbox.get("/places").range == "0-49/1")
        #expect(try await sandbox.get("/role_assignments").range?.hasPrefix("0-9/") == true)
        #expect(try await sandbox.get("/integrations").range == "0-9/1")
        #expect(try await sandbox.get("/group_locks?group_id=30001").range == "0-9/3")
    }

    @Test("an empty collection is */0")
    func empty() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        let reply = try await sandbox.get("/groups?query=no-such-group")
        #expect(reply.status == 200)
        #expect(reply.range == "*/0")
        #expect(reply.text == "[]")
    }

    @Test("offset beyond 20000, a limit below 1 and malformed numbers are 400")
    func badParameters() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        #expect(try await sandbox.get("/groups?offset=20000").status == 200)
        for query in ["offset=20001", "offset=-1", "limit=0", "limit=ten", "ids=1,x"] {
            let reply = try await sandbox.get("/groups?\(query)")
            #expect(reply.status == 400, "\(query)")
            #expect(reply.json?["code"]?.stringValue == "a00400")
        }
    }

    @Test("filters: ids, query, scope, place_id, email, group_id, role and assignee")
    func filters() async throws {
        let sandbox = try await SandboxHarness.start()
        defer { Task { await sandbox.stop() } }
        func names(_ path: String) async throws -> [String] {
            try await sandbox.get(path).json?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        }
        #expect(try await names("/groups?ids=30002,30004") == ["Founding members", "Staff"])
        #expect(try await names("/groups?query=STUDIO") == ["Studio 1"])
        _ = try await sandbox.post("/groups", #"{"group":{"name":"Org-wide"}}"#)
        #expect(try await names("/groups?scope=organization") == ["Org-wide"])
        #expect(try await names("/groups?scope=place&limit=250").count == 7)
        #expect(try await names("/groups?place_id=10001&limit=250").count == 7)
        #expect(try await names("/groups?sort=-name&limit=3") == ["Unlimited 6am-11pm", "Treatment room", "Teacher training"])
        #expect(try await names("/locks?place_id=10001&query=studio") == ["Studio 1", "Studio 2"])

        let owner = try await sandbox.get("/users?email=OWNER@example.com").json?.arrayValue ?? []
        #expect(owner.count == 1)
        #expect(try await sandbox.get("/users?email=owner@example").json?.arrayValue?.isEmpty == true)
        #expect(try await sandbox.get("/users?query=front").json?.arrayValue?.first?["email"]?.stringValue == "frontdesk@example.com")
        let staff = try await sandbox.get("/users?group_id=30004").json?.arrayValue?.compactMap { $0["email"]?.stringValue }
        #expect(staff == ["owner@example.com", "frontdesk@example.com", "cleaner@example.com"])

        let managers =
            try await sandbox.get("/role_assignments?applies_to_type=Group&applies_to_id=30001&role_id=group_manager").json?.arrayValue ?? []
        #expect(managers.compactMap { $0["user"]?["email"]?.stringValue } == ["frontdesk@example.com"])
        let mine = try await sandbox.get("/role_assignments?assignee_type=User&assignee_id=50001&limit=250").json?.arrayValue ?? []
        #expect(try await sandbox.get("/role_assignments?user_id=me&limit=250").json?.arrayValue?.count == mine.count)
        #expect(try await sandbox.get("/role_assignments?applies_to_type=Place&applies_to_id=10001").range == "*/0")
        #expect(try await sandbox.get("/role_assignments?applies_to_id=30001").status == 400)
        #expect(try await sandbox.get("/integrations?group_id=30004").json?.arrayValue?.count == 1)
        #expect(try await sandbox.get("/integrations?group_id=30001").range == "*/0")
    }
}
