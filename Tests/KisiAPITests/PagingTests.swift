import Foundation
import Testing

@testable import KisiAPI

/// The list reader believes what Kisi says it served, not what it asked for.
@Suite("Paging by what Kisi says")
struct PagingTests {
    struct Row: KisiIdentified, Sendable, Equatable {
        var id: Int
    }

    /// Reads `list` page by page with the cursor; `change` may alter the list before each read
    /// after the first, and `serve` may answer fewer rows than asked.
    static func read(
        _ list: [Int], limit: Int, change: (inout [Int], Int) -> Void = { _, _ in },
        serve: (Int) -> Int = { $0 }
    ) -> (rows: [Int], next: KisiPaging.Cursor<Row>.Next, pages: Int) {
        var current = list
        var cursor = KisiPaging.Cursor<Row>(pageSize: limit)
        var next = KisiPaging.Cursor<Row>.Next.read(offset: 0)
        var reads = 0
        while case .read(let offset) = next, reads < 100 {
            if reads > 0 { change(&current, reads) }
            reads += 1
            let page = offset < current.count ? Array(current[offset..<min(current.count, offset + serve(limit))]) : []
            next = cursor.take(page.map(Row.init), total: current.count)
        }
        return (cursor.rows.map(\.id), next, cursor.pages)
    }

    @Test("a list is read to its end, each row once")
    func plain() {
        let result = Self.read(Array(1...10), limit: 4)
        #expect(result.rows == Array(1...10))
        #expect(result.next == .done)
        #expect(result.pages == 3)
    }

    @Test("a server that answers fewer rows than asked hides nobody: the reader steps by the rows received")
    func shortPages() {
        let result = Self.read(Array(1...10), limit: 4, serve: { _ in 3 })
        #expect(result.rows == Array(1...10))
        #expect(result.pages == 4)
    }

    @Test("a row inserted before the read position is read once, and the row it pushed down is not lost")
    func inserted() {
        let result = Self.read(Array(1...10), limit: 4, change: { list, read in if read == 1 { list.insert(100, at: 0) } })
        #expect(result.rows.sorted() == Array(1...10))
        #expect(Set(result.rows).count == result.rows.count)
    }

    @Test("a row removed before the read position makes the reader step back, so the row that moved up is read")
    func removed() {
        let result = Self.read(Array(1...10), limit: 4, change: { list, read in if read == 1 { list.removeAll { $0 == 2 } } })
        #expect(result.rows.sorted() == Array(1...10), "row 5 moved into the first page's range and is still read")
    }

    @Test("rows removed and inserted on every read still end, with every row that stayed read once")
    func churn() {
        let result = Self.read(
            Array(1...30), limit: 5,
            change: { list, read in
                if read % 2 == 0 { list.removeFirst() } else { list.insert(1000 + read, at: 0) }
            })
        #expect(result.next == .done)
        #expect(Set(result.rows).count == result.rows.count)
        #expect(Set(result.rows).isSuperset(of: Set(6...30)), "rows never removed are all read")
    }

    @Test("an empty page before the promised end stalls: never a silent truncation")
    func stalled() {
        var cursor = KisiPaging.Cursor<Row>(pageSize: 4)
        #expect(cursor.take([1, 2, 3, 4].map(Row.init), total: 9) == .read(offset: 4))
        #expect(cursor.take([], total: 9) == .stalled)
    }

    @Test("X-Collection-Range: start-end/total and */0; anything else is unreadable")
    func ranges() {
        #expect(KisiPaging.CollectionRange("10-19/15")?.total == 15)
        #expect(KisiPaging.CollectionRange("*/0")?.total == 0)
        #expect(KisiPaging.CollectionRange("0-0/2")?.total == 2)
        for bad in ["", "15", "a-b/3", "0-9/x", "0-9/-1", "9-0/10"] { #expect(KisiPaging.CollectionRange(bad) == nil, "\(bad)") }
    }
}

@Suite("Query encoding")
struct QueryEncodingTests {
    @Test("every query value is percent-encoded: + is %2B, a space %20, @ %40")
    func encoding() {
        #expect(KisiRequest.percentEncoded("pia+gym@example.org") == "pia%2Bgym%40example.org")
        #expect(KisiRequest.percentEncoded("Client JS") == "Client%20JS")
        #expect(KisiRequest.percentEncoded("a-b_c.d~e") == "a-b_c.d~e")
        #expect(KisiRequest.percentEncoded("é") == "%C3%A9")
        let request = KisiRequest(method: "GET", path: "/users", query: [("email", "pia+gym@example.org"), ("limit", "100")])
        #expect(request.encodedQuery == "email=pia%2Bgym%40example.org&limit=100")
    }
}

@Suite("Role assignments of every assignee kind")
struct AssigneeDecodingTests {
    static func decode(_ json: String) throws -> KisiRoleAssignment {
        try JSONDecoder().decode(KisiRoleAssignment.self, from: Data(json.utf8))
    }

