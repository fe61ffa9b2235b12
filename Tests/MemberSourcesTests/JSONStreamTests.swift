import JSONSupport
import Testing

@Suite("JSON read as a stream of records")
struct JSONStreamTests {
    @Test("elements of the named arrays are handed out in order, with their lines, and not kept")
    func streamed() throws {
        let text = """
            {"customers": [
              {"id": "1"},
              {"id": "2", "name": "caf\\u00e9 Zoë"}
            ], "next": "/p2", "memberships": [{"id": "m"}], "other": [1, 2]}
            """
        var seen: [(Int, String, Int)] = []
        let document = try JSONParser.parse(Array(text.utf8), streaming: [["customers"], ["memberships"]]) { position, element in
            guard case .object(let members, let line) = element else { return }
            seen.append((position, members.last?.value.stringValue ?? "", line))
        }
        #expect(seen.map(\.0) == [0, 0, 1])
        #expect(seen.map(\.1) == ["1", "café Zoë", "m"])
        #expect(seen.map(\.2) == [2, 3, 4])
        #expect(document["customers"]?.arrayValue?.isEmpty == true)
        #expect(document["next"]?.stringValue == "/p2")
        #expect(document["other"]?.arrayValue?.count == 2)
    }

    @Test("the document itself can be the streamed array; errors keep their line")
    func root() throws {
        var count = 0
        let document = try JSONParser.parse(Array("[{\"a\": 1}, {\"a\": 2}]".utf8), streaming: [[]]) { _, _ in count += 1 }
        #expect(count == 2)
        #expect(document.arrayValue?.isEmpty == true)
        let failure = #expect(throws: JSONParser.Failure.self) {
            try JSONParser.parse([UInt8]("[\n\"".utf8) + [0xFF, 0x22, 0x5D], streaming: [[]]) { _, _ in }
        }
        #expect(failure?.line == 2)
        #expect(failure?.message == "invalid UTF-8 in a string")
    }
}