    @Test("users, teams and guests are told apart by assignee_type; a team's id is never a user's")
    func kinds() throws {
        let user = try Self.decode(
            #"{"id":1,"role_id":"group_basic","group_id":7,"assignee_type":"User","assignee_id":50,"user_id":50,"user":{"id":50,"email":"a@b.c","name":"A"},"valid_from":null,"valid_until":null}"#
        )
        #expect(user.user == KisiUser(id: 50, name: nil, email: "a@b.c"), "a user's name is not kept with the role")
        let team = try Self.decode(
            #"{"id":2,"role_id":"group_basic","applies_to_type":"Group","applies_to_id":7,"assignee_type":"Team","assignee_id":50,"assignee":{"id":50,"resource_type":"Team","name":"Cleaners"},"user_id":null}"#
        )
        #expect(team.assignee == .team(id: 50, name: "Cleaners"))
        #expect(team.user == nil)
        let guest = try Self.decode(
            #"{"id":3,"role_id":"group_basic","group_id":7,"assignee_type":"Guest","assignee_id":9,"assignee":{"id":9,"name":"Pat","email":null},"user_id":null}"#
        )
        #expect(guest.assignee == .guest(id: 9, name: "Pat", email: nil))
    }

    @Test("the legacy shape (user_id, no assignee_type) is a user; a null user_id with no kind is not")
    func legacy() throws {
        let legacy = try Self.decode(#"{"id":1,"role_id":"group_basic","group_id":7,"user_id":50,"user":{"email":"a@b.c"}}"#)
        #expect(legacy.user?.id == 50)
        let unknown = try Self.decode(#"{"id":2,"role_id":"group_basic","group_id":7,"user_id":null,"assignee_id":4}"#)
        #expect(unknown.user == nil)
        #expect(throws: (any Error).self) { try Self.decode(#"{"id":3,"role_id":"x","applies_to_type":"Place","applies_to_id":1,"user_id":5}"#) }
    }

    @Test("the creator: a user, or a marketplace installation")
    func creators() throws {
        let byUser = try Self.decode(#"{"id":1,"role_id":"group_basic","group_id":7,"user_id":5,"created_by_type":"User","created_by_id":8}"#)
        #expect(byUser.createdBy == .user(8))
        let byApp = try Self.decode(
            #"{"id":1,"role_id":"group_basic","group_id":7,"user_id":5,"created_by_type":"MarketplaceInstallation","created_by_id":3}"#)
        #expect(byApp.createdBy == .marketplaceInstallation(3))
        let nobody = try Self.decode(#"{"id":1,"role_id":"group_basic","group_id":7,"user_id":5,"created_by_type":null,"created_by_id":null}"#)
        #expect(nobody.createdBy == nil)
    }
}

@Suite("RFC 3339 on the one calendar")
struct TimestampTests {
    @Test("dates that do not exist are refused, as the member-data parser refuses them")
    func impossibleDates() {
        #expect(KisiTime.parse("2026-02-31T00:00:00Z") == nil)
        #expect(KisiTime.parse("2025-02-29T00:00:00Z") == nil)
        #expect(KisiTime.parse("2024-02-29T12:00:00.250Z") != nil)
        #expect(KisiTime.parse("2026-11-23T09:00:00+01:00").map(KisiTime.format) == "2026-11-23T08:00:00Z")
        #expect(KisiTime.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }
}
